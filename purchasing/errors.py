"""Refusals of the purchasing app."""

from django.utils.translation import gettext_lazy as _

from opms.core.errors import DomainError


class PurchasingError(DomainError):
    code = "purchasing_error"


class PurchaseOrderTransitionNotAllowed(PurchasingError):
    code = "purchase_order_transition_not_allowed"
    message = _("Purchase order %(number)s cannot be %(action)s while it is %(status)s.")


class PurchasingPermissionDenied(PurchasingError):
    code = "purchasing_permission_denied"
    message = _("You are not allowed to %(action)s purchase order %(number)s.")


class ReceiptQuantityTooLarge(PurchasingError):
    code = "receipt_quantity_too_large"
    message = _("Line %(line)s: %(wanted)s received but only %(open)s still open.")


class ReceiptEmpty(PurchasingError):
    code = "receipt_empty"
    message = _("Enter a received quantity on at least one line.")


class NoSuggestionsChosen(PurchasingError):
    code = "no_suggestions_chosen"
    message = _("Choose at least one open suggestion with a supplier.")


class SuggestionWithoutSupplier(PurchasingError):
    code = "suggestion_without_supplier"
    message = _("%(sku)s has no supplier: add a supplier price for it first.")
