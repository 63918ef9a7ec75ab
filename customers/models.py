"""Customers, their terms, credit limit and exposure figures."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from opms.core.money import MoneyField


class Customer(models.Model):
    """A buying company. Exposure figures are kept current by services only."""

    class Tier(models.TextChoices):
        A = "A", _("Tier A")
        B = "B", _("Tier B")
        C = "C", _("Tier C")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    tax_id = models.CharField(_("tax ID"), max_length=30, blank=True)
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices, default=Tier.B)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    credit_limit_amount = MoneyField(_("credit limit"))
    receivable_amount = MoneyField(_("receivable"), editable=False)
    open_order_amount = MoneyField(_("open orders not yet invoiced"), editable=False)
    sales_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("sales team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["receivable_amount", "open_order_amount"])

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]
        indexes = [models.Index(fields=["name"], name="customers_customer_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit_limit_amount__gte=0),
                name="customers_customer_credit_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def exposure_amount(self):
        return self.receivable_amount + self.open_order_amount

    @property
    def available_credit_amount(self):
        return self.credit_limit_amount - self.exposure_amount

    @property
    def has_credit_limit(self) -> bool:
        return self.credit_limit_amount > 0
