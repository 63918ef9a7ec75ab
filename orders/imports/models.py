"""Batch imports: one uploaded file, its preview (row outcomes and errors) and its result."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        ORDERS = "orders", _("Orders")
        CUSTOMERS = "customers", _("Customers")
        PRODUCTS = "products", _("Products")
        PRICE_RULES = "price_rules", _("Price rules")
        OPENING_STOCK = "opening_stock", _("Opening stock")

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Checking")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("file"), max_length=200)
    content = models.BinaryField(editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.VALIDATING
    )
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    outcomes = models.JSONField(_("row outcomes"), default=list, blank=True)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        app_label = "orders"
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "created_at"], name="orders_import_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.IMPORTING)

    @property
    def has_errors(self) -> bool:
        return self.status in (self.Status.INVALID, self.Status.FAILED) and bool(self.errors)

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE
