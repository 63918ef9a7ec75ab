"""Customers, their terms, credit limit and exposure figures."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
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
    credit_limit_amount = MoneyField(
        _("credit limit"),
        null=True,
        blank=True,
        default=None,
        help_text=_("Empty: the tier's limit from the credit policy, else the company default."),
    )
    receivable_amount = MoneyField(_("receivable"), editable=False)
    open_order_amount = MoneyField(_("open orders not yet invoiced"), editable=False)
    unallocated_payment_amount = MoneyField(_("payments not yet allocated"), editable=False)
    oldest_open_invoice_due_on = models.DateField(
        _("oldest open invoice due on"), null=True, blank=True, editable=False
    )
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
    default_warehouse_code = models.CharField(
        _("default warehouse code"), max_length=20, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)

    history = HistoricalRecords(
        excluded_fields=[
            "receivable_amount",
            "open_order_amount",
            "unallocated_payment_amount",
            "oldest_open_invoice_due_on",
        ]
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]
        indexes = [models.Index(fields=["name"], name="customers_customer_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit_limit_amount__isnull=True)
                | models.Q(credit_limit_amount__gte=0),
                name="customers_customer_credit_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def exposure_amount(self):
        return self.receivable_amount + self.open_order_amount - self.unallocated_payment_amount

    @property
    def available_credit_amount(self):
        if self.credit_limit_amount is None:
            return None
        return self.credit_limit_amount - self.exposure_amount

    @property
    def has_credit_limit(self) -> bool:
        """An explicit limit on the customer itself (the credit policy may supply one)."""
        return self.credit_limit_amount is not None and self.credit_limit_amount > 0


class CustomerContact(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_billing = models.BooleanField(_("billing contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "-is_billing", "name"]

    def __str__(self) -> str:
        return self.name


class CustomerAddress(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="addresses"
    )
    label = models.CharField(_("label"), max_length=60)
    address = models.CharField(_("address"), max_length=300)
    is_default_shipping = models.BooleanField(_("default delivery address"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["customer", "-is_default_shipping", "label"]

    def __str__(self) -> str:
        return f"{self.label}: {self.address}"


class PriceList(models.Model):
    """A set of price rules for everyone, a tier or one customer; promotions are price
    lists with a period and is_promotion set."""

    class Kind(models.TextChoices):
        DEFAULT = "default", _("Default")
        TIER = "tier", _("Customer tier")
        CUSTOMER = "customer", _("One customer")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("applies to"), max_length=10, choices=Kind.choices)
    tier = models.CharField(_("tier"), max_length=1, choices=Customer.Tier.choices, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="price_lists",
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    is_promotion = models.BooleanField(_("promotion"), default=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="default", tier="", customer__isnull=True)
                    | (models.Q(kind="tier", customer__isnull=True) & ~models.Q(tier=""))
                    | models.Q(kind="customer", tier="", customer__isnull=False)
                ),
                name="customers_pricelist_scope_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="customers_pricelist_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriceRule(models.Model):
    """One price for a product (by SKU) or a category (by code) from a quantity on."""

    class Basis(models.TextChoices):
        FIXED_PRICE = "fixed_price", _("Fixed price")
        # xgettext:no-python-format
        DISCOUNT_PERCENT = "discount_percent", _("Discount % off list price")

    class BreakMode(models.TextChoices):
        VOLUME = "volume", _("Volume: all units at the break reached")
        GRADUATED = "graduated", _("Graduated: each break prices its own units")

    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.CASCADE, related_name="rules"
    )
    name = models.CharField(_("name"), max_length=100)
    product_sku = models.CharField(_("product SKU"), max_length=40, blank=True, db_index=True)
    category_code = models.CharField(_("category code"), max_length=20, blank=True)
    min_quantity = models.PositiveIntegerField(_("from quantity"), default=1)
    basis = models.CharField(_("price basis"), max_length=20, choices=Basis.choices)
    fixed_price_amount = MoneyField(_("fixed price"), null=True, blank=True, default=None)
    discount_percent = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    break_mode = models.CharField(
        _("quantity breaks"), max_length=10, choices=BreakMode.choices, default=BreakMode.VOLUME
    )
    priority = models.IntegerField(_("priority"), default=0)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price rule")
        verbose_name_plural = _("price rules")
        ordering = ["price_list", "product_sku", "category_code", "min_quantity"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (models.Q(product_sku="") & ~models.Q(category_code=""))
                    | (~models.Q(product_sku="") & models.Q(category_code=""))
                ),
                name="customers_pricerule_one_scope",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        basis="fixed_price",
                        fixed_price_amount__isnull=False,
                        fixed_price_amount__gte=0,
                    )
                    | models.Q(
                        basis="discount_percent",
                        discount_percent__gte=0,
                        discount_percent__lte=100,
                    )
                ),
                name="customers_pricerule_basis_has_value",
            ),
            models.CheckConstraint(
                condition=models.Q(min_quantity__gte=1), name="customers_pricerule_min_quantity"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CreditPolicy(models.Model):
    """How credit is checked; one row, edited by admins and finance."""

    class Strength(models.TextChoices):
        OFF = "off", _("Off")
        WARN = "warn", _("Warn: an extra finance approval")
        BLOCK = "block", _("Block: hold the order until finance releases it")

    submit_check = models.CharField(
        _("check at order submit"), max_length=5, choices=Strength.choices, default=Strength.WARN
    )
    shipment_check = models.CharField(
        _("check at shipment"), max_length=5, choices=Strength.choices, default=Strength.OFF
    )
    overdue_days = models.PositiveSmallIntegerField(
        _("trip when invoices are overdue by more than (days)"), default=30
    )
    default_limit_amount = MoneyField(_("company default credit limit"))
    tier_a_limit_amount = MoneyField(_("tier A limit"), null=True, blank=True, default=None)
    tier_b_limit_amount = MoneyField(_("tier B limit"), null=True, blank=True, default=None)
    tier_c_limit_amount = MoneyField(_("tier C limit"), null=True, blank=True, default=None)
    alert_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("early alert at (% of limit)"),
        default=80,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit policy")
        verbose_name_plural = _("credit policy")

    def __str__(self) -> str:
        return str(_("Credit policy"))


class CreditAlert(models.Model):
    """A customer crossed the early-alert line or its limit; one open alert per level."""

    class Level(models.TextChoices):
        NEAR_LIMIT = "near_limit", _("Near the credit limit")
        OVER_LIMIT = "over_limit", _("Over the credit limit")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="credit_alerts"
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    exposure_amount = MoneyField(_("exposure"))
    limit_amount = MoneyField(_("limit"))
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit alert")
        verbose_name_plural = _("credit alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "level"],
                condition=models.Q(cleared_at__isnull=True),
                name="customers_creditalert_one_open_per_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.level}"


class Complaint(models.Model):
    """客诉: a complaint against a customer account, optionally about one order."""

    class Category(models.TextChoices):
        QUALITY = "quality", _("Product quality")
        DELIVERY = "delivery", _("Delivery")
        BILLING = "billing", _("Billing")
        SERVICE = "service", _("Service")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("complaint status", "Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    order_reference = models.CharField(_("order number"), max_length=30, blank=True, db_index=True)
    title = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["customer", "created_at"], name="customers_complaint_cust_idx")
        ]

    def __str__(self) -> str:
        return self.title


class Interaction(models.Model):
    """The interaction log: calls, visits, messages with a customer."""

    class Kind(models.TextChoices):
        CALL = "call", _("Phone call")
        VISIT = "visit", _("Visit")
        EMAIL = "email", _("E-mail")
        WECHAT = "wechat", _("WeChat")
        NOTE = "note", _("Note")

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("note"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    happened_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-happened_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.customer_id}"


class CustomField(models.Model):
    """An admin-defined typed field on orders or customers; values live in the record's
    ``custom_fields`` JSON (so they travel with its history and cost no extra query)."""

    class Target(models.TextChoices):
        ORDER = "order", _("Orders")
        CUSTOMER = "customer", _("Customers")

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Whole number")
        DECIMAL = "decimal", _("Decimal number")
        DATE = "date", _("Date")
        YES_NO = "yes_no", _("Yes / no")
        CHOICE = "choice", _("Choice list")

    target = models.CharField(_("on"), max_length=10, choices=Target.choices)
    name = models.SlugField(
        _("name"),
        max_length=40,
        help_text=_("Lower-case letters, digits and underscores; used in imports and rules."),
    )
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    is_required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One choice per line."))
    position = models.PositiveSmallIntegerField(_("display order"), default=10)
    is_filter = models.BooleanField(_("filter and column in lists"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["target", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["target", "name"], name="customers_customfield_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]
