"""Products, warehouses, stock levels and the stock-move ledger."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from opms.core.money import MoneyField

# The VAT rates of China (增值税): general goods, basic goods, services, exempt or export.
VAT_RATES = [
    (Decimal("0.1300"), _("VAT 13%")),
    (Decimal("0.0900"), _("VAT 9%")),
    (Decimal("0.0600"), _("VAT 6%")),
    (Decimal("0.0000"), _("VAT 0%")),
]
DEFAULT_VAT_RATE = Decimal("0.1300")


class ProductCategory(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    vat_rate = models.DecimalField(
        _("VAT rate"),
        max_digits=5,
        decimal_places=4,
        choices=VAT_RATES,
        default=DEFAULT_VAT_RATE,
        help_text=_("Applied to every order and invoice line of the category's products."),
    )

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
    )
    unit = models.CharField(_("unit"), max_length=20, default="件")
    list_price_amount = MoneyField(_("list price"))
    cost_amount = MoneyField(_("cost"))
    reorder_point = models.PositiveIntegerField(_("reorder point"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        indexes = [models.Index(fields=["name"], name="inventory_product_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(list_price_amount__gte=0),
                name="inventory_product_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class Warehouse(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Carrier(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    tracking_url = models.CharField(_("tracking URL pattern"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    """On hand and reserved of one product in one warehouse.

    on_hand always equals the sum of the product's stock moves there; reserved
    the sum of open reservations. Only inventory services change either.
    """

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="stock_levels"
    )
    warehouse = models.ForeignKey(
        Warehouse,
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="stock_levels",
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    # Demand that found no stock (sales backorders waiting here) and supply on its
    # way (open purchase order quantities); both kept by inventory services only.
    backordered = models.IntegerField(_("backordered"), default=0)
    on_order = models.IntegerField(_("on order"), default=0)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse"],
                name="inventory_stocklevel_product_warehouse_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0),
                name="inventory_stocklevel_reserved_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(on_hand__gte=0), name="inventory_stocklevel_on_hand_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")),
                name="inventory_stocklevel_reserved_within_on_hand",
            ),
            models.CheckConstraint(
                condition=models.Q(backordered__gte=0),
                name="inventory_stocklevel_backordered_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(on_order__gte=0),
                name="inventory_stocklevel_on_order_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMove(models.Model):
    """One line of the stock ledger; the only way on hand changes."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        SHIPMENT = "shipment", _("Shipment")
        RETURN = "return", _("Return")
        ADJUSTMENT = "adjustment", _("Adjustment")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        TRANSFER_OUT = "transfer_out", _("Transfer out")

    class ReasonCode(models.TextChoices):
        COUNT = "count", _("Stock-take difference")
        DAMAGED = "damaged", _("Damaged")
        LOST = "lost", _("Lost or stolen")
        FOUND = "found", _("Found")
        EXPIRED = "expired", _("Expired")
        CORRECTION = "correction", _("Booking correction")
        SCRAP = "scrap", _("Scrapped")
        OTHER = "other", _("Other")

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="stock_moves"
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="stock_moves"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    quantity = models.IntegerField(_("quantity"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    reason_code = models.CharField(
        _("reason code"), max_length=20, choices=ReasonCode.choices, blank=True
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        indexes = [
            models.Index(
                fields=["product", "warehouse", "created_at"], name="inventory_move_product_idx"
            ),
            models.Index(fields=["reference"], name="inventory_move_reference_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0), name="inventory_stockmove_quantity_not_zero"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity:+d} {self.reference}"
