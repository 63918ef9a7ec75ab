"""Report and dashboard reads; they call other apps' selectors and models, never write."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from finance.models import Invoice, Payment
from opms.core.money import ZERO
from orders.models import SalesOrder


@dataclass(frozen=True)
class ManagerKpis:
    invoiced_this_month: Decimal
    invoiced_last_year_same_month: Decimal
    orders_this_month: int
    average_order_value: Decimal
    open_orders: int
    open_order_value: Decimal
    receivable: Decimal
    overdue_receivable: Decimal
    overdue_invoices: int
    unallocated_payments: Decimal


def manager_kpis() -> ManagerKpis:
    today = timezone.localdate()
    month_start = today.replace(day=1)
    last_year_start = month_start.replace(year=month_start.year - 1)
    last_year_end = (
        today.replace(year=today.year - 1)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - 1, day=28)
    )
    money = Coalesce(Sum("total_amount"), ZERO)
    invoices = Invoice.objects.exclude(status__in=[Invoice.Status.DRAFT, Invoice.Status.VOID])
    invoiced = invoices.aggregate(
        this_month=Coalesce(Sum("total_amount", filter=Q(issued_on__gte=month_start)), ZERO),
        last_year=Coalesce(
            Sum(
                "total_amount",
                filter=Q(issued_on__gte=last_year_start, issued_on__lte=last_year_end),
            ),
            ZERO,
        ),
        receivable=Coalesce(Sum("total_amount", filter=Q(status__in=Invoice.OPEN)), ZERO)
        - Coalesce(Sum("allocated_amount", filter=Q(status__in=Invoice.OPEN)), ZERO),
        overdue=Coalesce(
            Sum("total_amount", filter=Q(status__in=Invoice.OPEN, due_on__lt=today)), ZERO
        )
        - Coalesce(
            Sum("allocated_amount", filter=Q(status__in=Invoice.OPEN, due_on__lt=today)), ZERO
        ),
        overdue_count=Count("pk", filter=Q(status__in=Invoice.OPEN, due_on__lt=today)),
    )
    booked = SalesOrder.objects.exclude(
        status__in=[SalesOrder.Status.DRAFT, SalesOrder.Status.CANCELLED]
    )
    month = booked.filter(order_date__gte=month_start).aggregate(
        n=Count("pk"), average=Coalesce(Avg("total_amount"), ZERO)
    )
    open_orders = SalesOrder.objects.filter(status__in=SalesOrder.OPEN).aggregate(
        n=Count("pk"), value=money
    )
    unallocated = Payment.objects.aggregate(
        value=Coalesce(Sum("amount"), ZERO) - Coalesce(Sum("allocated_amount"), ZERO)
    )
    return ManagerKpis(
        invoiced_this_month=invoiced["this_month"],
        invoiced_last_year_same_month=invoiced["last_year"],
        orders_this_month=month["n"],
        average_order_value=Decimal(month["average"]).quantize(Decimal("0.01")),
        open_orders=open_orders["n"],
        open_order_value=open_orders["value"],
        receivable=invoiced["receivable"],
        overdue_receivable=invoiced["overdue"],
        overdue_invoices=invoiced["overdue_count"],
        unallocated_payments=unallocated["value"],
    )


def order_trend(*, days: int = 30) -> list[dict]:
    """Orders booked per day over the last `days` days (count and value)."""
    since = timezone.localdate() - timedelta(days=days - 1)
    rows = (
        SalesOrder.objects.filter(order_date__gte=since)
        .exclude(status__in=[SalesOrder.Status.DRAFT, SalesOrder.Status.CANCELLED])
        .values("order_date")
        .annotate(n=Count("pk"), value=Coalesce(Sum("total_amount"), ZERO))
        .order_by("order_date")
    )
    by_day = {row["order_date"]: row for row in rows}
    trend = []
    peak = max((row["value"] for row in rows), default=ZERO) or Decimal(1)
    for offset in range(days):
        day = since + timedelta(days=offset)
        row = by_day.get(day, {"n": 0, "value": ZERO})
        trend.append(
            {
                "day": day,
                "n": row["n"],
                "value": row["value"],
                "percent": int(row["value"] * 100 / peak),
            }
        )
    return trend


def top_customers(*, limit: int = 10) -> list[dict]:
    year_start = timezone.localdate().replace(month=1, day=1)
    return list(
        SalesOrder.objects.filter(order_date__gte=year_start)
        .exclude(status__in=[SalesOrder.Status.DRAFT, SalesOrder.Status.CANCELLED])
        .values("customer_id", "customer__code", "customer__name")
        .annotate(n=Count("pk"), value=Sum("total_amount"))
        .order_by("-value")[:limit]
    )
