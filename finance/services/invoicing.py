"""Invoices: drafted from an order, issued into receivables, voided."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from customers.services import customer_exposure_adjust, customer_oldest_due_set
from finance.errors import (
    FinancePermissionDenied,
    InvoiceTransitionNotAllowed,
    NothingToInvoice,
)
from finance.models import Invoice, InvoiceLine
from finance.selectors import invoice_preview
from opms.core.numbering import next_document_number
from orders.errors import OrderTransitionNotAllowed
from orders.models import SalesOrder
from orders.services import order_record_invoice

BASE_CURRENCY = "CNY"
BASIS_SHIPPED = "shipped"
BASIS_ORDERED = "ordered"


def oldest_due_refresh(customer_id: int) -> None:
    oldest = Invoice.objects.filter(customer_id=customer_id, status__in=Invoice.OPEN).aggregate(
        oldest=Min("due_on")
    )["oldest"]
    customer_oldest_due_set(customer_id=customer_id, due_on=oldest)


def require_permission(actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise FinancePermissionDenied()


def exchange_rate_for(currency: str, rate: Decimal | None) -> Decimal:
    """CNY is 1; another currency takes the given rate (1 until finance enters one)."""
    if currency == BASE_CURRENCY or rate is None or rate <= 0:
        return Decimal("1")
    return rate


@transaction.atomic
def invoice_create(*, order_id: int, actor, basis: str = BASIS_SHIPPED) -> Invoice:
    """Draft an invoice for what is shipped (normal) or ordered (prepayment) and not yet invoiced.

    A line's last invoice takes the remainder of its amounts, so the invoices of an
    order always add up to the order exactly. Only approved (or shipping, shipped)
    orders are invoiced. Raises OrderTransitionNotAllowed, NothingToInvoice.
    """
    require_permission(actor, "finance.add_invoice")
    order = (
        SalesOrder.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=order_id)
    )
    if not order.is_invoiceable and not order.is_fully_invoiced:
        raise OrderTransitionNotAllowed(
            number=order.number, action=_("invoiced"), status=order.get_status_display()
        )
    preview = invoice_preview(order=order, basis=basis)
    invoice_lines = [
        InvoiceLine(
            order_line=row.line,
            description=f"{row.line.product.sku} {row.line.product.name}",
            quantity=row.quantity,
            unit_price_amount=row.line.unit_price_amount,
            net_amount=row.net_amount,
            tax_rate=row.line.tax_rate,
            tax_amount=row.tax_amount,
        )
        for row in preview.lines
    ]
    if not invoice_lines:
        raise NothingToInvoice(number=order.number)
    net_total, tax_total = preview.net_amount, preview.tax_amount
    invoice = Invoice.objects.create(
        number=next_document_number("INV"),
        order=order,
        customer=order.customer,
        currency=order.currency,
        net_amount=net_total,
        tax_amount=tax_total,
        total_amount=net_total + tax_total,
        created_by=actor,
    )
    for line in invoice_lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(invoice_lines)
    return invoice


def _invoice_lock(invoice_id: int) -> Invoice:
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=invoice_id)
    )


@transaction.atomic
def invoice_issue(
    *, invoice_id: int, actor, issued_on=None, exchange_rate: Decimal | None = None
) -> Invoice:
    """Issue a draft invoice: due date from payment terms; the amount moves into receivables.

    A foreign-currency invoice records its rate to CNY (the exchange difference on
    payment is measured against it).

    Raises InvoiceTransitionNotAllowed, FinancePermissionDenied, InvoiceQuantityTooLarge.
    """
    invoice = _invoice_lock(invoice_id)
    if not can_proceed(invoice.issue):
        raise InvoiceTransitionNotAllowed(
            number=invoice.number, action=_("issued"), status=invoice.get_status_display()
        )
    if not has_transition_perm(invoice.issue, actor):
        raise FinancePermissionDenied()
    issued_on = issued_on or timezone.localdate()
    invoice.issue(
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=invoice.customer.payment_terms_days),
    )
    invoice.exchange_rate = exchange_rate_for(invoice.currency, exchange_rate)
    invoice.save(update_fields=["status", "issued_on", "due_on", "exchange_rate"])
    order_record_invoice(
        order_id=invoice.order_id,
        line_quantities={
            line_id: quantity
            for line_id, quantity in invoice.lines.values_list("order_line_id", "quantity")
        },
        amount=invoice.total_amount,
        reference=invoice.number,
        actor=actor,
    )
    customer_exposure_adjust(customer_id=invoice.customer_id, receivable_delta=invoice.total_amount)
    oldest_due_refresh(invoice.customer_id)
    return invoice


@transaction.atomic
def invoice_void(*, invoice_id: int, actor, reason: str) -> Invoice:
    """Void a draft invoice, or an issued one with nothing allocated (issued ones only
    before the order counts them; voiding issued invoices comes with credit notes)."""
    invoice = _invoice_lock(invoice_id)
    if invoice.status != Invoice.Status.DRAFT or not can_proceed(invoice.void):
        raise InvoiceTransitionNotAllowed(
            number=invoice.number, action=_("voided"), status=invoice.get_status_display()
        )
    if not has_transition_perm(invoice.void, actor):
        raise FinancePermissionDenied()
    invoice.void(reason=reason)
    invoice.save(update_fields=["status", "void_reason"])
    return invoice
