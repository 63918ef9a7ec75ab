"""Report and dashboard reads; they call other apps' selectors and models, never write."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Max, Q, Sum
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


@dataclass(frozen=True)
class CustomerFigures:
    lifetime_revenue: Decimal
    orders_this_year: int
    average_order_value: Decimal
    last_order_on: object
    average_days_late: Decimal | None
    paid_invoices: int


AGE_BUCKETS = [
    ("current", None, 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
]


def customer_figures(*, customer_id: int) -> CustomerFigures:
    """Key figures of one customer: revenue, orders, order value, punctuality."""
    today = timezone.localdate()
    booked = SalesOrder.objects.filter(customer_id=customer_id).exclude(
        status__in=[SalesOrder.Status.DRAFT, SalesOrder.Status.CANCELLED]
    )
    orders = booked.aggregate(
        this_year=Count("pk", filter=Q(order_date__gte=today.replace(month=1, day=1))),
        average=Avg("total_amount"),
        last=Max("order_date"),
    )
    invoices = Invoice.objects.filter(customer_id=customer_id).exclude(
        status__in=[Invoice.Status.DRAFT, Invoice.Status.VOID]
    )
    revenue = invoices.aggregate(total=Coalesce(Sum("total_amount"), ZERO))["total"]
    # Days late: the day the last allocation settled the invoice, against its due date.
    settled = (
        invoices.filter(status=Invoice.Status.PAID)
        .annotate(paid_at=Max("allocations__allocated_at"))
        .values_list("due_on", "paid_at")
    )
    lateness = [
        max((timezone.localdate(paid_at) - due_on).days, 0)
        for due_on, paid_at in settled
        if due_on and paid_at
    ]
    return CustomerFigures(
        lifetime_revenue=revenue,
        orders_this_year=orders["this_year"],
        average_order_value=Decimal(orders["average"] or 0).quantize(Decimal("0.01")),
        last_order_on=orders["last"],
        average_days_late=(Decimal(sum(lateness)) / len(lateness) if lateness else None),
        paid_invoices=len(lateness),
    )


def customer_receivables_by_age(*, customer_id: int) -> list[dict]:
    """Open invoice amounts in ageing buckets by days past due."""
    today = timezone.localdate()
    totals = {name: ZERO for name, _, _ in AGE_BUCKETS}
    for due_on, total, allocated in Invoice.objects.filter(
        customer_id=customer_id, status__in=Invoice.OPEN
    ).values_list("due_on", "total_amount", "allocated_amount"):
        late = (today - due_on).days if due_on else 0
        for name, low, high in AGE_BUCKETS:
            if (low is None and late <= 0) or (
                low is not None and late >= low and (high is None or late <= high)
            ):
                totals[name] += total - allocated
                break
    return [{"bucket": name, "amount": totals[name]} for name, _, _ in AGE_BUCKETS]


def customer_open_orders(*, customer_id: int, limit: int = 20) -> list[SalesOrder]:
    return list(
        SalesOrder.objects.filter(customer_id=customer_id, status__in=SalesOrder.OPEN)
        .select_related("sales_rep")
        .order_by("-created_at", "-pk")[:limit]
    )


def customer_invoices(*, customer_id: int, limit: int = 20) -> list[Invoice]:
    return list(
        Invoice.objects.filter(customer_id=customer_id)
        .select_related("order")
        .order_by("-created_at", "-pk")[:limit]
    )


def customer_payments(*, customer_id: int, limit: int = 20) -> list[Payment]:
    return list(
        Payment.objects.filter(customer_id=customer_id).order_by("-received_on", "-pk")[:limit]
    )
