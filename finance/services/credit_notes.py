"""Credit notes: money a customer no longer owes (returns, price adjustments)."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from customers.models import Customer
from customers.services import customer_exposure_adjust
from finance.errors import AmountNotPositive, CreditNoteTooLarge, CreditNoteWithoutLines
from finance.models import CreditNote, CreditNoteLine, Invoice
from finance.services.allocation import credit_note_allocate
from finance.services.invoicing import require_permission
from inventory.models import DEFAULT_VAT_RATE
from opms.core.money import ZERO, round_money
from opms.core.numbering import next_document_number
from orders.models import SalesOrder, SalesOrderLine
from orders.selectors import returns_received_for_credit


@dataclass(frozen=True)
class CreditLineInput:
    """One line to credit: an order line and a quantity (amounts from the order line), or a
    description with a net amount and a VAT rate (a price adjustment)."""

    order_line_id: int | None = None
    quantity: int | None = None
    description: str = ""
    net_amount: Decimal | None = None
    tax_rate: Decimal | None = None


def _line_build(line: CreditLineInput, order_lines: dict[int, SalesOrderLine], currency: str):
    order_line = order_lines.get(line.order_line_id) if line.order_line_id else None
    if order_line is not None and line.net_amount is None:
        quantity = line.quantity or order_line.quantity
        net = round_money(order_line.net_amount * quantity / order_line.quantity, currency)
        rate = order_line.tax_rate
    else:
        quantity = line.quantity
        net = round_money(line.net_amount or ZERO, currency)
        rate = line.tax_rate if line.tax_rate is not None else DEFAULT_VAT_RATE
    if net <= ZERO:
        raise AmountNotPositive()
    description = line.description or (
        f"{order_line.product.sku} {order_line.product.name}" if order_line else ""
    )
    return CreditNoteLine(
        order_line=order_line,
        description=description[:300],
        quantity=quantity,
        net_amount=net,
        tax_rate=rate,
        tax_amount=round_money(net * rate, currency),
    )


@transaction.atomic
def credit_note_create(
    *,
    customer_id: int,
    actor,
    reason: str,
    lines: list[CreditLineInput] | None = None,
    amount: Decimal | None = None,
    tax_rate: Decimal | None = None,
    order_id: int | None = None,
    invoice_id: int | None = None,
    source_reference: str = "",
    note: str = "",
    allocate: bool = True,
    by_system: bool = False,
) -> CreditNote:
    """Credit a customer for returned goods or a price adjustment.

    Give `lines` (order lines and quantities, or described amounts) or one gross
    `amount` (tax included, split at `tax_rate`). With an invoice and `allocate`, the
    credit settles that invoice as far as it is open; the rest stays on the customer
    as credit, offered on their next invoices. One credit note per `source_reference`
    (e.g. the return's number): calling again with it returns the first one, so a
    redelivered "return received" event credits once. `by_system` (a domain-signal
    receiver) skips the permission check; `actor` is still recorded (e.g. who received
    the return). Raises CreditNoteWithoutLines, AmountNotPositive, CreditNoteTooLarge,
    FinancePermissionDenied.
    """
    if not by_system:
        require_permission(actor, "finance.add_creditnote")
    source_reference = source_reference.strip()
    if source_reference:
        existing = CreditNote.objects.filter(source_reference=source_reference).first()
        if existing is not None:
            return existing
    customer = Customer.objects.get(pk=customer_id)
    invoice = Invoice.objects.get(pk=invoice_id) if invoice_id else None
    if invoice is not None:
        order_id = order_id or invoice.order_id
    order = SalesOrder.objects.get(pk=order_id) if order_id else None
    currency = (invoice or order or customer).currency
    if lines:
        order_lines = {
            line.pk: line
            for line in SalesOrderLine.objects.select_related("product").filter(
                pk__in=[line.order_line_id for line in lines if line.order_line_id],
                order_id=order_id,
            )
        }
        built = [_line_build(line, order_lines, currency) for line in lines]
    elif amount is not None:
        gross = round_money(amount, currency)
        if gross <= ZERO:
            raise AmountNotPositive()
        rate = tax_rate if tax_rate is not None else DEFAULT_VAT_RATE
        net = round_money(gross / (1 + rate), currency)
        built = [
            CreditNoteLine(
                description=(note or CreditNote.Reason(reason).label)[:300],
                net_amount=net,
                tax_rate=rate,
                tax_amount=gross - net,
            )
        ]
    else:
        raise CreditNoteWithoutLines()
    net_total = sum((line.net_amount for line in built), ZERO)
    tax_total = sum((line.tax_amount for line in built), ZERO)
    ceiling = invoice.total_amount if invoice is not None else None
    if ceiling is None and order is not None:
        ceiling = order.invoiced_amount
    if ceiling is not None and net_total + tax_total > ceiling:
        raise CreditNoteTooLarge(amount=net_total + tax_total, invoiced=ceiling)
    try:
        with transaction.atomic():
            credit_note = CreditNote.objects.create(
                number=next_document_number("CN"),
                customer=customer,
                order=order,
                invoice=invoice,
                currency=currency,
                reason=reason,
                note=note,
                source_reference=source_reference,
                net_amount=net_total,
                tax_amount=tax_total,
                total_amount=net_total + tax_total,
                created_by=actor,
            )
    except IntegrityError:
        # Another worker credited the same source a moment ago.
        return CreditNote.objects.get(source_reference=source_reference)
    for line in built:
        line.credit_note = credit_note
    CreditNoteLine.objects.bulk_create(built)
    customer_exposure_adjust(customer_id=customer.pk, unallocated_delta=credit_note.total_amount)
    if allocate and invoice is not None and invoice.is_open:
        credit_note_allocate(
            credit_note_id=credit_note.pk,
            invoice_id=invoice.pk,
            amount=None,
            actor=actor,
            by_system=by_system,
        )
        credit_note.refresh_from_db()
    return credit_note


def credit_note_for_return(*, return_id: int, actor) -> CreditNote | None:
    """Credit a received return (退货) once: its lines at the order lines' prices, settled
    against the order's latest open invoice as far as it is open (the rest stays on the
    customer as credit). A return of goods not invoiced yet is not credited: nothing is
    owed for them. Safe to call again (one credit note per return number)."""
    sales_return = returns_received_for_credit().filter(pk=return_id).first()
    if sales_return is None:
        return None
    invoices = Invoice.objects.filter(order_id=sales_return.order_id).exclude(
        status__in=[Invoice.Status.DRAFT, Invoice.Status.VOID]
    )
    if not invoices.exists():
        return None
    invoice = (
        invoices.filter(status__in=Invoice.OPEN).order_by("-pk").first()
        or invoices.order_by("-pk").first()
    )
    return credit_note_create(
        customer_id=sales_return.order.customer_id,
        actor=actor,
        reason=CreditNote.Reason.RETURN,
        lines=[
            CreditLineInput(order_line_id=line.order_line_id, quantity=line.quantity)
            for line in sales_return.lines.all()
        ],
        order_id=sales_return.order_id,
        invoice_id=invoice.pk,
        allocate=invoice.status in Invoice.OPEN,
        source_reference=sales_return.number,
        by_system=True,
    )


def returns_credit_pending() -> int:
    """Credit every received return that has no credit note yet (the sweep behind the
    return_received signal, for a task lost while the broker was down)."""
    credited = CreditNote.objects.values("source_reference")
    pending = (
        returns_received_for_credit()
        .exclude(number__in=credited)
        .values_list("pk", "received_by_id")[:200]
    )
    return sum(
        credit_note_for_return(return_id=pk, actor=_user(user_id)) is not None
        for pk, user_id in list(pending)
    )


def _user(user_id):
    return get_user_model().objects.get(pk=user_id)
