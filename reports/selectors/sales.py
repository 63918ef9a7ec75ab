"""Sales reports: by time / product / category / customer / rep, with gross profit;
customer contribution (ABC and RFM), churn risk, complaint rates."""

from decimal import Decimal

from django.db.models import (
    Count,
    F,
    Max,
    Min,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Ntile, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Complaint, Customer
from opms.core.money import ZERO
from reports.models import (
    DailyCategorySales,
    DailyRepSales,
    DailySales,
    MonthlyCustomerSales,
    MonthlyProductSales,
    YearlyCustomerSales,
)
from reports.selectors.common import (
    MONEY,
    Column,
    DaysBetween,
    ReportFilters,
    ReportResult,
    booked_lines,
    booked_orders,
    bucket_end,
    line_cost,
    orders_url,
    percent,
)
from reports.selectors.dashboard import summary_age

NET = F("total_amount") - F("tax_amount")

# group_by → (value expression or field, label fields, filter field it drills into)
SALES_GROUPS = {
    "day": (TruncDay("order__order_date"), None),
    "week": (TruncWeek("order__order_date"), None),
    "month": (TruncMonth("order__order_date"), None),
    "product": ("product_id", ("product__sku", "product__name")),
    "category": ("product__category_id", ("product__category__name",)),
    "customer": ("order__customer_id", ("order__customer__code", "order__customer__name")),
    "sales_rep": ("order__sales_rep_id", ("order__sales_rep__username",)),
    "team": ("order__team_id", ("order__team__name",)),
    "warehouse": ("order__warehouse_id", ("order__warehouse__name",)),
}
DRILL_FILTER = {
    "product": "product_id",
    "category": "category_id",
    "customer": "customer_id",
    "sales_rep": "sales_rep_id",
    "team": "team_id",
    "warehouse": "warehouse_id",
}


SUMMARY_GROUPS = {
    "day": TruncDay("day"),
    "week": TruncWeek("day"),
    "month": TruncMonth("day"),
    "category": "category_id",
}


def _answers_from_summary(filters: ReportFilters, group: str) -> bool:
    """Period and category alone, by time or category: the daily summary has the answer."""
    return group in SUMMARY_GROUPS and all(
        getattr(filters, name) is None
        for name in ("customer_id", "product_id", "sales_rep_id", "team_id", "warehouse_id")
    )


# group_by → (value expression or field, label field) in the daily rep/team/warehouse summary
REP_GROUPS = {
    "day": (TruncDay("day"), None),
    "week": (TruncWeek("day"), None),
    "month": (TruncMonth("day"), None),
    "sales_rep": ("sales_rep_id", "sales_rep_label"),
    "team": ("team_id", "team_label"),
    "warehouse": ("warehouse_id", "warehouse_label"),
}


def _rep_days(filters: ReportFilters, group: str):
    """The daily rep/team/warehouse summary for `filters`, or None when it cannot answer
    exactly (a customer, product or category filter, or no summary yet)."""
    if group not in REP_GROUPS or any(
        getattr(filters, name) is not None for name in ("customer_id", "product_id", "category_id")
    ):
        return None
    summary = summary_age()
    if summary is None:
        return None
    days = DailyRepSales.objects.all()
    if filters.date_from:
        days = days.filter(day__gte=filters.date_from)
    if filters.date_to:
        days = days.filter(day__lte=filters.date_to)
    for name in ("sales_rep_id", "team_id", "warehouse_id"):
        if getattr(filters, name) is not None:
            days = days.filter(**{name: getattr(filters, name)})
    return days, summary


def sales_report(filters: ReportFilters) -> ReportResult:
    """Net sales, cost, gross profit and margin per period or per dimension."""
    group = filters.group_by if filters.group_by in SALES_GROUPS else "month"
    key, label_fields = SALES_GROUPS[group]
    summary = _answers_from_summary(filters, group) and summary_age()
    if summary:
        by_category = group == "category" or filters.category_id is not None
        lines = DailyCategorySales.objects.all() if by_category else DailySales.objects.all()
        if filters.date_from:
            lines = lines.filter(day__gte=filters.date_from)
        if filters.date_to:
            lines = lines.filter(day__lte=filters.date_to)
        if filters.category_id is not None:
            lines = lines.filter(category_id=filters.category_id)
        key = SUMMARY_GROUPS[group]
        label_fields = ("category_name",) if group == "category" else None
        if isinstance(key, str):
            rows = lines.values(key, *label_fields)
        else:
            rows = lines.annotate(key=key).values("key")
            key = "key"
        rows = rows.annotate(
            orders=Sum("orders"),
            units=Sum("units"),
            net=Sum("net_amount"),
            cost=Sum("cost_amount"),
        ).order_by("-net" if label_fields else key)
        totals = lines.aggregate(
            net=Coalesce(Sum("net_amount"), ZERO), cost=Coalesce(Sum("cost_amount"), ZERO)
        )
        days = DailySales.objects.all()
        if filters.date_from:
            days = days.filter(day__gte=filters.date_from)
        if filters.date_to:
            days = days.filter(day__lte=filters.date_to)
        order_count = (
            lines.aggregate(n=Coalesce(Sum("orders"), 0))["n"]
            if filters.category_id is not None
            else days.aggregate(n=Coalesce(Sum("orders"), 0))["n"]
        )
        return _sales_result(filters, group, key, label_fields, rows, totals, order_count, summary)
    rep_days = _rep_days(filters, group)
    if rep_days is not None:
        days, summary = rep_days
        key, label_field = REP_GROUPS[group]
        label_fields = (label_field,) if label_field else None
        if label_fields:
            rows = days.values(key, label_field)
        else:
            rows = days.annotate(key=key).values("key")
            key = "key"
        rows = rows.annotate(
            orders=Sum("orders"),
            units=Sum("units"),
            net=Sum("net_amount"),
            cost=Sum("cost_amount"),
        ).order_by("-net" if label_fields else key)
        totals = days.aggregate(
            net=Coalesce(Sum("net_amount"), ZERO),
            cost=Coalesce(Sum("cost_amount"), ZERO),
            orders=Coalesce(Sum("orders"), 0),
        )
        return _sales_result(
            filters, group, key, label_fields, rows, totals, totals["orders"], summary
        )
    monthly = _monthly_rows(filters, group)
    if monthly is not None:
        months, label_field, summary = monthly
        rows = (
            months.values(DRILL_FILTER[group], label_field)
            .annotate(
                orders=Sum("orders"),
                units=Sum("units"),
                net=Sum("net_amount"),
                cost=Sum("cost_amount"),
            )
            .order_by("-net", DRILL_FILTER[group])
        )
        totals = months.aggregate(
            net=Coalesce(Sum("net_amount"), ZERO),
            cost=Coalesce(Sum("cost_amount"), ZERO),
            orders=Coalesce(Sum("orders"), 0),
            groups=Count(DRILL_FILTER[group], distinct=True),
        )
        if filters.row_limit is not None:
            rows = rows[: filters.row_limit]
        if group == "customer" or filters.product_id is not None:
            order_count = totals["orders"]
        else:
            days = DailySales.objects.all()
            if filters.date_from:
                days = days.filter(day__gte=filters.date_from)
            if filters.date_to:
                days = days.filter(day__lte=filters.date_to)
            order_count = days.aggregate(n=Coalesce(Sum("orders"), 0))["n"]
        return _sales_result(
            filters,
            group,
            DRILL_FILTER[group],
            (label_field,),
            rows,
            totals,
            order_count,
            summary,
            row_count=totals["groups"],
        )
    lines = booked_lines(filters)
    if isinstance(key, str):
        rows = lines.values(key, *label_fields)
    else:
        rows = lines.annotate(key=key).values("key")
        key = "key"
    rows = rows.annotate(
        orders=Count("order_id", distinct=True),
        units=Sum("quantity"),
        net=Sum("net_amount"),
        cost=Sum(line_cost(), output_field=MONEY),
    ).order_by("-net" if label_fields else key)
    many = group in ("customer", "product") and filters.row_limit is not None
    totals = lines.aggregate(
        net=Coalesce(Sum("net_amount"), ZERO),
        cost=Coalesce(Sum(line_cost(), output_field=MONEY), ZERO),
        **({"groups": Count(key, distinct=True)} if many else {}),
    )
    if many:
        rows = rows.order_by("-net", key)[: filters.row_limit]
    order_count = booked_orders(filters).aggregate(n=Count("pk"))["n"]
    return _sales_result(
        filters,
        group,
        key,
        label_fields,
        rows,
        totals,
        order_count,
        None,
        row_count=totals.get("groups"),
    )


def _sales_result(
    filters, group, key, label_fields, rows, totals, order_count, summary, row_count=None
):
    table = []
    for row in rows:
        value = row[key]
        if label_fields:
            label = " ".join(str(row[name] or "—") for name in label_fields)
            drill = ReportFilters(**{**filters.__dict__, DRILL_FILTER[group]: value})
        else:
            day = value.date() if hasattr(value, "hour") else value
            label = day.strftime("%Y-%m" if group == "month" else "%Y-%m-%d")
            drill = _period_filters(filters, group, day)
        profit = row["net"] - row["cost"]
        table.append(
            {
                "label": label,
                "orders": row["orders"],
                "quantity": row["units"],
                "net": row["net"],
                "cost": row["cost"],
                "profit": profit,
                "margin": percent(profit, row["net"]),
                "url": orders_url(drill),
            }
        )
    profit = totals["net"] - totals["cost"]
    return ReportResult(
        columns=[
            Column("label", _("Group")),
            Column("orders", _("Orders"), "int"),
            Column("quantity", _("Quantity"), "int"),
            Column("net", _("Net sales"), "money"),
            Column("cost", _("Cost"), "money"),
            Column("profit", _("Gross profit"), "money"),
            Column("margin", _("Margin %"), "percent"),
        ],
        rows=table,
        figures=[
            (_("Net sales"), totals["net"], "money"),
            (_("Gross profit"), profit, "money"),
            (_("Margin %"), percent(profit, totals["net"]), "percent"),
            (_("Orders"), order_count, "int"),
        ],
        chart={"kind": "bar", "label": "label", "value": "net"},
        note=_("Cost is the product's current standard cost; sales are booked orders, net of tax."),
        row_count=row_count,
        **({"computed_at": summary.refreshed_at} if summary else {}),
    )


def _period_filters(filters: ReportFilters, group: str, start) -> ReportFilters:
    end = bucket_end(group, start)
    if filters.date_from and filters.date_from > start:
        start = filters.date_from
    if filters.date_to and filters.date_to < end:
        end = filters.date_to
    return ReportFilters(**{**filters.__dict__, "date_from": start, "date_to": end})


def _month_aligned(filters: ReportFilters, summary) -> bool:
    """Whether the period is whole months (or runs to the summary's day)."""
    if filters.date_from and filters.date_from.day != 1:
        return False
    end = filters.date_to
    return not (
        end and end < timezone.localdate(summary.refreshed_at) and bucket_end("month", end) != end
    )


def _year_aligned(filters: ReportFilters, summary) -> bool:
    """Whether the period is whole calendar years (or runs to the summary's day)."""
    start, end = filters.date_from, filters.date_to
    if start and (start.month, start.day) != (1, 1):
        return False
    return not (
        end and end < timezone.localdate(summary.refreshed_at) and (end.month, end.day) != (12, 31)
    )


def _monthly_rows(filters: ReportFilters, group: str):
    """Sales by customer or by product over whole months from the monthly summaries."""
    models = {
        "customer": (MonthlyCustomerSales, "customer_id", "customer_label"),
        "product": (MonthlyProductSales, "product_id", "product_label"),
    }
    if group not in models:
        return None
    model, own_filter, label_field = models[group]
    others = {"customer_id", "product_id", "category_id", "sales_rep_id", "team_id"}
    others |= {"warehouse_id"}
    others.discard(own_filter)
    if any(getattr(filters, name) is not None for name in others):
        return None
    summary = summary_age()
    if summary is None or not _month_aligned(filters, summary):
        return None
    if group == "customer" and _year_aligned(filters, summary):
        months = YearlyCustomerSales.objects.all()
        if filters.date_from:
            months = months.filter(year__gte=filters.date_from)
        if filters.date_to:
            months = months.filter(year__lte=filters.date_to)
    else:
        months = model.objects.all()
        if filters.date_from:
            months = months.filter(month__gte=filters.date_from)
        if filters.date_to:
            months = months.filter(month__lte=filters.date_to)
    if getattr(filters, own_filter) is not None:
        months = months.filter(**{own_filter: getattr(filters, own_filter)})
    return months, label_field, summary


def _customer_months(filters: ReportFilters):
    """The monthly customer summary for `filters`, or None when it cannot answer exactly
    (a filter it does not carry, or a period that cuts a month)."""
    if any(
        getattr(filters, name) is not None
        for name in ("product_id", "category_id", "sales_rep_id", "team_id", "warehouse_id")
    ):
        return None
    summary = summary_age()
    if summary is None or not _month_aligned(filters, summary):
        return None
    end = filters.date_to
    months = MonthlyCustomerSales.objects.all()
    if filters.date_from:
        months = months.filter(month__gte=filters.date_from)
    if end:
        months = months.filter(month__lte=end)
    if filters.customer_id is not None:
        months = months.filter(customer_id=filters.customer_id)
    return months


def _customer_label(row: dict) -> str:
    return row.get("customer_label") or f"{row['customer__code']} {row['customer__name']}"


def customer_contribution_report(filters: ReportFilters) -> ReportResult:
    """ABC by cumulative share of net sales (A ≤ 80 %, B ≤ 95 %, C rest) and RFM scores 1–5."""
    today = filters.date_to or timezone.localdate()
    months = _customer_months(filters)
    if months is not None:
        per_customer = months.values("customer_id", "customer_label").annotate(
            net=Sum("net_amount"), orders=Sum("orders"), last_order_on=Max("last_order_on")
        )
    else:
        per_customer = (
            booked_orders(filters)
            .values("customer_id", "customer__code", "customer__name")
            .annotate(
                net=Sum(NET, output_field=MONEY),
                orders=Count("pk"),
                last_order_on=Max("order_date"),
            )
        )
    per_customer = per_customer.annotate(
        recency_score=Window(Ntile(5), order_by=F("last_order_on").asc()),
        frequency_score=Window(Ntile(5), order_by=F("orders").asc()),
        monetary_score=Window(Ntile(5), order_by=F("net").asc()),
    ).order_by("-net", "customer_id")
    rows = list(per_customer)
    # The cumulative share runs over the per-customer rows the table shows anyway.
    total = sum((row["net"] for row in rows), ZERO)
    table, running = [], ZERO
    for row in rows:
        running += row["net"]
        share = percent(running, total) or Decimal(0)
        table.append(
            {
                "label": _customer_label(row),
                "net": row["net"],
                "share": percent(row["net"], total),
                "cumulative": share,
                "abc": "A" if share <= 80 else "B" if share <= 95 else "C",
                "orders": row["orders"],
                "recency": (today - row["last_order_on"]).days,
                "rfm": f"{row['recency_score']}{row['frequency_score']}{row['monetary_score']}",
                "url": orders_url(
                    ReportFilters(**{**filters.__dict__, "customer_id": row["customer_id"]})
                ),
            }
        )
    counts = {grade: sum(1 for row in table if row["abc"] == grade) for grade in "ABC"}
    return ReportResult(
        columns=[
            Column("label", _("Customer")),
            Column("net", _("Net sales"), "money"),
            Column("share", _("Share %"), "percent"),
            Column("cumulative", _("Cumulative %"), "percent"),
            Column("abc", _("Class")),
            Column("orders", _("Orders"), "int"),
            Column("recency", _("Days since last order"), "int"),
            Column("rfm", _("RFM score")),
        ],
        rows=table,
        figures=[
            (_("Net sales"), total, "money"),
            (_("A customers"), counts["A"], "int"),
            (_("B customers"), counts["B"], "int"),
            (_("C customers"), counts["C"], "int"),
        ],
        chart={"kind": "pareto", "label": "label", "value": "net", "line": "cumulative"},
        note=_("A: the customers making the first 80 % of sales, B: the next 15 %, C: the rest."),
    )


def churn_risk_report(filters: ReportFilters) -> ReportResult:
    """Customers whose days since the last order exceed k × their usual interval."""
    today = filters.date_to or timezone.localdate()
    scoped = ReportFilters(**{**filters.__dict__, "date_from": None, "date_to": today})
    months = _customer_months(scoped)
    if months is not None:
        per_customer = months.values("customer_id", "customer_label").annotate(
            orders=Sum("orders"), first_on=Min("first_order_on"), last_on=Max("last_order_on")
        )
    else:
        per_customer = (
            booked_orders(scoped)
            .values("customer_id", "customer__code", "customer__name")
            .annotate(orders=Count("pk"), first_on=Min("order_date"), last_on=Max("order_date"))
        )
    rows = (
        per_customer.filter(orders__gte=2)
        .annotate(
            span=DaysBetween(F("last_on"), F("first_on")),
            since=DaysBetween(Value(today), F("last_on")),
        )
        .filter(since__gt=F("span") * filters.factor / (F("orders") - 1))
        .order_by("-since", "customer_id")
    )
    table = [
        {
            "label": _customer_label(row),
            "orders": row["orders"],
            "last_on": row["last_on"],
            "interval": Decimal(row["span"]) / (row["orders"] - 1),
            "since": row["since"],
            "url": orders_url(ReportFilters(customer_id=row["customer_id"])),
        }
        for row in rows
    ]
    return ReportResult(
        columns=[
            Column("label", _("Customer")),
            Column("orders", _("Orders"), "int"),
            Column("last_on", _("Last order"), "date"),
            Column("interval", _("Usual interval (days)"), "days"),
            Column("since", _("Days since last order"), "int"),
        ],
        rows=table,
        figures=[(_("Customers at risk"), len(table), "int")],
        chart={"kind": "bar", "label": "label", "value": "since"},
        note=_(
            "Customers with at least two orders whose silence exceeds %(k)s × their usual interval."
        )
        % {"k": filters.factor},
    )


def complaint_rate_report(filters: ReportFilters) -> ReportResult:
    """Complaints logged per customer in the period against the orders they booked.

    Two grouped scans (orders, complaints) merged by customer: one pass over the orders
    instead of one lookup per customer."""
    complaints = Complaint.objects.all()
    if filters.date_from:
        complaints = complaints.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        complaints = complaints.filter(created_at__date__lte=filters.date_to)
    customers = Customer.objects.all()
    if filters.customer_id is not None:
        customers = customers.filter(pk=filters.customer_id)
    if filters.sales_rep_id is not None:
        customers = customers.filter(sales_rep_id=filters.sales_rep_id)
    if filters.team_id is not None:
        customers = customers.filter(team_id=filters.team_id)
    order_counts = dict(
        booked_orders(ReportFilters(**{**filters.__dict__, "sales_rep_id": None, "team_id": None}))
        .filter(customer__in=customers)
        .values_list("customer_id")
        .annotate(n=Count("pk"))
        .values_list("customer_id", "n")
    )
    complaint_counts = dict(
        complaints.filter(customer__in=customers)
        .values_list("customer_id")
        .annotate(n=Count("pk"))
        .values_list("customer_id", "n")
    )
    info = {
        pk: (code, name)
        for pk, code, name in customers.filter(
            pk__in=set(order_counts) | set(complaint_counts)
        ).values_list("pk", "code", "name")
    }
    rows = sorted(
        (
            {
                "pk": pk,
                "code": info[pk][0],
                "name": info[pk][1],
                "complaint_count": complaint_counts.get(pk, 0),
                "order_count": order_counts.get(pk, 0),
            }
            for pk in info
        ),
        key=lambda row: (-row["complaint_count"], row["code"]),
    )
    table = [
        {
            "label": f"{row['code']} {row['name']}",
            "orders": row["order_count"],
            "complaints": row["complaint_count"],
            "rate": percent(row["complaint_count"], row["order_count"]),
            "url": orders_url(ReportFilters(**{**filters.__dict__, "customer_id": row["pk"]})),
        }
        for row in rows
    ]
    total_orders = sum(row["orders"] for row in table)
    total_complaints = sum(row["complaints"] for row in table)
    return ReportResult(
        columns=[
            Column("label", _("Customer")),
            Column("orders", _("Orders"), "int"),
            Column("complaints", _("Complaints"), "int"),
            Column("rate", _("Complaints per 100 orders"), "percent"),
        ],
        rows=table,
        figures=[
            (_("Complaints"), total_complaints, "int"),
            (_("Complaints per 100 orders"), percent(total_complaints, total_orders), "percent"),
        ],
        chart={"kind": "bar", "label": "label", "value": "complaints"},
        note=_("Returns are added to this report when the returns module lands."),
    )
