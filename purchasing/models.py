"""Suppliers, their prices, reorder policies and suggestions, purchase orders and receipts."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from opms.core.money import MoneyField


class Supplier(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=7)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SupplierContact(models.Model):
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("supplier contact")
        verbose_name_plural = _("supplier contacts")
        ordering = ["supplier", "-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class SupplierProduct(models.Model):
    """What a supplier charges for a product and how long it takes; one is preferred."""

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="products"
    )
    product = models.ForeignKey(
        "inventory.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="supplier_products",
    )
    supplier_sku = models.CharField(_("supplier's SKU"), max_length=60, blank=True)
    unit_price_amount = MoneyField(_("purchase price"))
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=7)
    minimum_quantity = models.PositiveIntegerField(_("minimum order quantity"), default=1)
    is_preferred = models.BooleanField(_("preferred supplier"), default=False)

    class Meta:
        verbose_name = _("supplier price")
        verbose_name_plural = _("supplier prices")
        ordering = ["product", "-is_preferred", "supplier"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "product"], name="purchasing_supplierproduct_unique"
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=models.Q(is_preferred=True),
                name="purchasing_supplierproduct_one_preferred",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier.code}: {self.product.sku}"


class ReorderPolicy(models.Model):
    """When and how much to reorder a product for a warehouse.

    Below the reorder point (available + on order − backordered), order the reorder
    quantity, or, with a maximum, enough to fill up to the maximum (min/max).
    """

    product = models.ForeignKey(
        "inventory.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="reorder_policies",
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.CASCADE,
        related_name="reorder_policies",
    )
    reorder_point = models.PositiveIntegerField(_("reorder point (min)"))
    reorder_quantity = models.PositiveIntegerField(_("reorder quantity"), default=0)
    maximum_quantity = models.PositiveIntegerField(
        _("maximum (min/max)"), null=True, blank=True, help_text=_("Fill up to this level.")
    )

    class Meta:
        verbose_name = _("reorder policy")
        verbose_name_plural = _("reorder policies")
        ordering = ["product", "warehouse"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse"], name="purchasing_reorderpolicy_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.sku}@{self.warehouse.code} < {self.reorder_point}"


class ReorderSuggestion(models.Model):
    """A computed proposal to buy; at most one open per product and warehouse."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ORDERED = "ordered", _("Ordered")
        DISMISSED = "dismissed", _("Dismissed")

    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # The figures behind the suggestion, so the reason is shown in the reader's language.
    available = models.IntegerField(_("available"))
    on_order = models.IntegerField(_("on order"))
    backordered = models.IntegerField(_("backordered"))
    reorder_point = models.PositiveIntegerField(_("reorder point"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    purchase_order = models.ForeignKey(
        "purchasing.PurchaseOrder",
        verbose_name=_("purchase order"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("suggested at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("reorder suggestion")
        verbose_name_plural = _("reorder suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse"],
                condition=models.Q(status="open"),
                name="purchasing_suggestion_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="purchasing_suggestion_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.quantity}"

    @property
    def position(self) -> int:
        return self.available + self.on_order - self.backordered

    @property
    def reason(self) -> str:
        return _(
            "available %(available)s + on order %(on_order)s − backordered %(backordered)s "
            "= %(position)s, below the reorder point %(reorder_point)s"
        ) % {
            "available": self.available,
            "on_order": self.on_order,
            "backordered": self.backordered,
            "position": self.position,
            "reorder_point": self.reorder_point,
        }


class LowStockAlert(models.Model):
    """One per crossing below the reorder point: open while below, closed when back above."""

    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    position = models.IntegerField(_("stock position"))
    reorder_point = models.PositiveIntegerField(_("reorder point"))
    is_open = models.BooleanField(_("open"), default=True)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("low-stock alert")
        verbose_name_plural = _("low-stock alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse"],
                condition=models.Q(is_open=True),
                name="purchasing_lowstockalert_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id} {self.position}<{self.reorder_point}"


class PurchaseOrder(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        PARTIALLY_RECEIVED = "partially_received", _("Partially received")
        RECEIVED = "received", _("Received")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    RECEIVABLE = [Status.SENT, Status.PARTIALLY_RECEIVED]
    OPEN = [Status.DRAFT, Status.SENT, Status.PARTIALLY_RECEIVED]

    number = models.CharField(_("number"), max_length=20, unique=True)
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="orders"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("deliver to"),
        on_delete=models.PROTECT,
        related_name="purchase_orders",
    )
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    expected_on = models.DateField(_("expected delivery"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    total_amount = MoneyField(_("total"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancel reason"), blank=True)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        permissions = [
            ("send_purchaseorder", _("Can send purchase orders")),
            ("receive_purchaseorder", _("Can receive purchase deliveries")),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="purchasing_po_status_idx"),
            models.Index(fields=["created_at", "id"], name="purchasing_po_created_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_receivable(self) -> bool:
        return self.status in self.RECEIVABLE

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.SENT,
        permission="purchasing.send_purchaseorder",
    )
    def send(self):
        self.sent_at = timezone.now()

    @transition(
        field=status,
        source=RECEIVABLE,
        target=RETURN_VALUE(Status.PARTIALLY_RECEIVED, Status.RECEIVED),
        permission="purchasing.receive_purchaseorder",
    )
    def receive(self, *, fully_received: bool):
        if fully_received:
            self.received_at = timezone.now()
            return self.Status.RECEIVED
        return self.Status.PARTIALLY_RECEIVED

    @transition(
        field=status,
        source=[Status.RECEIVED, Status.PARTIALLY_RECEIVED],
        target=Status.CLOSED,
        permission="purchasing.send_purchaseorder",
    )
    def close(self):
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=[Status.DRAFT, Status.SENT],
        target=Status.CANCELLED,
        permission="purchasing.send_purchaseorder",
    )
    def cancel(self, *, reason: str):
        self.cancel_reason = reason
        self.cancelled_at = timezone.now()


class PurchaseOrderLine(models.Model):
    purchase_order = models.ForeignKey(
        PurchaseOrder,
        verbose_name=_("purchase order"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    line_no = models.PositiveSmallIntegerField(_("line"))
    product = models.ForeignKey(
        "inventory.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="purchase_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    quantity_received = models.PositiveIntegerField(_("received"), default=0)
    unit_price_amount = MoneyField(_("unit price"))
    net_amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["purchase_order", "line_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["purchase_order", "line_no"], name="purchasing_poline_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="purchasing_poline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_received__lte=models.F("quantity")),
                name="purchasing_poline_received_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}/{self.line_no}"

    @property
    def quantity_open(self) -> int:
        return self.quantity - self.quantity_received


class GoodsReceipt(models.Model):
    """A delivery from a supplier against a purchase order (partial deliveries are normal)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    purchase_order = models.ForeignKey(
        PurchaseOrder,
        verbose_name=_("purchase order"),
        on_delete=models.PROTECT,
        related_name="receipts",
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("goods receipt")
        verbose_name_plural = _("goods receipts")
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return self.number


class GoodsReceiptLine(models.Model):
    receipt = models.ForeignKey(
        GoodsReceipt,
        verbose_name=_("goods receipt"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    purchase_line = models.ForeignKey(
        PurchaseOrderLine,
        verbose_name=_("purchase order line"),
        on_delete=models.PROTECT,
        related_name="receipt_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("goods receipt line")
        verbose_name_plural = _("goods receipt lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="purchasing_receiptline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}: {self.quantity}"
