"""The catalogue of reports: slug, title, which filters it reads, the function that computes it."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from inventory.models import Product, ProductCategory
from inventory.selectors import warehouse_list
from opms.accounts.models import Team
from opms.accounts.roles import Role
from opms.accounts.selectors import users_in_role
from reports.selectors.common import ReportFilters, ReportResult
from reports.selectors.operations import cycle_time_report, slow_stock_report
from reports.selectors.receivables import ar_ageing_report
from reports.selectors.sales import (
    churn_risk_report,
    complaint_rate_report,
    customer_contribution_report,
    sales_report,
)

PERIOD_FILTERS = ("period", "date_from", "date_to")
DIMENSIONS = ("customer", "product", "category", "sales_rep", "team", "warehouse")


@dataclass(frozen=True)
class ReportDefinition:
    slug: str
    title: str
    description: str
    compute: object
    filters: tuple[str, ...]


REPORTS = {
    report.slug: report
    for report in [
        ReportDefinition(
            "sales",
            _("Sales and gross profit"),
            _(
                "Net sales, cost, gross profit and margin by period, product, category, "
                "customer, sales rep, team or warehouse."
            ),
            sales_report,
            (*PERIOD_FILTERS, *DIMENSIONS, "group_by"),
        ),
        ReportDefinition(
            "ar-ageing",
            _("Receivables ageing and DSO"),
            _("Open invoices per customer by days past due; days sales outstanding."),
            ar_ageing_report,
            ("customer", "sales_rep", "team"),
        ),
        ReportDefinition(
            "cycle-times",
            _("Order cycle times"),
            _("Entry → approval → shipped → paid: median and p90 per step; the slowest orders."),
            cycle_time_report,
            (*PERIOD_FILTERS, *DIMENSIONS),
        ),
        ReportDefinition(
            "customer-contribution",
            _("Customer contribution (ABC, RFM)"),
            _("Customers by share of sales (Pareto ABC) with recency, frequency, monetary scores."),
            customer_contribution_report,
            (*PERIOD_FILTERS, "product", "category", "sales_rep", "team", "warehouse"),
        ),
        ReportDefinition(
            "slow-stock",
            _("Slow-moving and dead stock"),
            _("Products in stock with no sale in the last N days, with their stock value."),
            slow_stock_report,
            ("days", "product", "category", "warehouse"),
        ),
        ReportDefinition(
            "churn-risk",
            _("Customers at risk of churn"),
            _("Customers whose time since their last order exceeds k × their usual interval."),
            churn_risk_report,
            ("factor", "sales_rep", "team"),
        ),
        ReportDefinition(
            "complaints",
            _("Complaint rates"),
            _("Complaints per customer against the orders they booked in the period."),
            complaint_rate_report,
            (*PERIOD_FILTERS, "customer", "sales_rep", "team"),
        ),
    ]
}

PERIODS = {
    "this_month": _("This month"),
    "last_month": _("Last month"),
    "this_quarter": _("This quarter"),
    "this_year": _("This year"),
    "last_year": _("Last year"),
    "last_30_days": _("Last 30 days"),
    "last_12_months": _("Last 12 months"),
    "custom": _("Custom dates"),
}


def period_dates(period: str, today: date) -> tuple[date | None, date | None]:
    """The dates of a named period, relative to `today` (so subscriptions roll forward)."""
    month_start = today.replace(day=1)
    if period == "this_month":
        return month_start, today
    if period == "last_month":
        end = month_start - timedelta(days=1)
        return end.replace(day=1), end
    if period == "this_quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if period == "this_year":
        return today.replace(month=1, day=1), today
    if period == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if period == "last_30_days":
        return today - timedelta(days=29), today
    if period == "last_12_months":
        year, month = today.year, today.month - 11
        if month <= 0:
            year, month = year - 1, month + 12
        return date(year, month, 1), today
    return None, None


def filter_choices() -> dict[str, list[tuple[int, str]]]:
    """The short lists a report form offers as selects (one query each, small tables)."""
    return {
        "category": list(ProductCategory.objects.order_by("code").values_list("pk", "name")),
        "sales_rep": [
            (user.pk, user.get_full_name() or user.username)
            for user in users_in_role(Role.SALES).order_by("username")
        ],
        "team": list(Team.objects.order_by("name").values_list("pk", "name")),
        "warehouse": list(warehouse_list().values_list("pk", "name")),
    }


def _lookup(model, field: str, value) -> int | None:
    """A customer code or product SKU typed in the form, or an id from a drill-down link."""
    if value in (None, ""):
        return None
    if str(value).isdigit():
        return int(value)
    found = model.objects.filter(**{field: str(value).strip()}).values_list("pk", flat=True).first()
    return found if found is not None else -1


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def filters_from(params, *, today: date | None = None) -> ReportFilters:
    """Parse report filters from a query dict (bad values are ignored, never an error)."""
    today = today or timezone.localdate()
    period = params.get("period") or "this_year"
    if period == "custom":
        date_from, date_to = _date(params.get("date_from")), _date(params.get("date_to"))
    else:
        date_from, date_to = period_dates(period, today)
    try:
        factor = Decimal(params.get("factor") or "2")
    except InvalidOperation:
        factor = Decimal("2")
    return ReportFilters(
        date_from=date_from,
        date_to=date_to,
        customer_id=_lookup(Customer, "code__iexact", params.get("customer")),
        product_id=_lookup(Product, "sku__iexact", params.get("product")),
        category_id=_int(params.get("category")),
        sales_rep_id=_int(params.get("sales_rep")),
        team_id=_int(params.get("team")),
        warehouse_id=_int(params.get("warehouse")),
        group_by=params.get("group_by") or "month",
        days=min(max(_int(params.get("days")) or 90, 1), 3650),
        factor=min(max(factor, Decimal("1")), Decimal("20")),
    )


def report_get(slug: str) -> ReportDefinition | None:
    return REPORTS.get(slug)


def report_compute(
    slug: str, params, *, today: date | None = None, row_limit: int | None = None
) -> ReportResult:
    """The report for these parameters; with `row_limit` the long tables (a row per customer
    or product) hold their first rows only, figures and totals still cover everything."""
    definition = REPORTS[slug]
    filters = filters_from(params, today=today)
    filters = ReportFilters(**{**filters.__dict__, "row_limit": row_limit})
    if "period" not in definition.filters and "date_to" not in definition.filters:
        filters = ReportFilters(**{**filters.__dict__, "date_from": None, "date_to": None})
    return definition.compute(filters)


def filters_description(definition: ReportDefinition, params, *, today: date | None = None) -> str:
    """The filters in words, for the export header (ids as given, dates resolved)."""
    filters = filters_from(params, today=today)
    parts = []
    if "period" in definition.filters and (filters.date_from or filters.date_to):
        parts.append(
            _("Period: %(start)s – %(end)s")
            % {"start": filters.date_from or "…", "end": filters.date_to or "…"}
        )
    for name in DIMENSIONS:
        if name in definition.filters and params.get(name):
            parts.append(f"{name}={params.get(name)}")
    if "group_by" in definition.filters:
        parts.append(_("Grouped by: %(group)s") % {"group": GROUPS.get(filters.group_by, "")})
    if "days" in definition.filters:
        parts.append(_("No sale in %(days)s days") % {"days": filters.days})
    if "factor" in definition.filters:
        parts.append(_("k = %(factor)s") % {"factor": filters.factor})
    return " · ".join(str(part) for part in parts)


GROUPS = {
    "month": _("Month"),
    "week": _("Week"),
    "day": _("Day"),
    "product": _("Product"),
    "category": _("Category"),
    "customer": _("Customer"),
    "sales_rep": _("Sales rep"),
    "team": _("Team"),
    "warehouse": _("Warehouse"),
}
