"""Reads in finance: invoice and payment lists, what waits for finance."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.credit import CreditFigures, credit_figures, credit_policy_get
from customers.models import Customer
from customers.selectors import sales_scope_of
from finance.models import Invoice, InvoiceLine, Payment, PaymentAllocation
from opms.core.money import ZERO, round_money
from orders.models import SalesOrder, SalesOrderLine
from orders.selectors import orders_visible_to


def invoices_visible_to(invoices: QuerySet[Invoice], user) -> QuerySet[Invoice]:
    """Sales users see the invoices of the orders they may see; other roles all."""
    if user is None or sales_scope_of(user) is None:
        return invoices
    return invoices.filter(order__in=orders_visible_to(SalesOrder.objects.all(), user))


def invoice_list(*, status: str = "", search: str = "", user=None) -> QuerySet[Invoice]:
    invoices = invoices_visible_to(Invoice.objects.select_related("customer", "order"), user)
    if status:
        invoices = invoices.filter(status=status)
    if search:
        invoices = invoices.filter(
            Q(number__icontains=search)
            | Q(order__number__icontains=search)
            | Q(customer__name__icontains=search)
        )
    return invoices


def invoice_get(*, pk: int, user=None) -> Invoice:
    return invoices_visible_to(
        Invoice.objects.select_related("customer", "order", "created_by"), user
    ).get(pk=pk)


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


def invoices_draft() -> QuerySet[Invoice]:
    """Drafts waiting to be issued, oldest first."""
    return (
        Invoice.objects.filter(status=Invoice.Status.DRAFT)
        .select_related("customer", "order")
        .order_by("created_at", "pk")
    )


def invoices_of_order(*, order_id: int) -> list[Invoice]:
    """The order's invoices with their allocations and payments (the order page's billing card)."""
    return list(
        Invoice.objects.filter(order_id=order_id)
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=PaymentAllocation.objects.select_related("payment").order_by("pk"),
            )
        )
        .order_by("created_at", "pk")
    )


def invoice_open_by_number(*, number: str) -> Invoice | None:
    return (
        Invoice.objects.filter(number__iexact=number.strip(), status__in=Invoice.OPEN)
        .select_related("customer")
        .first()
    )


@dataclass(frozen=True)
class InvoicePreviewLine:
    line: SalesOrderLine
    quantity: int
    net_amount: Decimal
    tax_amount: Decimal

    @property
    def total_amount(self) -> Decimal:
        return self.net_amount + self.tax_amount


@dataclass(frozen=True)
class InvoicePreview:
    lines: list[InvoicePreviewLine]
    net_amount: Decimal
    tax_amount: Decimal

    @property
    def total_amount(self) -> Decimal:
        return self.net_amount + self.tax_amount


def invoice_preview(*, order: SalesOrder, basis: str) -> InvoicePreview:
    """What invoice_create would draft for `basis` ("shipped" or "ordered"), without writing.

    Same rule as the service: shipped (or ordered) quantity, less what is invoiced or
    sits on drafts; a line's last invoice takes the remainder of its amounts.
    """
    lines = list(order.lines.select_related("product").order_by("line_no"))
    drafted = dict(
        InvoiceLine.objects.filter(invoice__order=order, invoice__status=Invoice.Status.DRAFT)
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"))
        .values_list("order_line_id", "quantity")
    )
    billed = {
        row["order_line_id"]: row
        for row in InvoiceLine.objects.filter(invoice__order=order)
        .exclude(invoice__status=Invoice.Status.VOID)
        .values("order_line_id")
        .annotate(net=Sum("net_amount"), tax=Sum("tax_amount"), quantity=Sum("quantity"))
    }
    rows = []
    for line in lines:
        ceiling = line.quantity if basis == "ordered" else line.quantity_shipped
        quantity = ceiling - line.quantity_invoiced - drafted.get(line.pk, 0)
        if quantity <= 0:
            continue
        already = billed.get(line.pk, {"net": ZERO, "tax": ZERO, "quantity": 0})
        if already["quantity"] + quantity >= line.quantity:
            net = line.net_amount - already["net"]
            tax = line.tax_amount - already["tax"]
        else:
            net = round_money(line.net_amount * quantity / line.quantity, order.currency)
            tax = round_money(line.tax_amount * quantity / line.quantity, order.currency)
        rows.append(
            InvoicePreviewLine(line=line, quantity=quantity, net_amount=net, tax_amount=tax)
        )
    return InvoicePreview(
        lines=rows,
        net_amount=sum((row.net_amount for row in rows), ZERO),
        tax_amount=sum((row.tax_amount for row in rows), ZERO),
    )


@dataclass(frozen=True)
class CustomerCreditRow:
    customer: Customer
    figures: CreditFigures
    unallocated_amount: Decimal
    overdue_amount: Decimal


def customers_by_credit_use(*, limit: int = 200) -> list[CustomerCreditRow]:
    """Customers with exposure, by share of their credit limit used (unlimited ones last).

    Exposure here is net of unallocated payments; overdue = open invoices past due.
    Three statements whatever the number of customers.
    """
    today = timezone.localdate()
    unallocated = (
        Payment.objects.filter(customer=OuterRef("pk"))
        .values("customer")
        .annotate(total=Sum(F("amount") - F("allocated_amount")))
        .values("total")
    )
    overdue = (
        Invoice.objects.filter(customer=OuterRef("pk"), status__in=Invoice.OPEN, due_on__lt=today)
        .values("customer")
        .annotate(total=Sum(F("total_amount") - F("allocated_amount")))
        .values("total")
    )
    customers = (
        Customer.objects.filter(is_active=True)
        .filter(Q(open_order_amount__gt=0) | Q(receivable_amount__gt=0))
        .select_related("sales_rep")
        .annotate(
            unallocated_total=Coalesce(Subquery(unallocated), ZERO),
            overdue_total=Coalesce(Subquery(overdue), ZERO),
        )
        .order_by("code")[: limit * 5]
    )
    policy = credit_policy_get()
    rows = [
        CustomerCreditRow(
            customer=customer,
            figures=credit_figures(
                customer, policy=policy, unallocated_amount=customer.unallocated_total
            ),
            unallocated_amount=customer.unallocated_total,
            overdue_amount=customer.overdue_total,
        )
        for customer in customers
    ]
    rows.sort(
        key=lambda row: (
            row.figures.used_percent is None,
            -(row.figures.used_percent or 0),
            -row.overdue_amount,
        )
    )
    return rows[:limit]
