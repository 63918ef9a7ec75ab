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
