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
