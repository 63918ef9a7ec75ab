"""Sales orders, their lines and reservations, approval steps, shipments and the event log."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from opms.core.money import ZERO, MoneyField


class ApprovalPolicy(models.Model):
    """When an order needs an approval (one level until configurable rules arrive).

    One row, edited by admins in the admin site.
    """

    threshold_amount = MoneyField(
        _("approval needed from order total"),
        help_text=_("Orders whose total reaches this amount need an approval."),
    )
    max_discount_percent = models.DecimalField(
        _("largest discount without approval (%)"), max_digits=5, decimal_places=2, default=10
    )
    approver_group = models.ForeignKey(
        Group, verbose_name=_("approver group"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policy")

    def __str__(self) -> str:
        return str(_("Approval policy"))


class RoleDiscountLimit(models.Model):
    """The largest discount (manual price or discount %) a role may give without approval;
    a user with several roles gets the largest of them, a role without a row the policy's."""

    group = models.OneToOneField(
        Group, verbose_name=_("role"), on_delete=models.CASCADE, related_name="+"
    )
    max_discount_percent = models.DecimalField(
        _("largest discount without approval (%)"), max_digits=5, decimal_places=2
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("discount limit of a role")
        verbose_name_plural = _("discount limits of roles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_discount_percent__gte=0, max_discount_percent__lte=100),
                name="orders_rolediscountlimit_percent_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group.name}: {self.max_discount_percent}%"


class SalesOrder(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_APPROVAL = "pending_approval", _("Pending approval")
        APPROVED = "approved", _("Approved")
        PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
        SHIPPED = "shipped", _("Shipped")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")
        ON_HOLD = "on_hold", _("On hold")

    class InvoiceStatus(models.TextChoices):
        NOT_INVOICED = "not_invoiced", _("Not invoiced")
        PARTIALLY_INVOICED = "partially_invoiced", _("Partially invoiced")
        INVOICED = "invoiced", _("Fully invoiced")

    class PaymentStatus(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")

    HOLDABLE = [Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED]
    CANCELLABLE = [Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED]
    SHIPPABLE = [Status.APPROVED, Status.PARTIALLY_SHIPPED]
    OPEN = [
        Status.DRAFT,
        Status.PENDING_APPROVAL,
        Status.APPROVED,
        Status.PARTIALLY_SHIPPED,
        Status.ON_HOLD,
    ]

    number = models.CharField(_("number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    sales_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    held_from_status = models.CharField(
        _("held from"), max_length=20, choices=Status.choices, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    order_date = models.DateField(_("order date"), default=timezone.localdate)
    requested_delivery_on = models.DateField(_("requested delivery"), null=True, blank=True)
    customer_reference = models.CharField(_("customer PO number"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_priority = models.BooleanField(
        _("priority"),
        default=False,
        help_text=_("Priority orders get arriving stock before the others."),
    )
    tax_rate = models.DecimalField(
        _("VAT rate"), max_digits=5, decimal_places=4, default=Decimal("0.1300")
    )

    lines_amount = MoneyField(_("lines at list value"))
    discount_amount = MoneyField(_("discount"))
    tax_amount = MoneyField(_("tax"))
    total_amount = MoneyField(_("total"))
    invoiced_amount = MoneyField(_("invoiced"))
    paid_amount = MoneyField(_("paid"))

    approval_reason = models.CharField(_("why approval is needed"), max_length=300, blank=True)
    reject_reason = models.TextField(_("reject reason"), blank=True)
    cancel_reason = models.TextField(_("cancel reason"), blank=True)
    channel = models.ForeignKey(
        "orders.IntegrationChannel",
        verbose_name=_("channel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    external_id = models.CharField(_("external order number"), max_length=60, blank=True)
    shipping_address = models.TextField(_("shipping address"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        permissions = [
            ("submit_salesorder", _("Can submit sales orders")),
            ("approve_salesorder", _("Can approve sales orders")),
            ("cancel_salesorder", _("Can cancel sales orders")),
            ("hold_salesorder", _("Can hold and release sales orders")),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="orders_order_status_idx"),
            models.Index(fields=["customer", "created_at"], name="orders_order_customer_idx"),
            models.Index(fields=["sales_rep", "created_at"], name="orders_order_rep_idx"),
            models.Index(fields=["created_at", "id"], name="orders_order_created_idx"),
            models.Index(fields=["order_date", "id"], name="orders_order_date_idx"),
            models.Index(fields=["total_amount", "id"], name="orders_order_total_idx"),
            models.Index(fields=["updated_at", "id"], name="orders_order_updated_idx"),
            # A status and an order-date range (the list filtered by both, sorted by date).
            models.Index(
                fields=["status", "order_date", "id"], name="orders_order_status_date_idx"
            ),
            # A rep's month on the sales home page, read from the index alone.
            models.Index(
                fields=["sales_rep", "order_date"],
                include=["status", "total_amount", "tax_amount"],
                name="orders_order_rep_date_idx",
            ),
            # A rep's open pipeline: the few open orders, not the rep's whole history.
            models.Index(
                fields=["sales_rep", "status"],
                include=["total_amount"],
                condition=models.Q(
                    status__in=[
                        "draft",
                        "pending_approval",
                        "approved",
                        "partially_shipped",
                        "on_hold",
                    ]
                ),
                name="orders_order_rep_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_amount__gte=0), name="orders_salesorder_total_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(paid_amount__lte=models.F("total_amount")),
                name="orders_salesorder_paid_within_total",
            ),
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="orders_salesorder_channel_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # Derived statuses: cheap, from the row's own counters.
    @property
    def invoice_status(self) -> "SalesOrder.InvoiceStatus":
        if self.invoiced_amount <= ZERO:
            return self.InvoiceStatus.NOT_INVOICED
        if self.invoiced_amount < self.total_amount:
            return self.InvoiceStatus.PARTIALLY_INVOICED
        return self.InvoiceStatus.INVOICED

    @property
    def payment_status(self) -> "SalesOrder.PaymentStatus":
        if self.paid_amount <= ZERO:
            return self.PaymentStatus.UNPAID
        if self.paid_amount < self.total_amount:
            return self.PaymentStatus.PARTIALLY_PAID
        return self.PaymentStatus.PAID

    @property
    def open_amount(self):
        return self.total_amount - self.paid_amount

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_fully_invoiced(self) -> bool:
        return self.total_amount > ZERO and self.invoiced_amount >= self.total_amount

    @property
    def is_fully_paid(self) -> bool:
        return self.total_amount > ZERO and self.paid_amount >= self.total_amount

    @property
    def is_shippable(self) -> bool:
        return self.status in self.SHIPPABLE

    @property
    def has_shipped(self) -> bool:
        return self.status in (
            self.Status.PARTIALLY_SHIPPED,
            self.Status.SHIPPED,
            self.Status.CLOSED,
        )

    @property
    def is_invoiceable(self) -> bool:
        return self.status in (*self.SHIPPABLE, self.Status.SHIPPED) and not self.is_fully_invoiced

    # Transitions: they change this row only; services do the rest.
    def has_lines(self) -> bool:
        return self.total_amount > ZERO

    @transition(
        field=status,
        source=Status.DRAFT,
        target=RETURN_VALUE(Status.PENDING_APPROVAL, Status.APPROVED),
        conditions=[has_lines],
        permission="orders.submit_salesorder",
    )
    def submit(self, *, needs_approval: bool, reason: str = ""):
        self.submitted_at = timezone.now()
        self.approval_reason = reason
        self.reject_reason = ""
        if needs_approval:
            return self.Status.PENDING_APPROVAL
        self.approved_at = self.submitted_at
        return self.Status.APPROVED

    @transition(
        field=status,
        source=Status.PENDING_APPROVAL,
        target=Status.APPROVED,
        permission="orders.approve_salesorder",
    )
    def approve(self):
        self.approved_at = timezone.now()

    @transition(
        field=status,
        source=Status.PENDING_APPROVAL,
        target=Status.DRAFT,
        permission="orders.approve_salesorder",
    )
    def reject(self, *, reason: str):
        self.reject_reason = reason
        self.submitted_at = None

    def has_nothing_shipped_or_invoiced(self) -> bool:
        return self.shipped_at is None and self.invoiced_amount <= ZERO

    @transition(
        field=status,
        source=Status.APPROVED,
        target=RETURN_VALUE(Status.PENDING_APPROVAL, Status.APPROVED),
        conditions=[has_nothing_shipped_or_invoiced],
        permission="orders.change_salesorder",
    )
    def revise(self, *, needs_approval: bool, reason: str = ""):
        """A change (订单变更) of an approved order; the levels it triggers approve again."""
        self.revision += 1
        if needs_approval:
            self.approval_reason = reason
            return self.Status.PENDING_APPROVAL
        return self.Status.APPROVED

    @transition(
        field=status,
        source=SHIPPABLE,
        target=RETURN_VALUE(Status.PARTIALLY_SHIPPED, Status.SHIPPED),
        permission="orders.confirm_shipment",
    )
    def ship(self, *, fully_shipped: bool):
        if fully_shipped:
            self.shipped_at = timezone.now()
            return self.Status.SHIPPED
        return self.Status.PARTIALLY_SHIPPED

    def is_settled(self) -> bool:
        return self.is_fully_invoiced and self.is_fully_paid

    @transition(field=status, source=Status.SHIPPED, target=Status.CLOSED, conditions=[is_settled])
    def close(self):
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=CANCELLABLE,
        target=Status.CANCELLED,
        permission="orders.cancel_salesorder",
    )
    def cancel(self, *, reason: str):
        self.cancel_reason = reason
        self.cancelled_at = timezone.now()

    @transition(
        field=status, source=HOLDABLE, target=Status.ON_HOLD, permission="orders.hold_salesorder"
    )
    def hold(self, *, reason: str):
        self.held_from_status = self.status

    @transition(
        field=status,
        source=Status.ON_HOLD,
        target=RETURN_VALUE(*HOLDABLE),
        permission="orders.hold_salesorder",
    )
    def release_hold(self):
        previous, self.held_from_status = self.held_from_status, ""
        return previous


class SalesOrderLine(models.Model):
    order = models.ForeignKey(
        SalesOrder, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    line_no = models.PositiveSmallIntegerField(_("line"))
    product = models.ForeignKey(
        "inventory.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="order_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_amount = MoneyField(_("unit price"))
    list_price_amount = MoneyField(_("list price"))
    discount_percent = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, default=0
    )
    price_rule_name = models.CharField(
        _("price rule"),
        max_length=100,
        blank=True,
        help_text=_("The price rule that priced the line; empty for list or manual prices."),
    )
    lines_amount = MoneyField(_("amount at unit price"))
    discount_amount = MoneyField(_("discount"))
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax"))
    tax_rate = models.DecimalField(
        _("VAT rate"), max_digits=5, decimal_places=4, default=Decimal("0.1300")
    )
    quantity_shipped = models.PositiveIntegerField(_("shipped"), default=0)
    quantity_invoiced = models.PositiveIntegerField(_("invoiced"), default=0)
    quantity_backordered = models.PositiveIntegerField(
        _("backordered"),
        default=0,
        help_text=_("Ordered but not in stock at submit; reserved when goods arrive."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="orders_line_number_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="orders_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_shipped__lte=models.F("quantity")),
                name="orders_line_shipped_within_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_invoiced__lte=models.F("quantity")),
                name="orders_line_invoiced_within_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="orders_line_discount_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    quantity_backordered__lte=models.F("quantity") - models.F("quantity_shipped")
                ),
                name="orders_line_backordered_within_open",
            ),
        ]
        indexes = [
            models.Index(
                fields=["product"],
                condition=models.Q(quantity_backordered__gt=0),
                name="orders_line_backordered_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_no}"

    @property
    def total_amount(self):
        return self.net_amount + self.tax_amount

    @property
    def quantity_open(self) -> int:
        return self.quantity - self.quantity_shipped

    @property
    def is_backordered(self) -> bool:
        return self.quantity_backordered > 0


class LineReservation(models.Model):
    """Stock held for an order line in one warehouse; quantity is what is still open."""

    line = models.ForeignKey(
        SalesOrderLine,
        verbose_name=_("line"),
        on_delete=models.CASCADE,
        related_name="reservations",
    )
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.PositiveIntegerField(_("reserved"))
    created_at = models.DateTimeField(_("reserved at"), default=timezone.now)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.UniqueConstraint(
                fields=["line", "warehouse"], name="orders_reservation_line_warehouse_unique"
            )
        ]
        indexes = [
            models.Index(fields=["product", "warehouse"], name="orders_reservation_stock_idx")
        ]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.quantity}"


class ApprovalRule(models.Model):
    """A condition on submitted orders and the approval level it adds (configured by admins).

    Every condition that is set must hold (AND). Rules are loaded once per submit and
    evaluated in Python against the priced order (orders/services/routing.py).
    """

    class ApproverKind(models.TextChoices):
        GROUP = "group", _("A group")
        USERS = "users", _("Named users")
        TEAM_LEADER = "team_leader", _("The sales rep's team leader")
        ACCOUNT_MANAGER = "account_manager", _("The customer's account manager")

    class Quorum(models.TextChoices):
        ANY = "any", _("Any one (或签)")
        ALL = "all", _("All of them (会签)")
        N_OF_M = "n_of_m", _("N of them")

    class DeadlineAction(models.TextChoices):
        REMIND = "remind", _("Remind again")
        ESCALATE = "escalate", _("Escalate to a group")
        AUTO_APPROVE = "auto_approve", _("Approve automatically")
        RETURN = "return", _("Return to the submitter")

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("switched on"), default=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(
        _("level order"),
        default=10,
        help_text=_("Levels are approved in this order, smallest first."),
    )
    # Conditions (empty = not checked).
    min_total_amount = MoneyField(_("order total at least"), null=True, blank=True, default=None)
    max_discount_percent = models.DecimalField(
        _("discount above (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A line discount, or a manual price below the rule price, larger than this."),
    )
    use_role_discount_limit = models.BooleanField(
        _("the submitter's role limit replaces it"),
        default=False,
        help_text=_("Settings → discount limits of roles: the largest of the submitter's roles."),
    )
    max_margin_percent = models.DecimalField(
        _("gross margin below (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    manual_price_override = models.BooleanField(_("a price was typed in"), default=False)
    customer_tiers = models.JSONField(_("customer tier in"), default=list, blank=True)
    over_credit_limit = models.BooleanField(_("customer over its credit limit"), default=False)
    product_categories = models.JSONField(
        _("product category in (codes)"), default=list, blank=True
    )
    channels = models.JSONField(_("order channel in"), default=list, blank=True)
    custom_field_name = models.CharField(_("custom field"), max_length=40, blank=True)
    custom_field_value = models.CharField(_("has the value"), max_length=200, blank=True)
    # Who approves the level it adds.
    approver_kind = models.CharField(
        _("approvers"), max_length=20, choices=ApproverKind.choices, default=ApproverKind.GROUP
    )
    approver_group = models.ForeignKey(
        Group,
        verbose_name=_("approver group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approver_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("approving users"), blank=True, related_name="+"
    )
    quorum = models.CharField(
        _("how many must approve"), max_length=10, choices=Quorum.choices, default=Quorum.ANY
    )
    quorum_count = models.PositiveSmallIntegerField(_("N"), default=1)
    deadline_hours = models.PositiveIntegerField(_("deadline (hours)"), null=True, blank=True)
    deadline_action = models.CharField(
        _("when the deadline passes"),
        max_length=20,
        choices=DeadlineAction.choices,
        default=DeadlineAction.REMIND,
    )
    escalate_group = models.ForeignKey(
        Group,
        verbose_name=_("escalate to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[approver_users])

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_n_of_m(self) -> bool:
        return self.quorum == self.Quorum.N_OF_M

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class ApprovalReminderSettings(models.Model):
    """When waiting approvals and stuck orders remind people (one row, edited in the app)."""

    remind_after_hours = models.PositiveIntegerField(
        _("remind approvers after (hours)"), default=24
    )
    remind_every_hours = models.PositiveIntegerField(_("then remind every (hours)"), default=24)
    escalate_after_hours = models.PositiveIntegerField(
        _("tell the escalation group after (hours)"), default=48
    )
    escalate_group = models.ForeignKey(
        Group,
        verbose_name=_("escalation group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    stuck_after_days = models.PositiveIntegerField(
        _("remind owners of orders unchanged for (days)"), default=7
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval reminder settings")
        verbose_name_plural = _("approval reminder settings")

    def __str__(self) -> str:
        return str(_("Approval reminder settings"))


class ApprovalDelegation(models.Model):
    """An approver's out-of-office period: the delegate may decide their steps meanwhile."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.CASCADE,
        related_name="approval_delegations",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        on_delete=models.CASCADE,
        related_name="approval_delegations_received",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("approval delegation")
        verbose_name_plural = _("approval delegations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(delegator=models.F("delegate")),
                name="orders_approvaldelegation_not_self",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="orders_approvaldelegation_period",
            ),
        ]
        indexes = [
            models.Index(fields=["delegate", "ends_on"], name="orders_delegation_delegate_idx")
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate}"


class ApprovalStep(models.Model):
    """One level of an order's approval chain, frozen at submit from the rules."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Next")
        PENDING = "pending", _("Waiting")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    order = models.ForeignKey(
        SalesOrder,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="approval_steps",
    )
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    reason = models.CharField(_("why"), max_length=300)
    rule = models.ForeignKey(
        ApprovalRule,
        verbose_name=_("rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rule_names = models.CharField(_("rules"), max_length=300, blank=True)
    approver_group = models.ForeignKey(
        Group,
        verbose_name=_("approver group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("approvers"), blank=True, related_name="+"
    )
    quorum = models.CharField(
        _("how many must approve"),
        max_length=10,
        choices=ApprovalRule.Quorum.choices,
        default=ApprovalRule.Quorum.ANY,
    )
    required_approvals = models.PositiveSmallIntegerField(_("approvals needed"), default=1)
    approvals_count = models.PositiveSmallIntegerField(_("approvals so far"), default=0)
    deadline_hours = models.PositiveIntegerField(_("deadline (hours)"), null=True, blank=True)
    deadline_action = models.CharField(
        _("when the deadline passes"),
        max_length=20,
        choices=ApprovalRule.DeadlineAction.choices,
        default=ApprovalRule.DeadlineAction.REMIND,
    )
    escalate_group = models.ForeignKey(
        Group,
        verbose_name=_("escalate to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("waiting since"), default=timezone.now)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["order", "level", "pk"]
        indexes = [
            models.Index(
                fields=["status", "approver_group", "created_at"], name="orders_step_queue_idx"
            ),
            models.Index(fields=["status", "due_at"], name="orders_step_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} L{self.level} {self.status}"

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == self.Status.PENDING
            and self.due_at is not None
            and self.due_at <= timezone.now()
        )


class ApprovalDecision(models.Model):
    """One approver's vote on a step (several for 会签 or N of M); on behalf of a delegator."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        AUTO_APPROVED = "auto_approved", _("Approved automatically")

    step = models.ForeignKey(
        ApprovalStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="decisions"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "actor"], name="orders_approvaldecision_once_per_actor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step_id} {self.decision}"


class Shipment(FSMModelMixin, models.Model):
    """An outbound delivery note (出库单) for some or all open quantities of an order."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("To pick")
        CONFIRMED = "confirmed", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey(
        SalesOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="shipments"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="shipments",
    )
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    carrier = models.ForeignKey(
        "inventory.Carrier",
        verbose_name=_("carrier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
    )
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shipped by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        permissions = [("confirm_shipment", _("Can confirm outbound shipments"))]
        indexes = [models.Index(fields=["status", "created_at"], name="orders_shipment_status_idx")]

    def __str__(self) -> str:
        return self.number

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.CONFIRMED,
        permission="orders.confirm_shipment",
    )
    def confirm(self, *, carrier_id: int | None, tracking_number: str):
        self.carrier_id = carrier_id
        self.tracking_number = tracking_number
        self.confirmed_at = timezone.now()

    @transition(
        field=status,
        source=Status.CONFIRMED,
        target=Status.DELIVERED,
        permission="orders.confirm_shipment",
    )
    def deliver(self):
        self.delivered_at = timezone.now()

    @transition(
        field=status, source=Status.DRAFT, target=Status.CANCELLED, permission="orders.add_shipment"
    )
    def cancel(self):
        pass


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        SalesOrderLine,
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="shipment_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="orders_shipmentline_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["shipment", "order_line"], name="orders_shipmentline_line_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.quantity}"


class OrderEvent(models.Model):
    """The order's timeline: every transition and document, who, when, from, to, comment."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Put on hold")
        RELEASED = "released", _("Released from hold")
        SHIPMENT_CREATED = "shipment_created", _("Shipment created")
        SHIPMENT_CANCELLED = "shipment_cancelled", _("Shipment cancelled")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        TRACKING_UPDATED = "tracking_updated", _("Tracking updated")
        INVOICED = "invoiced", _("Invoiced")
        PAID = "paid", _("Payment received")
        CLOSED = "closed", _("Closed")
        REVISED = "revised", _("Changed (new revision)")
        BACKORDERED = "backordered", _("Backordered")
        BACKORDER_RESERVED = "backorder_reserved", _("Backorder reserved")
        RETURN_REQUESTED = "return_requested", _("Return requested")
        RETURN_APPROVED = "return_approved", _("Return approved")
        RETURN_RECEIVED = "return_received", _("Return received")
        RETURN_REJECTED = "return_rejected", _("Return rejected")

    order = models.ForeignKey(
        SalesOrder, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["order", "created_at"], name="orders_event_order_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"

    @property
    def from_label(self) -> str:
        return SalesOrder.Status(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        return SalesOrder.Status(self.to_status).label if self.to_status else ""


class OrderRevision(models.Model):
    """One change (订单变更) of an approved order: what it was, what it became, why."""

    order = models.ForeignKey(
        SalesOrder, verbose_name=_("order"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField(_("revision"))
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    changes = models.JSONField(_("changes"), default=list)
    reapproval_levels = models.JSONField(_("levels approved again"), default=list)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("order revision")
        verbose_name_plural = _("order revisions")
        ordering = ["order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="orders_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} R{self.number}"


# Channels, API keys, idempotency and webhooks live in their own module (issue 7).
from orders.imports.models import ImportBatch  # noqa: E402
from orders.integration.models import (  # noqa: E402
    ApiKey,
    IdempotencyRecord,
    IntegrationChannel,
    WebhookDelivery,
    WebhookSubscription,
)

__all__ = [
    "ApiKey",
    "ApprovalPolicy",
    "ApprovalStep",
    "IdempotencyRecord",
    "ImportBatch",
    "IntegrationChannel",
    "LineReservation",
    "OrderEvent",
    "RoleDiscountLimit",
    "SalesOrder",
    "SalesOrderLine",
    "Shipment",
    "ShipmentLine",
    "OrderRevision",
    "SalesReturn",
    "SalesReturnLine",
    "WebhookDelivery",
    "WebhookSubscription",
]


class SalesReturn(FSMModelMixin, models.Model):
    """A return (退货, RMA) against shipped lines of an order: requested by sales, approved,
    received by the warehouse (back to stock or scrap). Received returns are what finance
    credits."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        RECEIVED = "received", _("Received")
        REJECTED = "rejected", _("Rejected")

    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey(
        SalesOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="returns"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("return to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.REQUESTED,
        protected=True,
    )
    reason = models.TextField(_("reason"))
    decision_comment = models.TextField(_("decision comment"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax"))
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        permissions = [
            ("approve_salesreturn", _("Can approve returns")),
            ("receive_salesreturn", _("Can receive returned goods")),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="orders_return_status_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def total_amount(self):
        return self.net_amount + self.tax_amount

    @transition(
        field=status,
        source=Status.REQUESTED,
        target=Status.APPROVED,
        permission="orders.approve_salesreturn",
    )
    def approve(self, *, comment: str = ""):
        self.decision_comment = comment
        self.decided_at = timezone.now()

    @transition(
        field=status,
        source=Status.REQUESTED,
        target=Status.REJECTED,
        permission="orders.approve_salesreturn",
    )
    def reject(self, *, comment: str):
        self.decision_comment = comment
        self.decided_at = timezone.now()

    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.RECEIVED,
        permission="orders.receive_salesreturn",
    )
    def receive(self):
        self.received_at = timezone.now()


class SalesReturnLine(models.Model):
    class Condition(models.TextChoices):
        RESTOCK = "restock", _("Back to stock")
        SCRAP = "scrap", _("Scrap")

    sales_return = models.ForeignKey(
        SalesReturn, verbose_name=_("return"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        SalesOrderLine,
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="return_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    condition = models.CharField(
        _("condition"), max_length=20, choices=Condition.choices, blank=True
    )
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax"))

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="orders_returnline_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["sales_return", "order_line"], name="orders_returnline_line_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sales_return_id}: {self.quantity}"
