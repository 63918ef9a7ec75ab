"""Reads in finance: invoice and payment lists, what waits for finance."""

from django.db.models import F, Q, QuerySet

from finance.models import Invoice, Payment
from orders.models import SalesOrder


def invoice_list(*, status: str = "", search: str = "") -> QuerySet[Invoice]:
    invoices = Invoice.objects.select_related("customer", "order")
    if status:
        invoices = invoices.filter(status=status)
    if search:
        invoices = invoices.filter(
            Q(number__icontains=search)
            | Q(order__number__icontains=search)
            | Q(customer__name__icontains=search)
        )
    return invoices


def invoice_get(*, pk: int) -> Invoice:
    return Invoice.objects.select_related("customer", "order", "created_by").get(pk=pk)


def invoice_lines(*, invoice: Invoice):
    return list(invoice.lines.select_related("order_line__product").order_by("pk"))


def invoice_allocations(*, invoice: Invoice):
    return list(invoice.allocations.select_related("payment", "allocated_by").order_by("pk"))


def invoices_open_for_customer(*, customer_id: int) -> QuerySet[Invoice]:
    return Invoice.objects.filter(customer_id=customer_id, status__in=Invoice.OPEN).order_by(
        "due_on", "pk"
    )


def invoices_open() -> QuerySet[Invoice]:
    return Invoice.objects.filter(status__in=Invoice.OPEN).select_related("customer", "order")


def payment_list(*, search: str = "", unallocated_only: bool = False) -> QuerySet[Payment]:
    payments = Payment.objects.select_related("customer", "recorded_by")
    if search:
        payments = payments.filter(
            Q(number__icontains=search)
            | Q(bank_reference__icontains=search)
            | Q(customer__name__icontains=search)
        )
    if unallocated_only:
        payments = payments.exclude(allocated_amount=F("amount"))
    return payments


def payment_get(*, pk: int) -> Payment:
    return Payment.objects.select_related("customer", "recorded_by").get(pk=pk)


def payment_allocations(*, payment: Payment):
    return list(payment.allocations.select_related("invoice", "allocated_by").order_by("pk"))


def orders_to_invoice() -> QuerySet[SalesOrder]:
    """Orders with shipped quantities not yet invoiced, oldest first."""
    return (
        SalesOrder.objects.filter(
            status__in=[SalesOrder.Status.PARTIALLY_SHIPPED, SalesOrder.Status.SHIPPED],
            lines__quantity_shipped__gt=F("lines__quantity_invoiced"),
        )
        .select_related("customer")
        .distinct()
        .order_by("shipped_at", "pk")
    )
