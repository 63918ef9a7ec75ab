"""The manager dashboard: key figures against last year, trend, categories, top lists.

Every figure is one aggregate in the database; the query count is fixed.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from finance.models import Invoice
from opms.core.money import ZERO
from reports.models import (
    DailyCategorySales,
    DailySales,
    MonthlyCustomerSales,
    MonthlyProductSales,
    SalesSummaryRun,
    YearlyCustomerSales,
)
from reports.selectors.common import (
    MONEY,
    ReportFilters,
    bucket_end,
    bucket_start,
    orders_url,
    percent,
    previous_bucket,
)

NET = F("total_amount") - F("tax_amount")
DSO_DAYS = 90


def same_day_last_year(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True)
class Figure:
    value: Decimal | int | None
    previous: Decimal | int | None = None
    url: str = ""

    @property
    def change_percent(self) -> Decimal | None:
        if self.previous in (None, 0) or self.value is None:
            return None
        return (
            (Decimal(self.value) - Decimal(self.previous)) * 100 / Decimal(self.previous)
        ).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class DashboardFigures:
    today: date
    sales_month: Figure
    sales_year: Figure
    orders_month: Figure
    average_order_value: Figure
    gross_margin_percent: Figure
    on_time_percent: Figure
    dso_days: Figure
    overdue_receivable: Figure
    overdue_invoices: int


def summary_age() -> SalesSummaryRun | None:
    """The last materialisation of the sales summaries (the dashboard shows its age)."""
    return SalesSummaryRun.objects.order_by("-refreshed_at", "-pk").first()


def dashboard_figures(*, today: date | None = None) -> DashboardFigures:
    """Sales (booked, net of tax) month and year to date against the same days last year.

    Sales figures read the daily summary (see services.sales_summary_refresh); money owed
    is read live from the invoices.
    """
    today = today or timezone.localdate()
    month_start, year_start = today.replace(day=1), today.replace(month=1, day=1)
    ly_today = same_day_last_year(today)
    ly_month_start, ly_year_start = ly_today.replace(day=1), ly_today.replace(month=1, day=1)
    windows = {
        "month": Q(day__gte=month_start, day__lte=today),
        "ly_month": Q(day__gte=ly_month_start, day__lte=ly_today),
        "year": Q(day__gte=year_start, day__lte=today),
        "ly_year": Q(day__gte=ly_year_start, day__lte=ly_today),
    }
    aggregates = {}
    for name, window in windows.items():
        aggregates[f"{name}_net"] = Coalesce(Sum("net_amount", filter=window), ZERO)
        aggregates[f"{name}_cost"] = Coalesce(Sum("cost_amount", filter=window), ZERO)
        aggregates[f"{name}_n"] = Coalesce(Sum("orders", filter=window), 0)
    aggregates["shipped_n"] = Coalesce(Sum("shipped_orders", filter=windows["year"]), 0)
    aggregates["on_time_n"] = Coalesce(Sum("on_time_orders", filter=windows["year"]), 0)
    orders = DailySales.objects.filter(day__gte=ly_year_start, day__lte=today).aggregate(
        **aggregates
    )
    open_invoice = Q(status__in=Invoice.OPEN)
    overdue = open_invoice & Q(due_on__lt=today)
    dso_since = today - timedelta(days=DSO_DAYS - 1)
    # Only open and recent invoices count in any figure: the WHERE lets both indexes answer
    # instead of reading every invoice ever issued.
    invoices = Invoice.objects.filter(
        open_invoice | Q(issued_on__gte=dso_since, issued_on__lte=today)
    ).aggregate(
        receivable=Coalesce(
            Sum(F("total_amount") - F("allocated_amount"), filter=open_invoice, output_field=MONEY),
            ZERO,
        ),
        overdue=Coalesce(
            Sum(F("total_amount") - F("allocated_amount"), filter=overdue, output_field=MONEY),
            ZERO,
        ),
        overdue_n=Count("pk", filter=overdue),
        invoiced=Coalesce(
            Sum(
                "total_amount",
                filter=Q(issued_on__gte=dso_since, issued_on__lte=today)
                & ~Q(status__in=[Invoice.Status.DRAFT, Invoice.Status.VOID]),
            ),
            ZERO,
        ),
    )
    month_filters = ReportFilters(date_from=month_start, date_to=today)
    year_filters = ReportFilters(date_from=year_start, date_to=today)
    aov = (
        (orders["month_net"] / orders["month_n"]).quantize(Decimal("0.01"))
        if orders["month_n"]
        else None
    )
    ly_aov = (
        (orders["ly_month_net"] / orders["ly_month_n"]).quantize(Decimal("0.01"))
        if orders["ly_month_n"]
        else None
    )
    dso = (
        (invoices["receivable"] * DSO_DAYS / invoices["invoiced"]).quantize(Decimal("0.1"))
        if invoices["invoiced"]
        else None
    )
    return DashboardFigures(
        today=today,
        sales_month=Figure(orders["month_net"], orders["ly_month_net"], orders_url(month_filters)),
        sales_year=Figure(orders["year_net"], orders["ly_year_net"], orders_url(year_filters)),
        orders_month=Figure(orders["month_n"], orders["ly_month_n"], orders_url(month_filters)),
        average_order_value=Figure(aov, ly_aov, orders_url(month_filters)),
        gross_margin_percent=Figure(
            percent(orders["year_net"] - orders["year_cost"], orders["year_net"]),
            percent(orders["ly_year_net"] - orders["ly_year_cost"], orders["ly_year_net"]),
            orders_url(year_filters),
        ),
        on_time_percent=Figure(
            percent(orders["on_time_n"], orders["shipped_n"]),
            url=orders_url(None, shipped_from=year_start, booked=None, late="true"),
        ),
        dso_days=Figure(dso),
        overdue_receivable=Figure(invoices["overdue"]),
        overdue_invoices=invoices["overdue_n"],
    )


TREND_GRAINS = {
    "day": (TruncDay, 30),
    "week": (TruncWeek, 12),
    "month": (TruncMonth, 12),
}


def order_trend_buckets(*, grain: str = "day", today: date | None = None) -> list[dict]:
    """Booked orders per day / week / month (count and net value), empty buckets included."""
    trunc, count = TREND_GRAINS.get(grain, TREND_GRAINS["day"])
    grain = grain if grain in TREND_GRAINS else "day"
    today = today or timezone.localdate()
    starts = [bucket_start(grain, today)]
    for _ in range(count - 1):
        starts.append(previous_bucket(grain, starts[-1]))
    starts.reverse()
    rows = (
        DailySales.objects.filter(day__gte=starts[0], day__lte=today)
        .annotate(bucket=trunc("day"))
        .values("bucket")
        .annotate(n=Coalesce(Sum("orders"), 0), value=Coalesce(Sum("net_amount"), ZERO))
        .order_by("bucket")
    )
    found = {_as_date(row["bucket"]): row for row in rows}
    buckets = []
    for start in starts:
        end = min(bucket_end(grain, start), today)
        row = found.get(start, {"n": 0, "value": ZERO})
        buckets.append(
            {
                "start": start,
                "end": end,
                "label": start.strftime("%Y-%m" if grain == "month" else "%m-%d"),
                "n": row["n"],
                "value": row["value"],
                "url": orders_url(ReportFilters(date_from=start, date_to=end)),
            }
        )
    return buckets


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def sales_by_category(*, date_from: date, date_to: date) -> list[dict]:
    rows = (
        DailyCategorySales.objects.filter(day__gte=date_from, day__lte=date_to)
        .values("category_id", "category_name")
        .annotate(value=Sum("net_amount"), n=Sum("orders"))
        .order_by("-value", "category_id")
    )
    return [
        {
            "id": row["category_id"],
            "label": row["category_name"] or "—",
            "value": row["value"],
            "n": row["n"],
            "url": orders_url(
                ReportFilters(date_from=date_from, date_to=date_to, category_id=row["category_id"])
            ),
        }
        for row in rows
    ]


def top_customers_by_sales(*, date_from: date, date_to: date, limit: int = 10) -> list[dict]:
    """From the monthly summary: whole months from `date_from`'s month to `date_to`'s; the
    year to date from the yearly one (a row per customer instead of one per month)."""
    months = MonthlyCustomerSales.objects.filter(
        month__gte=date_from.replace(day=1), month__lte=date_to
    )
    if (date_from.month, date_from.day) == (1, 1) and date_to.year == date_from.year:
        if date_to.month == 12 or date_to >= timezone.localdate().replace(day=1):
            months = YearlyCustomerSales.objects.filter(year=date_from)
    rows = (
        months.values("customer_id", "customer_label")
        .annotate(n=Sum("orders"), value=Sum("net_amount"))
        .order_by("-value", "customer_id")[:limit]
    )
    return [
        {
            "id": row["customer_id"],
            "label": row["customer_label"],
            "n": row["n"],
            "value": row["value"],
            "url": orders_url(
                ReportFilters(date_from=date_from, date_to=date_to, customer_id=row["customer_id"])
            ),
        }
        for row in rows
    ]


def top_products_by_sales(*, date_from: date, date_to: date, limit: int = 10) -> list[dict]:
    rows = (
        MonthlyProductSales.objects.filter(month__gte=date_from.replace(day=1), month__lte=date_to)
        .values("product_id", "product_label")
        .annotate(units=Sum("units"), value=Sum("net_amount"), n=Sum("orders"))
        .order_by("-value", "product_id")[:limit]
    )
    return [
        {
            "id": row["product_id"],
            "label": row["product_label"],
            "quantity": row["units"],
            "n": row["n"],
            "value": row["value"],
            "url": orders_url(
                ReportFilters(date_from=date_from, date_to=date_to, product_id=row["product_id"])
            ),
        }
        for row in rows
    ]
