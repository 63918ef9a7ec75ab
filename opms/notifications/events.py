"""The events a user can be notified of; each user chooses the channel per event."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Event(models.TextChoices):
    APPROVAL_NEEDED = "approval_needed", _("An order needs your approval")
    APPROVAL_REMINDER = "approval_reminder", _("Reminder: approvals waiting")
    ORDER_APPROVED = "order_approved", _("Your order was approved")
    ORDER_REJECTED = "order_rejected", _("Your order was rejected")
    SHIPMENT_CONFIRMED = "shipment_confirmed", _("Shipment confirmed")
    PAYMENT_RECEIVED = "payment_received", _("Payment received")
    CREDIT_ALERT = "credit_alert", _("Credit alert")
    LOW_STOCK = "low_stock", _("Low stock")
    OVERDUE_INVOICE = "overdue_invoice", _("Overdue invoice")
    ORDER_STUCK = "order_stuck", _("Order waiting too long")
    REPORT_READY = "report_ready", _("Report ready")


class Channel(models.TextChoices):
    BOTH = "both", _("In the app and by e-mail")
    IN_APP = "in_app", _("In the app only")
    EMAIL = "email", _("By e-mail only")
    NONE = "none", _("Not at all")


# Standard titles (message ids, translated when shown to each reader). Callers may
# pass their own; placeholders are filled from notify(params=...).
TITLES = {
    Event.APPROVAL_NEEDED: gettext_noop("Order %(number)s needs your approval"),
    Event.APPROVAL_REMINDER: gettext_noop("Order %(number)s is still waiting for your approval"),
    Event.ORDER_APPROVED: gettext_noop("Order %(number)s was approved"),
    Event.ORDER_REJECTED: gettext_noop("Order %(number)s was rejected: %(reason)s"),
    Event.SHIPMENT_CONFIRMED: gettext_noop(
        "Shipment %(number)s of order %(order)s left the warehouse"
    ),
    Event.PAYMENT_RECEIVED: gettext_noop("Payment of %(amount)s received from %(customer)s"),
    Event.CREDIT_ALERT: gettext_noop("Credit alert: %(customer)s is at %(percent)s%% of its limit"),
    Event.LOW_STOCK: gettext_noop("%(sku)s is below its reorder point in %(warehouse)s"),
    Event.OVERDUE_INVOICE: gettext_noop("Invoice %(number)s is %(days)s days overdue"),
    Event.ORDER_STUCK: gettext_noop("Order %(number)s has been %(state)s for %(days)s days"),
    Event.REPORT_READY: gettext_noop("Your report %(name)s is ready"),
}
