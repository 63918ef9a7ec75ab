"""Refusals of the finance app."""

from django.utils.translation import gettext_lazy as _

from opms.core.errors import DomainError


class FinanceError(DomainError):
    code = "finance_error"


class NothingToInvoice(FinanceError):
    code = "nothing_to_invoice"
    message = _("Order %(number)s has nothing left to invoice.")


class InvoiceTransitionNotAllowed(FinanceError):
    code = "invoice_transition_not_allowed"
    status = 409
    message = _("Invoice %(number)s cannot be %(action)s while it is %(status)s.")


class FinancePermissionDenied(FinanceError):
    code = "permission_denied"
    status = 403
    message = _("You are not allowed to do this in finance.")


class AllocationTooLarge(FinanceError):
    code = "allocation_too_large"
    message = _(
        "%(amount)s is more than the invoice still owes (%(invoice_open)s) "
        "or the payment still has (%(payment_open)s)."
    )


class AllocationCustomerMismatch(FinanceError):
    code = "allocation_customer_mismatch"
    message = _("Payment %(payment)s and invoice %(invoice)s belong to different customers.")


class AllocationCurrencyMismatch(FinanceError):
    code = "allocation_currency_mismatch"
    message = _(
        "Payment %(payment)s is in %(payment_currency)s but invoice %(invoice)s is in "
        "%(invoice_currency)s."
    )


class AmountNotPositive(FinanceError):
    code = "amount_not_positive"
    message = _("The amount must be greater than zero.")


class AllocationAlreadyReversed(FinanceError):
    code = "allocation_already_reversed"
    status = 409
    message = _("This allocation was already taken back.")


class OrderAlreadyClosed(FinanceError):
    code = "order_already_closed"
    status = 409
    message = _("Order %(number)s is closed; its allocations can no longer be taken back.")


class CreditNoteTooLarge(FinanceError):
    code = "credit_note_too_large"
    message = _("A credit note of %(amount)s is more than was invoiced (%(invoiced)s).")


class CreditNoteWithoutLines(FinanceError):
    code = "credit_note_without_lines"
    message = _("A credit note needs an amount or at least one line.")


class StatementEncodingUnknown(FinanceError):
    code = "statement_encoding_unknown"
    message = _(
        "The file is neither UTF-8 nor GBK/GB18030 text nor an Excel (.xlsx) workbook; "
        "export the statement again as CSV or XLSX."
    )


class StatementColumnMissing(FinanceError):
    code = "statement_column_missing"
    message = _(
        "The statement has no “%(field)s” column (looked for: %(headers)s). "
        "Check the column mapping of the bank account."
    )


class StatementValueInvalid(FinanceError):
    code = "statement_value_invalid"
    message = _("Row %(row)s: “%(value)s” is not a valid %(field)s.")


class StatementEmpty(FinanceError):
    code = "statement_empty"
    message = _("The statement has no lines under its header row.")


class StatementLineNotWaiting(FinanceError):
    code = "statement_line_not_waiting"
    status = 409
    message = _("Statement line %(line)s is already %(status)s.")


class ReconciliationSplitTooLarge(FinanceError):
    code = "reconciliation_split_too_large"
    message = _("The allocations add up to %(total)s, more than the line's %(amount)s.")
