"""Payments and credit notes settling invoices (核销): allocate, unallocate, audited.

Lock order everywhere: payment or credit note → invoice → order → customer.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from customers.services import customer_exposure_adjust
from finance.errors import (
    AllocationAlreadyReversed,
    AllocationCurrencyMismatch,
    AllocationCustomerMismatch,
    AllocationTooLarge,
    AmountNotPositive,
    InvoiceTransitionNotAllowed,
    OrderAlreadyClosed,
)
from finance.models import CreditNote, CreditNoteAllocation, Invoice, Payment, PaymentAllocation
from finance.services.invoicing import exchange_rate_for, oldest_due_refresh, require_permission
from opms.core.money import ZERO, round_money
from opms.core.numbering import next_document_number
from orders.models import SalesOrder
from orders.services import order_record_payment


def _invoice_lock(invoice_id: int) -> Invoice:
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=invoice_id)
    )


def _invoice_settle(invoice: Invoice, amount: Decimal, *, reference: str, actor) -> None:
    """Move `amount` (negative to take it back) of a locked invoice between open and settled,
    tell the order, and keep the customer's receivable and credit figures exact."""
    invoice.allocated_amount += amount
    if amount > ZERO:
        if invoice.allocated_amount == invoice.total_amount:
            invoice.pay_in_full()
        else:
            invoice.pay_partially()
    else:
        invoice.reopen(nothing_left=invoice.allocated_amount == ZERO)
    invoice.save(update_fields=["allocated_amount", "status"])
    order_record_payment(order_id=invoice.order_id, amount=amount, reference=reference, actor=actor)
    # Settling moves money from "not yet allocated" to the receivable: exposure stays the
    # same, the receivable and the customer's credit both shrink (or grow when taken back).
    customer_exposure_adjust(
        customer_id=invoice.customer_id, receivable_delta=-amount, unallocated_delta=-amount
    )
    oldest_due_refresh(invoice.customer_id)


def _allocation_check(*, source, invoice: Invoice, amount: Decimal) -> None:
    if amount <= ZERO:
        raise AmountNotPositive()
    if source.customer_id != invoice.customer_id:
        raise AllocationCustomerMismatch(payment=source.number, invoice=invoice.number)
    if source.currency != invoice.currency:
        raise AllocationCurrencyMismatch(
            payment=source.number,
            payment_currency=source.currency,
            invoice=invoice.number,
            invoice_currency=invoice.currency,
        )
    if not invoice.is_open:
        raise InvoiceTransitionNotAllowed(
            number=invoice.number, action=_("paid"), status=invoice.get_status_display()
        )
    if amount > invoice.open_amount or amount > source.unallocated_amount:
        raise AllocationTooLarge(
            amount=amount,
            invoice_open=invoice.open_amount,
            payment_open=source.unallocated_amount,
        )


@transaction.atomic
def payment_record(
    *,
    customer: Customer,
    amount: Decimal,
    actor,
    method: str = Payment.Method.BANK_TRANSFER,
    received_on=None,
    bank_reference: str = "",
    currency: str | None = None,
    exchange_rate: Decimal | None = None,
    allocate_to: Invoice | None = None,
) -> Payment:
    """Record money received; optionally allocate it at once to one invoice.

    What is not allocated stays on the customer as credit. A foreign-currency payment
    records its rate to CNY. Raises AmountNotPositive, FinancePermissionDenied and the
    refusals of payment_allocate.
    """
    require_permission(actor, "finance.add_payment")
    currency = currency or customer.currency
    amount = round_money(amount, currency)
    if amount <= ZERO:
        raise AmountNotPositive()
    payment = Payment.objects.create(
        number=next_document_number("PAY"),
        customer=customer,
        amount=amount,
        currency=currency,
        exchange_rate=exchange_rate_for(currency, exchange_rate),
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
    told (it closes itself when shipped, invoiced and paid). A foreign-currency
    allocation records the exchange difference in CNY. Raises AmountNotPositive,
    AllocationTooLarge, AllocationCustomerMismatch, InvoiceTransitionNotAllowed.
    """
    require_permission(actor, "finance.allocate_payment")
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    invoice = _invoice_lock(invoice_id)
    if amount is None:
        # "As much as fits", decided under the locks rather than from a stale read.
        amount = min(invoice.open_amount, payment.unallocated_amount)
    amount = round_money(amount, invoice.currency)
    _allocation_check(source=payment, invoice=invoice, amount=amount)
    allocation = PaymentAllocation.objects.create(
        payment=payment,
        invoice=invoice,
        amount=amount,
        allocated_by=actor,
        exchange_difference_amount=round_money(
            amount * (payment.exchange_rate - invoice.exchange_rate)
        ),
    )
    payment.allocated_amount += amount
    payment.save(update_fields=["allocated_amount"])
    _invoice_settle(invoice, amount, reference=f"{payment.number} → {invoice.number}", actor=actor)
    return allocation


def _order_open_check(invoice: Invoice) -> None:
    order = SalesOrder.objects.only("number", "status").get(pk=invoice.order_id)
    if order.status == SalesOrder.Status.CLOSED:
        raise OrderAlreadyClosed(number=order.number)


@transaction.atomic
def payment_unallocate(*, allocation_id: int, actor, reason: str = "") -> PaymentAllocation:
    """Take an allocation back: the invoice owes it again and the payment has it again.

    The allocation stays on record, marked with who took it back, when and why.
    Raises AllocationAlreadyReversed, OrderAlreadyClosed.
    """
    require_permission(actor, "finance.allocate_payment")
    payment_id = PaymentAllocation.objects.values_list("payment_id", flat=True).get(
        pk=allocation_id
    )
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    allocation = PaymentAllocation.objects.select_for_update().get(pk=allocation_id)
    if allocation.is_reversed:
        raise AllocationAlreadyReversed()
    invoice = _invoice_lock(allocation.invoice_id)
    _order_open_check(invoice)
    allocation.reversed_at = timezone.now()
    allocation.reversed_by = actor
    allocation.reverse_reason = reason[:300]
    allocation.save(update_fields=["reversed_at", "reversed_by", "reverse_reason"])
    payment.allocated_amount -= allocation.amount
    payment.save(update_fields=["allocated_amount"])
    _invoice_settle(
        invoice,
        -allocation.amount,
        reference=_("%(payment)s unallocated from %(invoice)s")
        % {"payment": payment.number, "invoice": invoice.number},
        actor=actor,
    )
    return allocation


@transaction.atomic
def credit_note_allocate(
    *,
    credit_note_id: int,
    invoice_id: int,
    amount: Decimal | None,
    actor,
    by_system: bool = False,
) -> CreditNoteAllocation:
    """Settle part of an invoice with a credit note, exactly like a payment.

    Raises AmountNotPositive, AllocationTooLarge, AllocationCustomerMismatch,
    InvoiceTransitionNotAllowed.
    """
    if not by_system:
        require_permission(actor, "finance.allocate_payment")
    credit_note = CreditNote.objects.select_for_update().get(pk=credit_note_id)
    invoice = _invoice_lock(invoice_id)
    if amount is None:
        amount = min(invoice.open_amount, credit_note.unallocated_amount)
    amount = round_money(amount, invoice.currency)
    _allocation_check(source=credit_note, invoice=invoice, amount=amount)
    allocation = CreditNoteAllocation.objects.create(
        credit_note=credit_note, invoice=invoice, amount=amount, allocated_by=actor
    )
    credit_note.allocated_amount += amount
    credit_note.save(update_fields=["allocated_amount"])
    _invoice_settle(
        invoice, amount, reference=f"{credit_note.number} → {invoice.number}", actor=actor
    )
    return allocation


@transaction.atomic
def credit_note_unallocate(*, allocation_id: int, actor, reason: str = "") -> CreditNoteAllocation:
    """Take a credit-note allocation back (kept on record as reversed).

    Raises AllocationAlreadyReversed, OrderAlreadyClosed.
    """
    require_permission(actor, "finance.allocate_payment")
    credit_note_id = CreditNoteAllocation.objects.values_list("credit_note_id", flat=True).get(
        pk=allocation_id
    )
    credit_note = CreditNote.objects.select_for_update().get(pk=credit_note_id)
    allocation = CreditNoteAllocation.objects.select_for_update().get(pk=allocation_id)
    if allocation.is_reversed:
        raise AllocationAlreadyReversed()
    invoice = _invoice_lock(allocation.invoice_id)
    _order_open_check(invoice)
    allocation.reversed_at = timezone.now()
    allocation.reversed_by = actor
    allocation.reverse_reason = reason[:300]
    allocation.save(update_fields=["reversed_at", "reversed_by", "reverse_reason"])
    credit_note.allocated_amount -= allocation.amount
    credit_note.save(update_fields=["allocated_amount"])
    _invoice_settle(
        invoice,
        -allocation.amount,
        reference=_("%(payment)s unallocated from %(invoice)s")
        % {"payment": credit_note.number, "invoice": invoice.number},
        actor=actor,
    )
    return allocation
