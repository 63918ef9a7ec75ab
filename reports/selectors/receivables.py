"""The AR ageing report: finance's ageing and DSO (`finance.selectors.ar_ageing`, the one
ageing of OPMS) per customer, narrowed by customer, rep or team, as a report that exports."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.selectors import AGEING_BUCKETS, ar_ageing, days_sales_outstanding
from reports.selectors.common import Column, ReportFilters, ReportResult, orders_url

DSO_DAYS = 90

# The report's column keys (kept for exports and subscriptions) of finance's buckets.
REPORT_KEYS = {
    "current": "current",
    "1_30": "d1_30",
    "31_60": "d31_60",
    "61_90": "d61_90",
    "over_90": "d90",
}


def ar_ageing_report(filters: ReportFilters) -> ReportResult:
    """Open receivables per customer in buckets of days past due, as of today; DSO (90 days).

    Two or three statements whatever the number of customers: the rows (the first
    `filters.row_limit` when set), the totals, DSO."""
    today = timezone.localdate()
    scope = {
        "customer_id": filters.customer_id,
        "sales_rep_id": filters.sales_rep_id,
        "team_id": filters.team_id,
    }
    ageing = ar_ageing(by="customer", as_of=today, limit=filters.row_limit, **scope)
    table = [
        {
            "label": row.label,
            "invoices": row.invoices,
            **{REPORT_KEYS[name]: amount for name, amount in row.amounts},
            "total": row.total,
            "url": orders_url(ReportFilters(customer_id=row.key), booked=None),
        }
        for row in ageing.rows
    ]
    totals = ageing.totals
    dso = days_sales_outstanding(days=DSO_DAYS, as_of=today, **scope)
    return ReportResult(
        columns=[
            Column("label", _("Customer")),
            Column("invoices", _("Open invoices"), "int"),
            *[Column(REPORT_KEYS[name], label, "money") for name, label in AGEING_BUCKETS],
            Column("total", _("Total open"), "money"),
        ],
        rows=table,
        row_count=ageing.groups,
        figures=[
            (_("Total open"), totals.total, "money"),
            (_("Overdue"), totals.overdue, "money"),
            (_("DSO (days, last 90 days)"), dso, "days"),
        ],
        chart={
            "kind": "bar",
            "label": "bucket",
            "value": "amount",
            "series": [
                {"bucket": str(label), "amount": totals.buckets[name]}
                for name, label in AGEING_BUCKETS
            ],
            "url": reverse("finance:invoices") + "?overdue=true",
        },
        note=_(
            "DSO = open receivables × 90 / invoiced in the last 90 days. A rep's or team's "
            "receivables are those of the customers they look after."
        ),
    )
