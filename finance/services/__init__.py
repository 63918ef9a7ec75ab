"""Every write in finance: invoices, payments, credit notes, allocations (核销), bank
statements and their reconciliation, overdue reminders."""

from finance.services.allocation import (
    credit_note_allocate,
    credit_note_unallocate,
    payment_allocate,
    payment_record,
    payment_unallocate,
)
from finance.services.credit_notes import (
    CreditLineInput,
    credit_note_create,
    credit_note_for_return,
    returns_credit_pending,
)
from finance.services.invoicing import (
    BASE_CURRENCY,
    BASIS_ORDERED,
    BASIS_SHIPPED,
    invoice_create,
    invoice_issue,
    invoice_void,
)
from finance.services.reminders import overdue_reminder_record, overdue_reminders_send
from finance.services.statements import (
    StatementImport,
    bank_statement_import,
    statement_line_accept,
    statement_line_ignore,
    statement_line_post,
    statement_rows,
)

__all__ = [
    "BASE_CURRENCY",
    "BASIS_ORDERED",
    "BASIS_SHIPPED",
    "CreditLineInput",
    "StatementImport",
    "bank_statement_import",
    "credit_note_allocate",
    "credit_note_create",
    "credit_note_for_return",
    "returns_credit_pending",
    "credit_note_unallocate",
    "invoice_create",
    "invoice_issue",
    "invoice_void",
    "overdue_reminder_record",
    "overdue_reminders_send",
    "payment_allocate",
    "payment_record",
    "payment_unallocate",
    "statement_line_accept",
    "statement_line_ignore",
    "statement_line_post",
    "statement_rows",
]
