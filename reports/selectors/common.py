"""What every report shares: the filters, the booked-order scope, drill-down links, results."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import (
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
)
from django.urls import reverse
from django.utils import timezone

from orders.models import SalesOrder, SalesOrderLine

# Orders that count as sales: entered and not cancelled (drafts are not yet orders).
NOT_BOOKED = [SalesOrder.Status.DRAFT, SalesOrder.Status.CANCELLED]

MONEY = DecimalField(max_digits=18, decimal_places=2)


@dataclass(frozen=True)
class ReportFilters:
    """The filters a report understands; None = not filtered."""

    date_from: date | None = None
    date_to: date | None = None
    customer_id: int | None = None
    product_id: int | None = None
    category_id: int | None = None
    sales_rep_id: int | None = None
    team_id: int | None = None
    warehouse_id: int | None = None
    group_by: str = "month"
    days: int = 90
    factor: Decimal = Decimal("2")
    row_limit: int | None = None  # the page shows the first rows; exports take them all

    def order_query(self) -> dict[str, str]:
        """The orders-list query string that shows the booked orders behind a figure."""
        params = {"booked": "true"}
        for key, value in (
            ("order_date_from", self.date_from),
            ("order_date_to", self.date_to),
            ("customer", self.customer_id),
            ("product", self.product_id),
            ("category", self.category_id),
            ("sales_rep", self.sales_rep_id),
            ("team", self.team_id),
            ("warehouse", self.warehouse_id),
        ):
            if value is not None:
                params[key] = value.isoformat() if isinstance(value, date) else str(value)
        return params


@lru_cache(maxsize=1)
def _orders_path() -> str:
    return reverse("orders:list")


def orders_url(filters: ReportFilters | None = None, **extra) -> str:
    """Link to the orders list showing exactly the orders behind a figure."""
    params = (filters or ReportFilters()).order_query()
    for key, value in extra.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value.isoformat() if isinstance(value, date) else str(value)
    return f"{_orders_path()}?{urlencode(params)}"


def booked_orders(filters: ReportFilters | None = None) -> QuerySet[SalesOrder]:
    """Booked orders narrowed by the filters (product and category: any line matches)."""
    filters = filters or ReportFilters()
    orders = SalesOrder.objects.exclude(status__in=NOT_BOOKED)
    if filters.date_from:
        orders = orders.filter(order_date__gte=filters.date_from)
    if filters.date_to:
        orders = orders.filter(order_date__lte=filters.date_to)
    for name in ("customer_id", "sales_rep_id", "team_id", "warehouse_id"):
        value = getattr(filters, name)
        if value is not None:
            orders = orders.filter(**{name: value})
    if filters.product_id is not None or filters.category_id is not None:
        lines = SalesOrderLine.objects.filter(order=OuterRef("pk"))
        if filters.product_id is not None:
            lines = lines.filter(product_id=filters.product_id)
        if filters.category_id is not None:
            lines = lines.filter(product__category_id=filters.category_id)
        orders = orders.filter(Exists(lines))
    return orders


def booked_lines(filters: ReportFilters | None = None) -> QuerySet[SalesOrderLine]:
    """Lines of booked orders narrowed by the filters (product and category per line)."""
    filters = filters or ReportFilters()
    lines = SalesOrderLine.objects.exclude(order__status__in=NOT_BOOKED)
    if filters.date_from:
        lines = lines.filter(order__order_date__gte=filters.date_from)
    if filters.date_to:
        lines = lines.filter(order__order_date__lte=filters.date_to)
    for name in ("customer_id", "sales_rep_id", "team_id", "warehouse_id"):
        value = getattr(filters, name)
        if value is not None:
            lines = lines.filter(**{f"order__{name}": value})
    if filters.product_id is not None:
        lines = lines.filter(product_id=filters.product_id)
    if filters.category_id is not None:
        lines = lines.filter(product__category_id=filters.category_id)
    return lines


def line_cost():
    """Cost of a line at the product's current standard cost (lines keep no cost snapshot)."""
    return ExpressionWrapper(F("quantity") * F("product__cost_amount"), output_field=MONEY)


def bucket_start(grain: str, day: date) -> date:
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def bucket_end(grain: str, start: date) -> date:
    if grain == "week":
        return start + timedelta(days=6)
    if grain == "month":
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following - timedelta(days=1)
    return start


def previous_bucket(grain: str, start: date) -> date:
    if grain == "week":
        return start - timedelta(days=7)
    if grain == "month":
        return (start - timedelta(days=1)).replace(day=1)
    return start - timedelta(days=1)


class DaysBetween(Func):
    """Whole days from `start` to `end` (two dates), in the database."""

    arity = 2
    output_field = IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | int | money | percent | date | days


@dataclass
class ReportResult:
    """What a report shows: figures, a chart, one table (also the export)."""

    columns: list[Column]
    rows: list[dict]
    figures: list[tuple[str, object, str]] = field(default_factory=list)  # label, value, kind
    chart: dict | None = None  # {"kind": "bar"|"line"|"pie", "label": key, "value": key}
    computed_at: datetime = field(default_factory=timezone.now)
    note: str = ""
    row_count: int | None = None  # how many rows there are when `rows` holds the first ones

    @property
    def is_cut(self) -> bool:
        return self.row_count is not None and self.row_count > len(self.rows)
