"""Dashboards of the sales role, and the reads of report subscriptions."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from finance.models import Invoice, Payment
from finance.selectors import AGEING_BUCKETS, ageing_bucket_filters
from opms.core.money import ZERO
from orders.models import SalesOrder
from reports.models import ReportRun, ReportSubscription, SalesTarget
from reports.selectors.alerts import alert_settings_get, customers_near_credit_limit
from reports.selectors.common import MONEY, ReportFilters, booked_orders, orders_url, percent

NET = F("total_amount") - F("tax_amount")


@dataclass(frozen=True)
class SalesDashboard:
    pipeline: list[dict]
    overdue_invoices: list[Invoice]
    overdue_total: Decimal
    credit_customers: list
    month_sales: Decimal
    month_target: Decimal | None
    month_percent: Decimal | None
    month_url: str


def sales_dashboard(*, user) -> SalesDashboard:
    """My open pipeline by state, my customers' overdue invoices and credit, month vs target."""
    today = timezone.localdate()
    month_start = today.replace(day=1)
    counts = (
        SalesOrder.objects.filter(sales_rep=user, status__in=SalesOrder.OPEN)
        .values("status")
        .annotate(n=Count("pk"), value=Coalesce(Sum("total_amount"), ZERO))
    )
    by_status = {row["status"]: row for row in counts}
    pipeline = [
        {
            "status": status,
            "label": status.label,
            "n": by_status.get(status.value, {}).get("n", 0),
            "value": by_status.get(status.value, {}).get("value", ZERO),
            "url": orders_url(None, booked=None, status=status.value, sales_rep=user.pk),
        }
        for status in SalesOrder.OPEN
    ]
    overdue = Invoice.objects.filter(
        customer__sales_rep=user, status__in=Invoice.OPEN, due_on__lt=today
    )
    overdue_total = overdue.aggregate(
        total=Coalesce(Sum(F("total_amount") - F("allocated_amount"), output_field=MONEY), ZERO)
    )["total"]
    month = ReportFilters(date_from=month_start, date_to=today, sales_rep_id=user.pk)
    month_sales = booked_orders(month).aggregate(net=Coalesce(Sum(NET, output_field=MONEY), ZERO))[
        "net"
    ]
    target = (
        SalesTarget.objects.filter(sales_rep=user, month=month_start)
        .values_list("target_amount", flat=True)
        .first()
    )
    credit = list(customers_near_credit_limit(alert_settings_get()).filter(sales_rep=user)[:10])
    return SalesDashboard(
        pipeline=pipeline,
        overdue_invoices=list(overdue.select_related("customer").order_by("due_on", "pk")[:10]),
        overdue_total=overdue_total,
        credit_customers=credit,
        month_sales=month_sales,
        month_target=target,
        month_percent=percent(month_sales, target) if target else None,
        month_url=orders_url(month),
    )


def subscriptions_of(*, user) -> list[ReportSubscription]:
    return list(ReportSubscription.objects.filter(user=user).order_by("report", "pk"))


def subscription_runs(*, user, limit: int = 50) -> list[ReportRun]:
    return list(
        ReportRun.objects.filter(subscription__user=user)
        .select_related("subscription")
        .defer("content")
        .order_by("-started_at", "-pk")[:limit]
    )


def warehouse_figures() -> list[dict]:
    """Per warehouse: orders to ship, those due by today, and units still open (backorders
    included: quantities not yet shipped on approved orders)."""
    today = timezone.localdate()
    return list(
        SalesOrder.objects.filter(status__in=SalesOrder.SHIPPABLE)
        .values("warehouse_id", "warehouse__name")
        .annotate(
            orders=Count("pk", distinct=True),
            due_today=Count("pk", distinct=True, filter=Q(requested_delivery_on__lte=today)),
            open_units=Coalesce(Sum(F("lines__quantity") - F("lines__quantity_shipped")), 0),
        )
        .order_by("warehouse__name")
    )


@dataclass(frozen=True)
class FinanceFigures:
    unallocated_payments: Decimal
    due_this_week: Decimal
    due_this_week_count: int
    ageing: list[dict]


def finance_figures() -> FinanceFigures:
    """Money received but not reconciled, invoices falling due this week, ageing totals."""
    today = timezone.localdate()
    week_end = today + timedelta(days=6 - today.weekday())
    unallocated = Payment.objects.aggregate(
        total=Coalesce(Sum(F("amount") - F("allocated_amount"), output_field=MONEY), ZERO)
    )["total"]
    open_amount = F("total_amount") - F("allocated_amount")
    buckets = ageing_bucket_filters(today)
    due_window = Q(due_on__gte=today, due_on__lte=week_end)
    totals = Invoice.objects.filter(status__in=Invoice.OPEN).aggregate(
        due_week=Coalesce(Sum(open_amount, filter=due_window, output_field=MONEY), ZERO),
        due_week_n=Count("pk", filter=due_window),
        **{
            f"b_{key}": Coalesce(Sum(open_amount, filter=condition, output_field=MONEY), ZERO)
            for key, condition in buckets.items()
        },
    )
    return FinanceFigures(
        unallocated_payments=unallocated,
        due_this_week=totals["due_week"],
        due_this_week_count=totals["due_week_n"],
        ageing=[{"label": label, "amount": totals[f"b_{key}"]} for key, label in AGEING_BUCKETS],
    )
