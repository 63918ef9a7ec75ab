"""Refusals of the customers app."""

from django.utils.translation import gettext_lazy as _

from opms.core.errors import DomainError


class CustomerError(DomainError):
    code = "customer_error"


class CustomerInactive(CustomerError):
    code = "customer_inactive"
    message = _("Customer %(customer)s is inactive and cannot order.")
