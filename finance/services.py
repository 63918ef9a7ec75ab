"""Every write in finance: invoices from orders, payments, allocations (核销)."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from customers.models import Customer
from customers.services import customer_exposure_adjust, customer_oldest_due_set
from finance.errors import (
    AllocationCurrencyMismatch,
    AllocationCustomerMismatch,
    AllocationTooLarge,
    AmountNotPositive,
    FinancePermissionDenied,
    InvoiceTransitionNotAllowed,
    NothingToInvoice,
)
from finance.models import Invoice, InvoiceLine, Payment, PaymentAllocation
from finance.selectors import invoice_preview
from opms.core.money import ZERO, round_money
from opms.core.numbering import next_document_number
from orders.errors import OrderTransitionNotAllowed
from orders.models import SalesOrder
from orders.services import order_record_invoice, order_record_payment

BASIS_SHIPPED = "shipped"
BASIS_ORDERED = "ordered"


def _oldest_due_refresh(customer_id: int) -> None:
    oldest = Invoice.objects.filter(customer_id=customer_id, status__in=Invoice.OPEN).aggregate(
        oldest=Min("due_on")
    )["oldest"]
    customer_oldest_due_set(customer_id=customer_id, due_on=oldest)


def _require(actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise FinancePermissionDenied()


@transaction.atomic
def invoice_create(*, order_id: int, actor, basis: str = BASIS_SHIPPED) -> Invoice:
    """Draft an invoice for what is shipped (normal) or ordered (prepayment) and not yet invoiced.

    A line's last invoice takes the remainder of its amounts, so the invoices of an
    order always add up to the order exactly. Only approved (or shipping, shipped)
    orders are invoiced. Raises OrderTransitionNotAllowed, NothingToInvoice.
    """
    _require(actor, "finance.add_invoice")
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
def invoice_issue(*, invoice_id: int, actor, issued_on=None) -> Invoice:
    """Issue a draft invoice: due date from payment terms; the amount moves into receivables.

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
    invoice.save(update_fields=["status", "issued_on", "due_on"])
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
    _oldest_due_refresh(invoice.customer_id)
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


@transaction.atomic
def payment_record(
    *,
    customer: Customer,
    amount: Decimal,
    actor,
    method: str = Payment.Method.BANK_TRANSFER,
    received_on=None,
    bank_reference: str = "",
    allocate_to: Invoice | None = None,
) -> Payment:
    """Record money received; optionally allocate it at once to one invoice.

    What is not allocated stays on the customer as credit. Raises AmountNotPositive,
    FinancePermissionDenied and the refusals of payment_allocate.
    """
    _require(actor, "finance.add_payment")
    amount = round_money(amount, customer.currency)
    if amount <= ZERO:
        raise AmountNotPositive()
    payment = Payment.objects.create(
        number=next_document_number("PAY"),
        customer=customer,
        amount=amount,
        currency=customer.currency,
        received_on=received_on or timezone.localdate(),
        method=method,
        bank_reference=bank_reference,
        recorded_by=actor,
    )
    customer_exposure_adjust(customer_id=customer.pk, unallocated_delta=amount)
    if allocate_to is not None:
        payment_allocate(payment_id=payment.pk, invoice_id=allocate_to.pk, amount=None, actor=actor)
        payment.refresh_from_db()
    return payment


@transaction.atomic
def payment_allocate(
    *, payment_id: int, invoice_id: int, amount: Decimal | None, actor
) -> PaymentAllocation:
    """Reconcile (核销) part of a payment against an invoice.

    Never more than the invoice still owes nor more than the payment still has. The
    invoice becomes partially paid or paid, the receivable drops, and the order is
    told (it closes itself when shipped, invoiced and paid). Raises AmountNotPositive,
    AllocationTooLarge, AllocationCustomerMismatch, InvoiceTransitionNotAllowed.
    """
    _require(actor, "finance.allocate_payment")
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    invoice = _invoice_lock(invoice_id)
    if amount is None:
        # "As much as fits", decided under the locks rather than from a stale read.
        amount = min(invoice.open_amount, payment.unallocated_amount)
    amount = round_money(amount, invoice.currency)
    if amount <= ZERO:
        raise AmountNotPositive()
    if payment.customer_id != invoice.customer_id:
        raise AllocationCustomerMismatch(payment=payment.number, invoice=invoice.number)
    if payment.currency != invoice.currency:
        raise AllocationCurrencyMismatch(
            payment=payment.number,
            payment_currency=payment.currency,
            invoice=invoice.number,
            invoice_currency=invoice.currency,
        )
    if not invoice.is_open:
        raise InvoiceTransitionNotAllowed(
            number=invoice.number, action=_("paid"), status=invoice.get_status_display()
        )
    if amount > invoice.open_amount or amount > payment.unallocated_amount:
        raise AllocationTooLarge(
            amount=amount,
            invoice_open=invoice.open_amount,
            payment_open=payment.unallocated_amount,
        )
    allocation = PaymentAllocation.objects.create(
        payment=payment, invoice=invoice, amount=amount, allocated_by=actor
    )
    payment.allocated_amount += amount
    payment.save(update_fields=["allocated_amount"])
    invoice.allocated_amount += amount
    if invoice.allocated_amount == invoice.total_amount:
        invoice.pay_in_full()
    else:
        invoice.pay_partially()
    invoice.save(update_fields=["allocated_amount", "status"])
    # Lock order: payment, invoice, order, customer — the same as invoice_issue.
    order_record_payment(
        order_id=invoice.order_id,
        amount=amount,
        reference=f"{payment.number} → {invoice.number}",
        actor=actor,
    )
    # Paid money moves from "not yet allocated" to settling the receivable: exposure
    # stays the same, the receivable and the customer's credit both shrink.
    customer_exposure_adjust(
        customer_id=invoice.customer_id, receivable_delta=-amount, unallocated_delta=-amount
    )
    _oldest_due_refresh(invoice.customer_id)
    return allocation
