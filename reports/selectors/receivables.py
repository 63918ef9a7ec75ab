"""AR ageing per customer and DSO.

Finance's receivables page has its own ageing (`finance.selectors.ar_ageing`, grouped by
customer, rep or team without filters); this report filters by customer, rep and team and
exports. Both bucket invoices by days past due the same way; folding them into one
selector is open work.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.models import Invoice
from opms.core.money import ZERO
from reports.selectors.common import MONEY, Column, ReportFilters, ReportResult, orders_url

OPEN_AMOUNT = F("total_amount") - F("allocated_amount")
DSO_DAYS = 90


def age_buckets(today):
    """(key, label, condition) per bucket of days past due."""
    return [
        ("current", _("Not yet due"), Q(due_on__gte=today) | Q(due_on__isnull=True)),
        ("d1_30", _("1–30 days"), Q(due_on__lt=today, due_on__gte=today - timedelta(days=30))),
        (
            "d31_60",
            _("31–60 days"),
            Q(due_on__lt=today - timedelta(days=30), due_on__gte=today - timedelta(days=60)),
        ),
        (
            "d61_90",
            _("61–90 days"),
            Q(due_on__lt=today - timedelta(days=60), due_on__gte=today - timedelta(days=90)),
        ),
        ("d90", _("Over 90 days"), Q(due_on__lt=today - timedelta(days=90))),
    ]


def ar_ageing_report(filters: ReportFilters) -> ReportResult:
    """Open receivables per customer in buckets of days past due, as of today; DSO (90 days)."""
    today = timezone.localdate()
    invoices = Invoice.objects.filter(status__in=Invoice.OPEN)
    if filters.customer_id is not None:
        invoices = invoices.filter(customer_id=filters.customer_id)
    if filters.sales_rep_id is not None:
        invoices = invoices.filter(order__sales_rep_id=filters.sales_rep_id)
    if filters.team_id is not None:
        invoices = invoices.filter(order__team_id=filters.team_id)
    buckets = age_buckets(today)
    sums = {
        key: Coalesce(Sum(OPEN_AMOUNT, filter=condition, output_field=MONEY), ZERO)
        for key, _label, condition in buckets
    }
    rows = (
        invoices.values("customer_id", "customer__code", "customer__name")
        .annotate(
            total=Coalesce(Sum(OPEN_AMOUNT, output_field=MONEY), ZERO), invoices=Count("pk"), **sums
        )
        .order_by("-total", "customer_id")
    )
    table = [
        {
            "label": f"{row['customer__code']} {row['customer__name']}",
            "invoices": row["invoices"],
            **{key: row[key] for key, _label, _condition in buckets},
            "total": row["total"],
            "url": orders_url(ReportFilters(customer_id=row["customer_id"]), booked=None),
        }
        for row in rows
    ]
    totals = invoices.aggregate(total=Coalesce(Sum(OPEN_AMOUNT, output_field=MONEY), ZERO), **sums)
    issued = Invoice.objects.exclude(status__in=[Invoice.Status.DRAFT, Invoice.Status.VOID])
    if filters.customer_id is not None:
        issued = issued.filter(customer_id=filters.customer_id)
    invoiced = issued.aggregate(
        total=Coalesce(
            Sum(
                "total_amount",
                filter=Q(issued_on__gte=today - timedelta(days=DSO_DAYS - 1), issued_on__lte=today),
            ),
            ZERO,
        )
    )["total"]
    dso = (totals["total"] * DSO_DAYS / invoiced).quantize(Decimal("0.1")) if invoiced else None
    overdue = totals["total"] - totals["current"]
    return ReportResult(
        columns=[
            Column("label", _("Customer")),
            Column("invoices", _("Open invoices"), "int"),
            *[Column(key, label, "money") for key, label, _condition in buckets],
            Column("total", _("Total open"), "money"),
        ],
        rows=table,
        figures=[
            (_("Total open"), totals["total"], "money"),
            (_("Overdue"), overdue, "money"),
            (_("DSO (days, last 90 days)"), dso, "days"),
        ],
        chart={
            "kind": "bar",
            "label": "bucket",
            "value": "amount",
            "series": [
                {"bucket": str(label), "amount": totals[key]} for key, label, _condition in buckets
            ],
            "url": reverse("finance:invoices") + "?overdue=true",
        },
        note=_("DSO = open receivables × 90 / invoiced in the last 90 days."),
    )
