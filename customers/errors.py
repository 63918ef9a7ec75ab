"""Refusals of the customers app."""

from django.utils.translation import gettext_lazy as _

from opms.core.errors import DomainError


class CustomerError(DomainError):
    code = "customer_error"


class CustomerInactive(CustomerError):
    code = "customer_inactive"
    message = _("Customer %(customer)s is inactive and cannot order.")


class ComplaintStatusNotAllowed(CustomerError):
    code = "complaint_status_not_allowed"
    status = 409
    message = _("Complaint “%(title)s” is %(status)s and cannot become %(target)s.")


class ResolutionRequired(CustomerError):
    code = "resolution_required"
    message = _("Describe how the complaint was resolved.")


class CustomFieldValueInvalid(CustomerError):
    code = "custom_field_value_invalid"
    message = _("Custom field %(field)s: %(detail)s")


class CustomFieldNameClash(CustomerError):
    code = "custom_field_name_clash"
    message = _(
        "The name “%(name)s” is already a built-in field or another custom field; "
        "choose another name."
    )
