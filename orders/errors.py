"""Refusals of the orders app."""

from django.utils.translation import gettext_lazy as _

from opms.core.errors import ConcurrentChange, DomainError


class OrderError(DomainError):
    code = "order_error"


class OrderChangedConcurrently(ConcurrentChange, OrderError):
    code = "order_changed"
    message = _("Order %(number)s was changed by someone else. Reload the page and try again.")


class OrderTransitionNotAllowed(OrderError):
    code = "transition_not_allowed"
    status = 409
    message = _("Order %(number)s cannot be %(action)s while it is %(status)s.")


class OrderPermissionDenied(OrderError):
    code = "permission_denied"
    status = 403
    message = _("You are not allowed to %(action)s order %(number)s.")


class OrderHasNoLines(OrderError):
    code = "order_has_no_lines"
    message = _("An order needs at least one line with a quantity.")


class OrderHasInvoices(OrderError):
    code = "order_has_invoices"
    status = 409
    message = _(
        "Order %(number)s has issued invoices and cannot be cancelled; "
        "finance must credit them first."
    )


class OrderNotEditable(OrderError):
    code = "order_not_editable"
    status = 409
    message = _("Order %(number)s can only be changed while it is a draft.")


class CommentRequired(OrderError):
    code = "comment_required"
    message = _("Please give a reason.")


class ShipmentError(OrderError):
    code = "shipment_error"


class ShipmentQuantityTooLarge(ShipmentError):
    code = "shipment_quantity_too_large"
    message = _("Line %(line)s: %(wanted)s to ship but only %(open)s still open.")


class ShipmentEmpty(ShipmentError):
    code = "shipment_empty"
    message = _("Enter a quantity to ship on at least one line.")


class ShipmentTransitionNotAllowed(ShipmentError):
    code = "shipment_transition_not_allowed"
    status = 409
    message = _("Shipment %(number)s cannot be %(action)s while it is %(status)s.")


class CreditLimitExceeded(ShipmentError):
    code = "credit_limit_exceeded"
    message = _(
        "Order %(number)s is over the customer's credit (%(reason)s) and part of it has "
        "shipped already, so it cannot be held: finance must raise the limit or collect first."
    )


class InvoiceQuantityTooLarge(OrderError):
    code = "invoice_quantity_too_large"
    message = _("Line %(line)s: %(wanted)s to invoice but only %(open)s not yet invoiced.")


class ApprovalLevelAlreadyDecided(OrderError):
    code = "approval_level_decided"
    status = 409
    message = _(
        "Level %(level)s of order %(number)s was already decided by %(by)s. "
        "Reload to see what waits now."
    )


class ApprovalAlreadyGiven(OrderError):
    code = "approval_already_given"
    status = 409
    message = _(
        "You already approved level %(level)s of order %(number)s; "
        "it waits for the other approvers."
    )


class ApprovalRuleInvalid(OrderError):
    code = "approval_rule_invalid"
    message = _("%(detail)s")


class DelegationCircular(OrderError):
    code = "delegation_circular"
    message = _(
        "%(delegate)s already hands their approvals to %(delegator)s in this period; "
        "a circular delegation is not allowed."
    )


class DelegationInvalid(OrderError):
    code = "delegation_invalid"
    message = _("A delegation needs another person and an end on or after its start.")


class DuplicateExternalOrder(OrderError):
    code = "duplicate_external_id"
    status = 409
    message = _("This channel already sent order %(external_id)s: it is %(number)s.")

    @property
    def problem_extra(self) -> dict:
        return {"existing_number": self.params["number"]}


class CurrencyMismatch(OrderError):
    code = "currency_mismatch"
    message = _("Customer %(customer)s buys in %(expected)s, not %(given)s.")


class IdempotencyKeyReused(OrderError):
    code = "idempotency_key_reused"
    message = _("This Idempotency-Key was already used for a different request.")


class ApiKeyScopesRequired(OrderError):
    code = "scopes_required"
    message = _("Choose at least one scope for the key.")


class ShipmentTrackingNotAllowed(ShipmentError):
    code = "shipment_tracking_not_allowed"
    status = 409
    message = _("Shipment %(number)s is %(status)s; its tracking cannot be changed.")


class UnknownReference(OrderError):
    """Codes in the request that name nothing the user may use; `errors` says which."""

    code = "unknown_reference"
    message = _("Some codes in the order are unknown: %(names)s.")

    def __init__(self, *, errors: dict, names: str):
        self.errors = errors
        super().__init__(names=names)


class CustomerCodeTaken(OrderError):
    code = "customer_exists"
    status = 409
    message = _("Customer code %(code)s already exists.")


class ImportNotReady(OrderError):
    code = "import_not_ready"
    status = 409
    message = _("This import is %(status)s; only a checked file without errors can be imported.")


class ShipmentExceedsReserved(ShipmentError):
    code = "shipment_exceeds_reserved"
    message = _(
        "Line %(line)s: %(wanted)s to ship but only %(reserved)s reserved in %(warehouse)s "
        "(the rest is backordered or on other pick lists)."
    )


class ReturnError(OrderError):
    code = "return_error"


class ReturnQuantityTooLarge(ReturnError):
    code = "return_quantity_too_large"
    message = _(
        "Line %(line)s: %(wanted)s to return but only %(returnable)s shipped and not returned."
    )


class ReturnEmpty(ReturnError):
    code = "return_empty"
    message = _("Enter a quantity to return on at least one line.")


class ReturnTransitionNotAllowed(ReturnError):
    code = "return_transition_not_allowed"
    message = _("Return %(number)s cannot be %(action)s while it is %(status)s.")
