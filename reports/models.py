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
