"""Invoices, credit notes, payments, allocations (核销), bank statements and reminders."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
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
    exchange_rate = models.DecimalField(
        _("exchange rate to CNY"), max_digits=12, decimal_places=6, default=Decimal("1")
    )
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
            # Receivables (ageing, DSO, overdue figures) read open invoices only, from the index.
            models.Index(
                fields=["customer", "due_on"],
                include=["total_amount", "allocated_amount"],
                condition=models.Q(status__in=["issued", "partially_paid"]),
                name="finance_invoice_open_idx",
            ),
            # Invoiced in the last N days (DSO) without reading the whole history.
            models.Index(fields=["issued_on"], name="finance_invoice_issued_idx"),
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

    @transition(
        field=status,
        source=[Status.PARTIALLY_PAID, Status.PAID],
        target=RETURN_VALUE(Status.ISSUED, Status.PARTIALLY_PAID),
    )
    def reopen(self, *, nothing_left: bool):
        """An allocation was taken back: the invoice owes (more) again."""
        return self.Status.ISSUED if nothing_left else self.Status.PARTIALLY_PAID

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
    tax_rate = models.DecimalField(
        _("VAT rate"), max_digits=5, decimal_places=4, default=Decimal("0.1300")
    )
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
    exchange_rate = models.DecimalField(
        _("exchange rate to CNY"), max_digits=12, decimal_places=6, default=Decimal("1")
    )
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


class AllocationFields(models.Model):
    """What a payment and a credit-note allocation share: amount, who, when, and the
    reversal (an allocation taken back stays on record, marked reversed)."""

    amount = MoneyField(_("amount"))
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("allocated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    allocated_at = models.DateTimeField(_("allocated at"), default=timezone.now)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unallocated by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reversed_at = models.DateTimeField(_("unallocated at"), null=True, blank=True)
    reverse_reason = models.CharField(_("why unallocated"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


class PaymentAllocation(AllocationFields):
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="allocations"
    )
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="allocations"
    )
    exchange_difference_amount = MoneyField(
        _("exchange difference (CNY)"),
        help_text=_("Gain (+) or loss (−) in CNY between the payment's and the invoice's rate."),
    )

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


class CreditNote(models.Model):
    """Money the customer no longer owes (a return, a price adjustment), used like a payment."""

    class Reason(models.TextChoices):
        PRICE_ADJUSTMENT = "price_adjustment", _("Price adjustment")
        RETURN = "return", _("Returned goods")
        CANCELLATION = "cancellation", _("Cancellation after invoicing")
        OTHER = "other", _("Other")

    number = models.CharField(_("number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    order = models.ForeignKey(
        "orders.SalesOrder",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="credit_notes",
        null=True,
        blank=True,
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("credited invoice"),
        on_delete=models.PROTECT,
        related_name="credit_notes",
        null=True,
        blank=True,
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    source_reference = models.CharField(
        _("source"),
        max_length=60,
        blank=True,
        help_text=_("What caused it, e.g. the return number; one credit note per source."),
    )
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax"))
    total_amount = MoneyField(_("total"))
    allocated_amount = MoneyField(_("allocated"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        indexes = [
            models.Index(fields=["customer", "issued_on"], name="finance_creditnote_cust_idx"),
            models.Index(fields=["created_at", "id"], name="finance_creditnote_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_amount__gt=0), name="finance_creditnote_total_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(allocated_amount__gte=0)
                & models.Q(allocated_amount__lte=models.F("total_amount")),
                name="finance_creditnote_allocated_within_total",
            ),
            models.UniqueConstraint(
                fields=["source_reference"],
                condition=~models.Q(source_reference=""),
                name="finance_creditnote_source_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def unallocated_amount(self):
        return self.total_amount - self.allocated_amount


class CreditNoteLine(models.Model):
    credit_note = models.ForeignKey(
        CreditNote, verbose_name=_("credit note"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        "orders.SalesOrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="credit_note_lines",
        null=True,
        blank=True,
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    net_amount = MoneyField(_("net amount"))
    tax_rate = models.DecimalField(
        _("VAT rate"), max_digits=5, decimal_places=4, default=Decimal("0.1300")
    )
    tax_amount = MoneyField(_("tax"))

    class Meta:
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")

    def __str__(self) -> str:
        return f"{self.credit_note_id}: {self.description}"

    @property
    def total_amount(self):
        return self.net_amount + self.tax_amount


class CreditNoteAllocation(AllocationFields):
    credit_note = models.ForeignKey(
        CreditNote,
        verbose_name=_("credit note"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        related_name="credit_allocations",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit note allocation")
        verbose_name_plural = _("credit note allocations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="finance_creditallocation_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.credit_note_id}→{self.invoice_id}: {self.amount}"


class BankAccount(models.Model):
    """One of our bank accounts, with how its statement files name their columns."""

    # The statement fields OPMS reads, and the header names Chinese banks use for them.
    FIELDS = ["booked_on", "amount", "credit", "debit", "counterparty", "account", "reference"]

    name = models.CharField(_("name"), max_length=100)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    column_mapping = models.JSONField(
        _("column mapping"),
        default=dict,
        blank=True,
        help_text=_(
            "Statement column header per field (booked_on, amount or credit/debit, "
            "counterparty, account, reference); empty uses the usual Chinese bank headers."
        ),
    )
    auto_post_confidence = models.PositiveSmallIntegerField(
        _("post automatically from confidence (%)"),
        default=90,
        help_text=_("Matches at or above this confidence are allocated without a person."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.account_number[-4:]})"


class BankStatement(models.Model):
    bank_account = models.ForeignKey(
        BankAccount,
        verbose_name=_("bank account"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(_("file fingerprint"), max_length=64)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    posted_count = models.PositiveIntegerField(_("posted automatically"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        constraints = [
            models.UniqueConstraint(
                fields=["bank_account", "file_sha256"], name="finance_statement_file_unique"
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class BankStatementLine(models.Model):
    class Status(models.TextChoices):
        UNMATCHED = "unmatched", _("No match")
        SUGGESTED = "suggested", _("Suggestion to check")
        POSTED = "posted", _("Reconciled")
        IGNORED = "ignored", _("Not a customer payment")

    class Rule(models.TextChoices):
        REFERENCE = "reference", _("Invoice or order number in the reference")
        EXACT_AMOUNT = "exact_amount", _("Exact amount of one open invoice")
        OLDEST_FIRST = "oldest_first", _("Oldest open invoices first")
        AMBIGUOUS = "ambiguous", _("Several invoices fit")
        CUSTOMER_ONLY = "customer_only", _("Customer known, no open invoice")
        NONE = "none", _("No rule matched")
        MANUAL = "manual", _("By hand")

    WAITING = [Status.UNMATCHED, Status.SUGGESTED]

    statement = models.ForeignKey(
        BankStatement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="lines"
    )
    bank_account = models.ForeignKey(
        BankAccount, verbose_name=_("bank account"), on_delete=models.PROTECT, related_name="+"
    )
    line_no = models.PositiveIntegerField(_("line"))
    booked_on = models.DateField(_("booked on"))
    amount = MoneyField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    counterparty_name = models.CharField(_("counterparty"), max_length=200, blank=True)
    counterparty_account = models.CharField(_("counterparty account"), max_length=60, blank=True)
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNMATCHED
    )
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices, default=Rule.NONE)
    confidence = models.PositiveSmallIntegerField(_("confidence (%)"), default=0)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    suggestion = models.JSONField(
        _("suggested allocations"),
        default=list,
        blank=True,
        help_text=_("[{invoice: id, amount: text}] proposed by the matcher."),
    )
    payment = models.OneToOneField(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.PROTECT,
        related_name="statement_line",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        indexes = [models.Index(fields=["status", "booked_on"], name="finance_stmtline_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["bank_account", "fingerprint"], name="finance_stmtline_fingerprint_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}/{self.line_no}"

    @property
    def is_waiting(self) -> bool:
        return self.status in self.WAITING


class ReminderSchedule(models.Model):
    """When overdue reminders go out: days past the due date (one row, edited in the admin)."""

    days_overdue = models.CharField(
        _("days overdue"),
        max_length=100,
        default="1,15,30,60,90",
        help_text=_("Comma-separated days after the due date, e.g. 1,15,30,60,90."),
    )
    remind_customer = models.BooleanField(_("e-mail the billing contact"), default=True)
    remind_sales_rep = models.BooleanField(_("notify the sales rep"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("overdue reminder schedule")
        verbose_name_plural = _("overdue reminder schedule")

    def __str__(self) -> str:
        return self.days_overdue

    @property
    def days(self) -> list[int]:
        return sorted({int(day) for day in self.days_overdue.split(",") if day.strip().isdigit()})


class OverdueReminder(models.Model):
    """A reminder sent for an invoice at one step of the schedule (the dedupe key)."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="reminders"
    )
    days_overdue = models.PositiveSmallIntegerField(_("days overdue"))
    sent_to = models.CharField(_("sent to"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("overdue reminder")
        verbose_name_plural = _("overdue reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "days_overdue"], name="finance_reminder_once_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} +{self.days_overdue}"
