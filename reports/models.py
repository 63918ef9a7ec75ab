"""Reports own no business rows of other apps: permissions, sales targets, alert
thresholds, report subscriptions and the runs that delivered them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opms.core.money import MoneyField


class Dashboard(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", _("Can view the management dashboard")),
            ("view_reports", _("Can view and export reports")),
            ("view_alerts", _("Can view the alerts center")),
        ]
        verbose_name = _("dashboard")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class SalesTarget(models.Model):
    """What a sales rep should book (net of tax) in one calendar month."""

    sales_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.CASCADE,
        related_name="sales_targets",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    target_amount = MoneyField(_("target"))

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["-month", "sales_rep"]
        constraints = [
            models.UniqueConstraint(
                fields=["sales_rep", "month"], name="reports_salestarget_one_per_month"
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="reports_salestarget_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sales_rep} {self.month:%Y-%m}"


class AlertSettings(models.Model):
    """Thresholds of the alerts center; one row, edited by managers in the UI."""

    stuck_order_days = models.PositiveSmallIntegerField(
        _("order stuck after (days in one state)"), default=7
    )
    approval_wait_hours = models.PositiveSmallIntegerField(
        _("approval overdue after (hours)"), default=48
    )
    credit_warning_percent = models.PositiveSmallIntegerField(
        _("credit warning at (percent of limit)"), default=80
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class ReportSubscription(models.Model):
    """A user receives one report with its filters by e-mail on a schedule."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly (Mondays)")
        MONTHLY = "monthly", _("Monthly (1st)")

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Excel (XLSX)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
    )
    report = models.CharField(_("report"), max_length=40)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    send_at = models.TimeField(_("time of day"))
    file_format = models.CharField(
        _("format"), max_length=4, choices=Format.choices, default=Format.PDF
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        ordering = ["user", "report", "pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.report} {self.frequency}"


class ReportRun(models.Model):
    """One delivery of a subscription for one period; unique per period (idempotent)."""

    class Status(models.TextChoices):
        STARTED = "started", _("Started")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        ReportSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="runs",
    )
    period_key = models.CharField(_("period"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.STARTED
    )
    file_name = models.CharField(_("file"), max_length=120, blank=True)
    content = models.BinaryField(_("content"), blank=True, default=b"")
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_key"], name="reports_reportrun_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period_key}"


class SalesSummaryRun(models.Model):
    """When the sales summaries were last materialised (their data age) and from which day."""

    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)
    since = models.DateField(_("recomputed from"), null=True, blank=True)

    class Meta:
        verbose_name = _("sales summary refresh")
        verbose_name_plural = _("sales summary refreshes")
        indexes = [models.Index(fields=["refreshed_at"], name="reports_summaryrun_at_idx")]

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"


class DailySales(models.Model):
    """Booked orders per order day: count, net of tax, cost; shipped and on time per ship day."""

    day = models.DateField(_("day"), unique=True)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    units = models.BigIntegerField(_("units"), default=0)
    net_amount = MoneyField(_("net sales"))
    cost_amount = MoneyField(_("cost"))
    shipped_orders = models.PositiveIntegerField(_("fully shipped"), default=0)
    on_time_orders = models.PositiveIntegerField(_("shipped on time"), default=0)

    class Meta:
        verbose_name = _("daily sales")
        verbose_name_plural = _("daily sales")

    def __str__(self) -> str:
        return str(self.day)


class DailyCategorySales(models.Model):
    """Booked lines per order day and product category."""

    day = models.DateField(_("day"))
    category_id = models.BigIntegerField(_("category"), null=True)
    category_name = models.CharField(_("category"), max_length=100, blank=True)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    units = models.BigIntegerField(_("units"), default=0)
    net_amount = MoneyField(_("net sales"))
    cost_amount = MoneyField(_("cost"))

    class Meta:
        verbose_name = _("daily sales by category")
        verbose_name_plural = _("daily sales by category")
        indexes = [models.Index(fields=["day"], name="reports_daycat_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.category_name}"


class MonthlyCustomerSales(models.Model):
    """Booked orders per calendar month and customer."""

    month = models.DateField(_("month"))
    customer_id = models.BigIntegerField(_("customer"))
    customer_label = models.CharField(_("customer"), max_length=230)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    net_amount = MoneyField(_("net sales"))
    first_order_on = models.DateField(_("first order"), null=True)
    last_order_on = models.DateField(_("last order"), null=True)
    units = models.BigIntegerField(_("units"), default=0)
    cost_amount = MoneyField(_("cost"))

    class Meta:
        verbose_name = _("monthly sales by customer")
        verbose_name_plural = _("monthly sales by customer")
        indexes = [models.Index(fields=["month", "customer_id"], name="reports_moncust_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.customer_label}"


class MonthlyProductSales(models.Model):
    """Booked lines per calendar month and product."""

    month = models.DateField(_("month"))
    product_id = models.BigIntegerField(_("product"))
    product_label = models.CharField(_("product"), max_length=250)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    units = models.BigIntegerField(_("units"), default=0)
    net_amount = MoneyField(_("net sales"))
    cost_amount = MoneyField(_("cost"))

    class Meta:
        verbose_name = _("monthly sales by product")
        verbose_name_plural = _("monthly sales by product")
        indexes = [models.Index(fields=["month", "product_id"], name="reports_monprod_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.product_label}"


class DailyRepSales(models.Model):
    """Booked lines per order day, sales rep, team and warehouse of the order.

    Every order falls in exactly one row, so any of the three dimensions (or a mix of them)
    groups or filters it exactly over any run of days."""

    day = models.DateField(_("day"))
    sales_rep_id = models.BigIntegerField(_("sales rep"))
    sales_rep_label = models.CharField(_("sales rep"), max_length=150)
    team_id = models.BigIntegerField(_("team"), null=True)
    team_label = models.CharField(_("team"), max_length=100, blank=True)
    warehouse_id = models.BigIntegerField(_("warehouse"))
    warehouse_label = models.CharField(_("warehouse"), max_length=100)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    units = models.BigIntegerField(_("units"), default=0)
    net_amount = MoneyField(_("net sales"))
    cost_amount = MoneyField(_("cost"))

    class Meta:
        verbose_name = _("daily sales by rep, team and warehouse")
        verbose_name_plural = _("daily sales by rep, team and warehouse")
        indexes = [models.Index(fields=["day"], name="reports_dayrep_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.sales_rep_label}"


class YearlyCustomerSales(models.Model):
    """The monthly customer rows summed per calendar year (a year's ranking reads a row per
    customer instead of twelve)."""

    year = models.DateField(_("year"), help_text=_("The first day of the year."))
    customer_id = models.BigIntegerField(_("customer"))
    customer_label = models.CharField(_("customer"), max_length=230)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    units = models.BigIntegerField(_("units"), default=0)
    net_amount = MoneyField(_("net sales"))
    cost_amount = MoneyField(_("cost"))

    class Meta:
        verbose_name = _("yearly sales by customer")
        verbose_name_plural = _("yearly sales by customer")
        indexes = [models.Index(fields=["year", "customer_id"], name="reports_yearcust_idx")]

    def __str__(self) -> str:
        return f"{self.year:%Y} {self.customer_label}"
