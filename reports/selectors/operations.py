"""Operations reports: order cycle times from the order timeline, slow-moving stock."""

from datetime import timedelta
from math import ceil

from django.db import connection
from django.db.models import (
    Case,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Product, StockLevel
from opms.core.money import ZERO
from orders.models import OrderEvent, SalesOrder, SalesOrderLine
from reports.selectors.common import (
    MONEY,
    NOT_BOOKED,
    Column,
    ReportFilters,
    ReportResult,
    booked_orders,
)


def _first_reaching(status: str):
    """When the order first reached `status` (from its timeline)."""
    return Subquery(
        OrderEvent.objects.filter(order=OuterRef("pk"), to_status=status)
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )


def _last_payment():
    return Subquery(
        OrderEvent.objects.filter(order=OuterRef("pk"), action=OrderEvent.Action.PAID)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )


def cycle_steps():
    return [
        ("entry_to_approval", _("Entry → approval"), "entered_at", "approved_event_at"),
        ("approval_to_shipment", _("Approval → shipped"), "approved_event_at", "shipped_event_at"),
        ("shipment_to_paid", _("Shipped → paid"), "shipped_event_at", "paid_event_at"),
        ("entry_to_paid", _("Entry → paid"), "entered_at", "paid_event_at"),
    ]


def _hours(duration) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 3600, 1)


def _nearest_rank(queryset, field: str, n: int, share: float):
    """The nearest-rank percentile, read in the database (one row at an offset)."""
    if not n:
        return None
    offset = max(ceil(share * n) - 1, 0)
    return queryset.order_by(field).values_list(field, flat=True)[offset]


def _step_percentiles_by_offset(orders) -> list[dict]:
    """Any database: per step a count and two single-row reads at the nearest-rank offsets."""
    rows = []
    for key, label, start, end in cycle_steps():
        measured = orders.annotate(
            **{key: ExpressionWrapper(F(end) - F(start), output_field=DurationField())}
        ).filter(**{f"{key}__isnull": False})
        n = measured.count()
        rows.append(
            {
                "label": label,
                "orders": n,
                "median": _hours(_nearest_rank(measured, key, n, 0.5)),
                "p90": _hours(_nearest_rank(measured, key, n, 0.9)),
            }
        )
    return rows


def _step_percentiles_postgresql(filters: ReportFilters) -> list[dict]:
    """PostgreSQL: one pass over the timeline grouped by order, then percentile_disc (the
    nearest rank) of every step in the same statement."""
    per_order = (
        OrderEvent.objects.filter(order__in=booked_orders(filters).values("pk"))
        .values("order_id")
        .annotate(
            entered_at=Min("order__created_at"),
            approved_at=Min("created_at", filter=Q(to_status=SalesOrder.Status.APPROVED)),
            shipped_at=Min("created_at", filter=Q(to_status=SalesOrder.Status.SHIPPED)),
            paid_at=Max(
                "created_at",
                filter=Q(
                    action=OrderEvent.Action.PAID,
                    order__paid_amount__gte=F("order__total_amount"),
                ),
            ),
        )
        .order_by()
    )
    inner, params = per_order.query.sql_with_params()
    columns = {
        "entered_at": "entered_at",
        "approved_event_at": "approved_at",
        "shipped_event_at": "shipped_at",
        "paid_event_at": "paid_at",
    }
    selects = []
    for _key, _label, start, end in cycle_steps():
        step = f"(t.{columns[end]} - t.{columns[start]})"
        selects += [
            f"count({step})",
            f"percentile_disc(0.5) WITHIN GROUP (ORDER BY {step})",
            f"percentile_disc(0.9) WITHIN GROUP (ORDER BY {step})",
        ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)} FROM ({inner}) t", params)
        values = cursor.fetchone()
    return [
        {
            "label": label,
            "orders": values[index * 3],
            "median": _hours(values[index * 3 + 1]),
            "p90": _hours(values[index * 3 + 2]),
        }
        for index, (_key, label, _start, _end) in enumerate(cycle_steps())
    ]


def cycle_time_report(filters: ReportFilters) -> ReportResult:
    """Median and p90 (nearest rank, hours) per step for orders entered in the period;
    the slowest orders from entry to payment."""
    orders = booked_orders(filters).annotate(
        entered_at=F("created_at"),
        approved_event_at=_first_reaching(SalesOrder.Status.APPROVED),
        shipped_event_at=_first_reaching(SalesOrder.Status.SHIPPED),
        paid_event_at=Case(
            When(paid_amount__gte=F("total_amount"), then=_last_payment()),
            default=None,
            output_field=DateTimeField(),
        ),
    )
    rows = (
        _step_percentiles_postgresql(filters)
        if connection.vendor == "postgresql"
        else _step_percentiles_by_offset(orders)
    )
    slowest = (
        orders.annotate(
            total=ExpressionWrapper(
                F("paid_event_at") - F("entered_at"), output_field=DurationField()
            )
        )
        .filter(total__isnull=False)
        .order_by("-total", "pk")
        .values("pk", "number", "customer__name", "total")[:10]
    )
    note_rows = [
        {
            "label": f"{row['number']} {row['customer__name']}",
            "orders": 1,
            "median": _hours(row["total"]),
            "p90": None,
            "url": reverse("orders:detail", args=[row["pk"]]),
        }
        for row in slowest
    ]
    return ReportResult(
        columns=[
            Column("label", _("Step")),
            Column("orders", _("Orders"), "int"),
            Column("median", _("Median (hours)"), "hours"),
            Column("p90", _("p90 (hours)"), "hours"),
        ],
        rows=rows + [{"label": _("Slowest orders, entry → paid"), "heading": True}] + note_rows,
        figures=[(row["label"], row["median"], "hours") for row in rows],
        chart={"kind": "bar", "label": "label", "value": "median", "rows": len(rows)},
        note=_("From the order timeline; percentiles by nearest rank."),
    )


def slow_stock_report(filters: ReportFilters) -> ReportResult:
    """Products in stock with no booked sale in the last N days, with their stock value."""
    today = filters.date_to or timezone.localdate()
    since = today - timedelta(days=filters.days)
    levels = StockLevel.objects.filter(product=OuterRef("pk"))
    if filters.warehouse_id is not None:
        levels = levels.filter(warehouse_id=filters.warehouse_id)
    last_sale = (
        SalesOrderLine.objects.filter(product=OuterRef("pk"))
        .exclude(order__status__in=NOT_BOOKED)
        .order_by()
        .values("product")
        .annotate(last=Max("order__order_date"))
        .values("last")
    )
    products = Product.objects.filter(is_active=True)
    if filters.category_id is not None:
        products = products.filter(category_id=filters.category_id)
    if filters.product_id is not None:
        products = products.filter(pk=filters.product_id)
    rows = (
        products.annotate(
            on_hand=Coalesce(
                Subquery(
                    levels.order_by().values("product").annotate(n=Sum("on_hand")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            last_sold_on=Subquery(last_sale),
        )
        .filter(on_hand__gt=0)
        .filter(Q(last_sold_on__isnull=True) | Q(last_sold_on__lt=since))
        .annotate(
            stock_value=ExpressionWrapper(F("on_hand") * F("cost_amount"), output_field=MONEY)
        )
        .order_by("-stock_value", "sku")
        .values("pk", "sku", "name", "on_hand", "cost_amount", "last_sold_on", "stock_value")
    )
    table = [
        {
            "label": f"{row['sku']} {row['name']}",
            "on_hand": row["on_hand"],
            "cost": row["cost_amount"],
            "value": row["stock_value"],
            "last_sold_on": row["last_sold_on"],
            "url": reverse("inventory:product", args=[row["pk"]]),
        }
        for row in rows
    ]
    total = sum((row["value"] for row in table), ZERO)
    return ReportResult(
        columns=[
            Column("label", _("Product")),
            Column("on_hand", _("On hand"), "int"),
            Column("cost", _("Unit cost"), "money"),
            Column("value", _("Stock value"), "money"),
            Column("last_sold_on", _("Last sold"), "date"),
        ],
        rows=table,
        figures=[
            (_("Products"), len(table), "int"),
            (_("Stock value"), total, "money"),
        ],
        chart={"kind": "bar", "label": "label", "value": "value"},
        note=_("No booked sale in the last %(days)s days.") % {"days": filters.days},
    )
