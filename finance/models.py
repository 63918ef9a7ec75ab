"""Invoices, payments and allocations (核销)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from opms.core.money import ZERO, MoneyField


class Invoice(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    OPEN = [Status.ISSUED, Status.PARTIALLY_PAID]

    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey(
        "orders.SalesOrder",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax"))
    total_amount = MoneyField(_("total"))
    allocated_amount = MoneyField(_("paid"))
    void_reason = models.TextField(_("void reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        permissions = [("issue_invoice", _("Can issue invoices"))]
        indexes = [
            models.Index(fields=["status", "due_on"], name="finance_invoice_status_idx"),
            models.Index(fields=["customer", "status"], name="finance_invoice_customer_idx"),
            models.Index(fields=["created_at", "id"], name="finance_invoice_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(allocated_amount__lte=models.F("total_amount")),
                name="finance_invoice_allocated_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(allocated_amount__gte=0),
                name="finance_invoice_allocated_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def open_amount(self):
        return self.total_amount - self.allocated_amount

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < timezone.localdate()

    @transition(
        field=status, source=Status.DRAFT, target=Status.ISSUED, permission="finance.issue_invoice"
    )
    def issue(self, *, issued_on, due_on):
        self.issued_on = issued_on
        self.due_on = due_on

    @transition(
        field=status, source=[Status.ISSUED, Status.PARTIALLY_PAID], target=Status.PARTIALLY_PAID
    )
    def pay_partially(self):
        pass

    @transition(field=status, source=[Status.ISSUED, Status.PARTIALLY_PAID], target=Status.PAID)
    def pay_in_full(self):
        pass

    def has_no_allocation(self) -> bool:
        return self.allocated_amount == ZERO

    @transition(
        field=status,
        source=[Status.DRAFT, Status.ISSUED],
        target=Status.VOID,
        conditions=[has_no_allocation],
        permission="finance.issue_invoice",
    )
    def void(self, *, reason: str):
        self.void_reason = reason


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        "orders.SalesOrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="invoice_lines",
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_amount = MoneyField(_("unit price"))
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="finance_invoiceline_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.description}"

    @property
    def total_amount(self):
        return self.net_amount + self.tax_amount


class Payment(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        ALIPAY = "alipay", _("Alipay")
        WECHAT_PAY = "wechat_pay", _("WeChat Pay")
        CASH = "cash", _("Cash")
        ACCEPTANCE_BILL = "acceptance_bill", _("Acceptance bill")

    number = models.CharField(_("number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    amount = MoneyField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, default=Method.BANK_TRANSFER
    )
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    allocated_amount = MoneyField(_("allocated"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        permissions = [("allocate_payment", _("Can reconcile payments against invoices"))]
        indexes = [
            models.Index(fields=["customer", "received_on"], name="finance_payment_customer_idx"),
            models.Index(fields=["created_at", "id"], name="finance_payment_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="finance_payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(allocated_amount__lte=models.F("amount")),
                name="finance_payment_allocated_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def unallocated_amount(self):
        return self.amount - self.allocated_amount


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="allocations"
    )
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="allocations"
    )
    amount = MoneyField(_("amount"))
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("allocated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    allocated_at = models.DateTimeField(_("allocated at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="finance_allocation_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}→{self.invoice_id}: {self.amount}"
