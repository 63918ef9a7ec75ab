"""Writes of the reports app: alert thresholds, sales targets, report subscriptions and
their scheduled runs (generate, e-mail, record; once per subscription and period)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth, TruncYear
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from opms.core.money import ZERO
from reports.errors import UnknownReport
from reports.exports import report_pdf, report_xlsx
from reports.models import (
    AlertSettings,
    DailyCategorySales,
    DailyRepSales,
    DailySales,
    MonthlyCustomerSales,
    MonthlyProductSales,
    ReportRun,
    ReportSubscription,
    SalesSummaryRun,
    SalesTarget,
    YearlyCustomerSales,
)
from reports.selectors import alert_count_forget, report_compute, report_get
from reports.selectors.catalogue import filters_description
from reports.selectors.common import MONEY, ReportFilters, booked_lines, booked_orders, line_cost

NET = F("total_amount") - F("tax_amount")
SUMMARY_LOCK_KEY = 8_000_001

Frequency = ReportSubscription.Frequency


def alert_settings_update(
    *, actor, stuck_order_days: int, approval_wait_hours: int, credit_warning_percent: int
) -> AlertSettings:
    """Change the alert thresholds (one row); the navigation count is recomputed."""
    with transaction.atomic():
        current = AlertSettings.objects.select_for_update().order_by("pk").first()
        if current is None:
            current = AlertSettings()
        current.stuck_order_days = stuck_order_days
        current.approval_wait_hours = approval_wait_hours
        current.credit_warning_percent = credit_warning_percent
        current.updated_at = timezone.now()
        current.save()
    alert_count_forget()
    return current


def sales_target_set(*, sales_rep, month: date, target_amount: Decimal) -> SalesTarget:
    """Set the monthly target of a sales rep (month = any day of it)."""
    target, _created = SalesTarget.objects.update_or_create(
        sales_rep=sales_rep,
        month=month.replace(day=1),
        defaults={"target_amount": target_amount},
    )
    return target


def report_subscription_create(
    *, user, report: str, filters: dict, frequency: str, send_at: time, file_format: str
) -> ReportSubscription:
    """Subscribe `user` to a report with its filters; raises UnknownReport."""
    if report_get(report) is None:
        raise UnknownReport(_("There is no such report."))
    return ReportSubscription.objects.create(
        user=user,
        report=report,
        filters={key: value for key, value in filters.items() if value not in ("", None)},
        frequency=frequency,
        send_at=send_at,
        file_format=file_format,
    )


def report_subscription_delete(*, user, subscription_id: int) -> None:
    ReportSubscription.objects.filter(user=user, pk=subscription_id).delete()


def period_of(subscription: ReportSubscription, now: datetime) -> tuple[str, datetime]:
    """The period `now` falls in and the moment the subscription is due in it (local time)."""
    local = timezone.localtime(now)
    today = local.date()
    if subscription.frequency == Frequency.WEEKLY:
        start = today - timedelta(days=today.weekday())
        year, week, _day = start.isocalendar()
        key = f"{year}-W{week:02d}"
    elif subscription.frequency == Frequency.MONTHLY:
        start = today.replace(day=1)
        key = start.strftime("%Y-%m")
    else:
        start = today
        key = today.isoformat()
    due = timezone.make_aware(datetime.combine(start, subscription.send_at), local.tzinfo)
    return key, due


@dataclass(frozen=True)
class ReportFile:
    name: str
    content: bytes
    mimetype: str


def report_file(*, report: str, params: dict, file_format: str, today: date) -> ReportFile:
    """Compute a report and render it as a file."""
    definition = report_get(report)
    if definition is None:
        raise UnknownReport(_("There is no such report."))
    result = report_compute(report, params, today=today)
    title = str(definition.title)
    description = filters_description(definition, params, today=today)
    stamp = timezone.localtime(result.computed_at).strftime("%Y%m%d-%H%M")
    if file_format == ReportSubscription.Format.XLSX:
        return ReportFile(
            f"{report}-{stamp}.xlsx",
            report_xlsx(title=title, result=result, filters_text=description),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return ReportFile(
        f"{report}-{stamp}.pdf",
        report_pdf(title=title, result=result, filters_text=description),
        "application/pdf",
    )


def report_subscription_run(
    *, subscription_id: int, now: datetime | None = None
) -> ReportRun | None:
    """Deliver one subscription for the current period if it is due and not yet delivered.

    The run row is inserted first under a unique (subscription, period) constraint, so two
    workers or a retry in the same period send at most once. Returns None when nothing ran.
    """
    now = now or timezone.now()
    subscription = (
        ReportSubscription.objects.select_related("user").filter(pk=subscription_id).first()
    )
    if subscription is None or not subscription.is_active:
        return None
    key, due = period_of(subscription, now)
    if now < due:
        return None
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(subscription=subscription, period_key=key)
    except IntegrityError:
        return None
    user = subscription.user
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            file = report_file(
                report=subscription.report,
                params=subscription.filters,
                file_format=subscription.file_format,
                today=timezone.localtime(now).date(),
            )
            title = str(report_get(subscription.report).title)
            message = EmailMessage(
                subject=_("OPMS report: %(title)s (%(period)s)") % {"title": title, "period": key},
                body=_("Your scheduled report %(title)s for %(period)s is attached.")
                % {"title": title, "period": key},
                to=[user.email] if user.email else [],
            )
            message.attach(file.name, file.content, file.mimetype)
            if user.email:
                message.send()
    except Exception as failure:  # noqa: BLE001 - recorded on the run and shown in its history
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportRun.Status.FAILED, error=str(failure)[:2000]
        )
        run.refresh_from_db()
        return run
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.SENT,
        file_name=file.name,
        content=file.content,
        sent_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def report_subscriptions_run_due(*, now: datetime | None = None) -> int:
    """Deliver every active subscription that is due in its current period; returns how many."""
    now = now or timezone.now()
    sent = 0
    for subscription_id in ReportSubscription.objects.filter(is_active=True).values_list(
        "pk", flat=True
    ):
        if report_subscription_run(subscription_id=subscription_id, now=now) is not None:
            sent += 1
    return sent


def _summary_lock() -> None:
    """One refresh at a time (PostgreSQL); SQLite serialises writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SUMMARY_LOCK_KEY])


@transaction.atomic
def sales_summary_refresh(*, since: date | None = None) -> SalesSummaryRun:
    """Recompute the sales summaries from the first day of `since`'s month (all when None).

    Each table is rebuilt for that span by aggregates in the database, so running it twice
    gives the same rows. Beat runs it every 10 minutes for recent months and nightly in full.
    """
    _summary_lock()
    start = since.replace(day=1) if since else None
    scope = ReportFilters(date_from=start)
    for model, field in (
        (DailySales, "day"),
        (DailyCategorySales, "day"),
        (DailyRepSales, "day"),
        (MonthlyCustomerSales, "month"),
        (MonthlyProductSales, "month"),
    ):
        rows = model.objects.all()
        if start:
            rows = rows.filter(**{f"{field}__gte": start})
        rows.delete()
    by_day: dict = {}
    for row in (
        booked_orders(scope)
        .values("order_date")
        .annotate(n=Count("pk"), net=Sum(NET, output_field=MONEY))
    ):
        by_day[row["order_date"]] = DailySales(
            day=row["order_date"], orders=row["n"], net_amount=row["net"]
        )
    rep_days = [
        DailyRepSales(
            day=row["order__order_date"],
            sales_rep_id=row["order__sales_rep_id"],
            sales_rep_label=row["order__sales_rep__username"],
            team_id=row["order__team_id"],
            team_label=row["order__team__name"] or "",
            warehouse_id=row["order__warehouse_id"],
            warehouse_label=row["order__warehouse__name"],
            orders=row["n"],
            units=row["units"],
            net_amount=row["net"],
            cost_amount=row["cost"],
        )
        for row in booked_lines(scope)
        .values(
            "order__order_date",
            "order__sales_rep_id",
            "order__sales_rep__username",
            "order__team_id",
            "order__team__name",
            "order__warehouse_id",
            "order__warehouse__name",
        )
        .annotate(
            n=Count("order_id", distinct=True),
            units=Sum("quantity"),
            net=Sum("net_amount"),
            cost=Sum(line_cost(), output_field=MONEY),
        )
    ]
    DailyRepSales.objects.bulk_create(rep_days, batch_size=1000)
    # Every order is in one rep/team/warehouse row: the day's units and cost are their sum.
    for row in rep_days:
        day = by_day[row.day]
        day.cost_amount += row.cost_amount
        day.units += row.units
    shipped = booked_orders().filter(shipped_at__isnull=False, requested_delivery_on__isnull=False)
    if start:
        shipped = shipped.filter(shipped_at__date__gte=start)
    for row in (
        shipped.annotate(ship_day=TruncDate("shipped_at"))
        .values("ship_day")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(shipped_at__date__lte=F("requested_delivery_on"))),
        )
    ):
        day = by_day.setdefault(row["ship_day"], DailySales(day=row["ship_day"]))
        day.shipped_orders, day.on_time_orders = row["n"], row["on_time"]
    DailySales.objects.bulk_create(by_day.values(), batch_size=1000)
    DailyCategorySales.objects.bulk_create(
        (
            DailyCategorySales(
                day=row["order__order_date"],
                category_id=row["product__category_id"],
                category_name=row["product__category__name"] or "",
                orders=row["n"],
                units=row["units"],
                net_amount=row["net"],
                cost_amount=row["cost"],
            )
            for row in booked_lines(scope)
            .values("order__order_date", "product__category_id", "product__category__name")
            .annotate(
                n=Count("order_id", distinct=True),
                units=Sum("quantity"),
                net=Sum("net_amount"),
                cost=Sum(line_cost(), output_field=MONEY),
            )
        ),
        batch_size=1000,
    )
    customer_lines = {
        (row["month"], row["order__customer_id"]): row
        for row in booked_lines(scope)
        .annotate(month=TruncMonth("order__order_date"))
        .values("month", "order__customer_id")
        .annotate(units=Sum("quantity"), cost=Sum(line_cost(), output_field=MONEY))
    }
    customer_months = []
    for row in (
        booked_orders(scope)
        .annotate(month=TruncMonth("order_date"))
        .values("month", "customer_id", "customer__code", "customer__name")
        .annotate(
            n=Count("pk"),
            net=Sum(NET, output_field=MONEY),
            first=Min("order_date"),
            last=Max("order_date"),
        )
    ):
        lines = customer_lines.get((row["month"], row["customer_id"]), {})
        customer_months.append(
            MonthlyCustomerSales(
                month=row["month"],
                customer_id=row["customer_id"],
                customer_label=f"{row['customer__code']} {row['customer__name']}"[:230],
                orders=row["n"],
                net_amount=row["net"],
                first_order_on=row["first"],
                last_order_on=row["last"],
                units=lines.get("units") or 0,
                cost_amount=lines.get("cost") or ZERO,
            )
        )
    MonthlyCustomerSales.objects.bulk_create(customer_months, batch_size=1000)
    _customer_years_rebuild(start)
    MonthlyProductSales.objects.bulk_create(
        (
            MonthlyProductSales(
                month=row["month"],
                product_id=row["product_id"],
                product_label=f"{row['product__sku']} {row['product__name']}"[:250],
                orders=row["n"],
                units=row["units"],
                net_amount=row["net"],
                cost_amount=row["cost"],
            )
            for row in booked_lines(scope)
            .annotate(month=TruncMonth("order__order_date"))
            .values("month", "product_id", "product__sku", "product__name")
            .annotate(
                n=Count("order_id", distinct=True),
                units=Sum("quantity"),
                net=Sum("net_amount"),
                cost=Sum(line_cost(), output_field=MONEY),
            )
        ),
        batch_size=1000,
    )
    return SalesSummaryRun.objects.create(since=start)


def _customer_years_rebuild(start: date | None) -> None:
    """Sum the monthly customer rows per year, from the year of `start` (all when None)."""
    years = YearlyCustomerSales.objects.all()
    months = MonthlyCustomerSales.objects.all()
    if start:
        years = years.filter(year__gte=start.replace(month=1))
        months = months.filter(month__gte=start.replace(month=1))
    years.delete()
    YearlyCustomerSales.objects.bulk_create(
        (
            YearlyCustomerSales(
                year=row["year"],
                customer_id=row["customer_id"],
                customer_label=row["label"],
                orders=row["n"],
                units=row["units"],
                net_amount=row["net"],
                cost_amount=row["cost"],
            )
            for row in months.annotate(year=TruncYear("month"))
            .values("year", "customer_id")
            .annotate(
                label=Max("customer_label"),
                n=Sum("orders"),
                units=Sum("units"),
                net=Sum("net_amount"),
                cost=Sum("cost_amount"),
            )
        ),
        batch_size=1000,
    )
