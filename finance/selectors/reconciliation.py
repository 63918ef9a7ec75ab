"""Reads of the reconciliation workbench, bank statements and credit notes."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, QuerySet

from finance.models import (
    BankStatement,
    BankStatementLine,
    CreditNote,
    CreditNoteAllocation,
    Invoice,
    Payment,
)
from finance.selectors.matching import customer_unallocated_payments


@dataclass(frozen=True)
class WaitingLine:
    line: BankStatementLine
    suggestion: list[tuple[Invoice, Decimal]]
    open_invoices: list[Invoice]


def statement_lines_waiting(*, limit: int = 50) -> list[WaitingLine]:
    """Lines the matcher could not post, with their suggestion and the customer's open
    invoices; three statements whatever the number of lines."""
    lines = list(
        BankStatementLine.objects.filter(status__in=BankStatementLine.WAITING)
        .select_related("customer", "statement__bank_account")
        .order_by("booked_on", "pk")[:limit]
    )
    suggested_ids = {item["invoice"] for line in lines for item in line.suggestion}
    customer_ids = {line.customer_id for line in lines if line.customer_id}
    invoices = Invoice.objects.filter(status__in=Invoice.OPEN).filter(
        customer_id__in=customer_ids
    ) | Invoice.objects.filter(pk__in=suggested_ids)
    by_pk = {invoice.pk: invoice for invoice in invoices.order_by("due_on", "pk")}
    result = []
    for line in lines:
        suggestion = [
            (by_pk[item["invoice"]], Decimal(item["amount"]))
            for item in line.suggestion
            if item["invoice"] in by_pk
        ]
        open_invoices = [
            invoice
            for invoice in by_pk.values()
            if invoice.customer_id == line.customer_id and invoice.is_open
        ]
        result.append(WaitingLine(line, suggestion, open_invoices))
    return result


def statement_line_get(*, pk: int) -> BankStatementLine:
    return BankStatementLine.objects.select_related("customer", "payment").get(pk=pk)


def statement_lines_waiting_count() -> int:
    return BankStatementLine.objects.filter(status__in=BankStatementLine.WAITING).count()


def bank_statements_recent(*, limit: int = 20) -> list[BankStatement]:
    return list(
        BankStatement.objects.select_related("bank_account", "imported_by").order_by(
            "-imported_at", "-pk"
        )[:limit]
    )


def statement_lines_of(*, statement_id: int) -> list[BankStatementLine]:
    return list(
        BankStatementLine.objects.filter(statement_id=statement_id)
        .select_related("customer", "payment")
        .order_by("line_no")
    )


def credit_note_list() -> QuerySet[CreditNote]:
    return CreditNote.objects.select_related("customer", "invoice", "order")


def credit_note_get(*, pk: int) -> CreditNote:
    return CreditNote.objects.select_related("customer", "invoice", "order", "created_by").get(
        pk=pk
    )


def credit_note_allocations(*, credit_note: CreditNote) -> list[CreditNoteAllocation]:
    return list(
        credit_note.allocations.select_related("invoice", "allocated_by", "reversed_by").order_by(
            "pk"
        )
    )


def invoice_credit_allocations(*, invoice: Invoice) -> list[CreditNoteAllocation]:
    return list(
        invoice.credit_allocations.select_related(
            "credit_note", "allocated_by", "reversed_by"
        ).order_by("pk")
    )


@dataclass(frozen=True)
class CustomerCredit:
    payments: list[Payment]
    credit_notes: list[CreditNote]

    @property
    def is_empty(self) -> bool:
        return not self.payments and not self.credit_notes


def customer_credit_open(*, customer_id: int, currency: str) -> CustomerCredit:
    """Payments and credit notes with money not yet allocated: offered on open invoices."""
    return CustomerCredit(
        payments=[
            payment
            for payment in customer_unallocated_payments(customer_id=customer_id)
            if payment.currency == currency
        ],
        credit_notes=list(
            CreditNote.objects.filter(customer_id=customer_id, currency=currency)
            .exclude(allocated_amount=F("total_amount"))
            .order_by("issued_on", "pk")
        ),
    )
