"""Integration channels (e-commerce platforms, batch import), their API keys, idempotency
records of API requests, outbound webhook subscriptions and the delivery log."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IntegrationChannel(models.Model):
    """Where orders come from besides the order form: a shop, a marketplace, a batch file.

    The channel acts as one OPMS user: what that user may see and do is what the
    channel's API keys may see and do (then narrowed by each key's scopes)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    acts_as = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as user"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Orders from this channel are entered in this user's name and team."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        app_label = "orders"
        verbose_name = _("integration channel")
        verbose_name_plural = _("integration channels")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """A secret an integration sends as `Authorization: Token <key>`; only its SHA-256 is kept."""

    class Scope(models.TextChoices):
        READ_CATALOGUE = "catalogue:read", _("Read catalogue")
        WRITE_ORDERS = "orders:write", _("Write orders")
        READ_ORDERS = "orders:read", _("Read orders")
        UPDATE_TRACKING = "tracking:write", _("Update tracking")

    channel = models.ForeignKey(
        IntegrationChannel,
        verbose_name=_("channel"),
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key starts with"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        app_label = "orders"
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        return [str(self.Scope(scope).label) for scope in self.scopes if scope in self.Scope]


class IdempotencyRecord(models.Model):
    """The first response to a POST with an `Idempotency-Key`, replayed for its retries."""

    owner = models.CharField(max_length=40)  # "key:<api key id>" or "user:<user id>"
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        app_label = "orders"
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key"], name="orders_idempotencyrecord_owner_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"


class WebhookSubscription(models.Model):
    class Event(models.TextChoices):
        ORDER_STATUS_CHANGED = "order.status_changed", _("Order status changed")
        SHIPMENT_CONFIRMED = "shipment.confirmed", _("Shipment confirmed")
        TRACKING_UPDATED = "shipment.tracking_updated", _("Tracking updated")
        INVOICE_ISSUED = "invoice.issued", _("Invoice issued")
        PAYMENT_RECEIVED = "payment.received", _("Payment received")

    channel = models.ForeignKey(
        IntegrationChannel,
        verbose_name=_("channel"),
        on_delete=models.PROTECT,
        related_name="webhooks",
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        help_text=_("Deliveries are signed with HMAC-SHA256 of the body under this secret."),
    )
    events = models.JSONField(_("events"), default=list)
    all_channels = models.BooleanField(
        _("orders of every channel"),
        default=False,
        help_text=_(
            "Also send events of orders entered by hand or through other channels "
            "(e.g. for a logistics integration)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        app_label = "orders"
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["channel", "pk"]

    def __str__(self) -> str:
        return f"{self.channel}: {self.url}"

    def event_labels(self) -> list[str]:
        return [str(self.Event(event).label) for event in self.events if event in self.Event]


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one subscription; at most one per event id."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4)
    event = models.CharField(_("event"), max_length=40, choices=WebhookSubscription.Event.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)

    class Meta:
        app_label = "orders"
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="orders_webhookdelivery_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="orders_delivery_status_idx")]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"
