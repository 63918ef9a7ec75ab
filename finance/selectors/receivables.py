"""Receivables: AR ageing by customer, sales rep and team, DSO, expected collections,
customer balances and statements. Reports (issue 8) read these by name."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from finance.models import CreditNote, Invoice, Payment, PaymentAllocation
from opms.core.money import ZERO

AGEING_BUCKETS = [
    ("current", _("Current")),
    ("1_30", _("1–30 days")),
    ("31_60", _("31–60 days")),
    ("61_90", _("61–90 days")),
    ("over_90", _("Over 90 days")),
]
AGEING_GROUPS = {
    "customer": ("customer_id", ("customer__code", "customer__name")),
    "sales_rep": ("customer__sales_rep_id", ("customer__sales_rep__username",)),
    "team": ("customer__team_id", ("customer__team__name",)),
}
OPEN_AMOUNT = F("total_amount") - F("allocated_amount")


def ageing_bucket_filters(as_of: date) -> dict[str, Q]:
    """The condition on an open invoice for each ageing bucket (days past due on `as_of`)."""
    return {
        "current": Q(due_on__gte=as_of) | Q(due_on__isnull=True),
        "1_30": Q(due_on__lt=as_of, due_on__gte=as_of - timedelta(days=30)),
        "31_60": Q(due_on__lt=as_of - timedelta(days=30), due_on__gte=as_of - timedelta(days=60)),
        "61_90": Q(due_on__lt=as_of - timedelta(days=60), due_on__gte=as_of - timedelta(days=90)),
        "over_90": Q(due_on__lt=as_of - timedelta(days=90)),
    }


@dataclass(frozen=True)
class AgeingRow:
    key: int | None
    label: str
    buckets: dict[str, Decimal]
    total: Decimal
    invoices: int = 0

    @property
    def amounts(self) -> list[tuple[str, Decimal]]:
        return [(name, self.buckets[name]) for name, _label in AGEING_BUCKETS]

    @property
    def overdue(self) -> Decimal:
        return self.total - self.buckets["current"]


@dataclass(frozen=True)
class Ageing:
    by: str
    as_of: date
    rows: list[AgeingRow]
    totals: AgeingRow = field(default=None)
    groups: int = 0  # how many customers / reps / teams owe anything (rows may be fewer)

    @property
    def is_cut(self) -> bool:
        return len(self.rows) < self.groups


def _of_customers(
    invoices: QuerySet[Invoice],
    *,
    customer_id: int | None,
    sales_rep_id: int | None,
    team_id: int | None,
) -> QuerySet[Invoice]:
    """Invoices of one customer or of the customers of a rep or team (the customer's account
    owner collects, as on the sales home page)."""
    if customer_id is not None:
        invoices = invoices.filter(customer_id=customer_id)
    if sales_rep_id is not None:
        invoices = invoices.filter(customer__sales_rep_id=sales_rep_id)
    if team_id is not None:
        invoices = invoices.filter(customer__team_id=team_id)
    return invoices


def ar_ageing(
    *,
    by: str = "customer",
    as_of: date | None = None,
    customer_id: int | None = None,
    sales_rep_id: int | None = None,
    team_id: int | None = None,
    limit: int | None = None,
) -> Ageing:
    """Open invoice amounts by days past due (current, 1–30, 31–60, 61–90, >90), per
    customer, sales rep or team, largest overdue first; optionally narrowed to a customer,
    a rep's or a team's customers.

    Aggregated in the database: one statement, or two with `limit` (the first `limit` rows,
    then the totals of all of them)."""
    as_of = as_of or timezone.localdate()
    key_field, label_fields = AGEING_GROUPS[by]
    filters = ageing_bucket_filters(as_of)
    invoices = _of_customers(
        Invoice.objects.filter(status__in=Invoice.OPEN),
        customer_id=customer_id,
        sales_rep_id=sales_rep_id,
        team_id=team_id,
    )
    sums = {
        f"b_{name}": Coalesce(Sum(OPEN_AMOUNT, filter=condition), ZERO)
        for name, condition in filters.items()
    }
    rows = (
        invoices.values(key_field, *label_fields)
        .annotate(**sums, total=Coalesce(Sum(OPEN_AMOUNT), ZERO), invoices=Count("pk"))
        .annotate(overdue=F("total") - F("b_current"))
        .order_by("-overdue", "-total", *label_fields, key_field)
    )
    if limit is not None:
        rows = rows[:limit]
    result = []
    for row in rows:
        label = " ".join(str(row[name]) for name in label_fields if row[name]) or str(_("(none)"))
        buckets = {name: row[f"b_{name}"] for name in filters}
        result.append(AgeingRow(row[key_field], label, buckets, row["total"], row["invoices"]))
    if limit is None:
        totals = AgeingRow(
            None,
            str(_("Total")),
            {name: sum((row.buckets[name] for row in result), ZERO) for name in filters},
            sum((row.total for row in result), ZERO),
            sum(row.invoices for row in result),
        )
        return Ageing(by=by, as_of=as_of, rows=result, totals=totals, groups=len(result))
    figures = invoices.aggregate(
        **sums,
        total=Coalesce(Sum(OPEN_AMOUNT), ZERO),
        invoices=Count("pk"),
        # Customers without a rep or team are one row too: count the missing key as 0.
        groups=Count(Coalesce(key_field, Value(0)), distinct=True),
    )
    totals = AgeingRow(
        None,
        str(_("Total")),
        {name: figures[f"b_{name}"] for name in filters},
        figures["total"],
        figures["invoices"],
    )
    return Ageing(by=by, as_of=as_of, rows=result, totals=totals, groups=figures["groups"])


def ar_ageing_invoices(
    *, by: str = "customer", key: int | None = None, bucket: str = "", as_of: date | None = None
) -> QuerySet[Invoice]:
    """The open invoices behind one cell of the ageing table (drill-down), oldest due first."""
    as_of = as_of or timezone.localdate()
    invoices = Invoice.objects.filter(status__in=Invoice.OPEN).select_related(
        "customer", "customer__sales_rep", "order"
    )
    if by in AGEING_GROUPS and key is not None:
        invoices = invoices.filter(**{AGEING_GROUPS[by][0]: key})
    if bucket:
        invoices = invoices.filter(ageing_bucket_filters(as_of)[bucket])
    return invoices.order_by("due_on", "pk")


def days_sales_outstanding(
    *,
    days: int = 90,
    as_of: date | None = None,
    customer_id: int | None = None,
    sales_rep_id: int | None = None,
    team_id: int | None = None,
) -> Decimal | None:
    """DSO = open receivables ÷ invoiced in the last `days` days × `days` (None without sales),
    for everyone or one customer, a rep's or a team's customers. One statement that reads only
    the open and the recent invoices (both indexed), never the whole invoice history."""
    as_of = as_of or timezone.localdate()
    issued = _of_customers(
        Invoice.objects.all(), customer_id=customer_id, sales_rep_id=sales_rep_id, team_id=team_id
    )
    recent = Q(issued_on__gt=as_of - timedelta(days=days), issued_on__lte=as_of) & ~Q(
        status__in=[Invoice.Status.DRAFT, Invoice.Status.VOID]
    )
    figures = issued.filter(Q(status__in=Invoice.OPEN) | recent).aggregate(
        open=Coalesce(Sum(OPEN_AMOUNT, filter=Q(status__in=Invoice.OPEN)), ZERO),
        sales=Coalesce(Sum("total_amount", filter=recent), ZERO),
    )
    if figures["sales"] <= ZERO:
        return None
    return (figures["open"] / figures["sales"] * days).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class CollectionWeek:
    starts_on: date | None
    amount: Decimal
    invoices: int

    @property
    def is_overdue(self) -> bool:
        return self.starts_on is None


def collections_expected_by_week(
    *, weeks: int = 8, as_of: date | None = None
) -> list[CollectionWeek]:
    """Open amounts by the week they fall due: first what is already overdue, then this
    week and the next `weeks` − 1 (Monday to Sunday). One statement."""
    as_of = as_of or timezone.localdate()
    monday = as_of - timedelta(days=as_of.weekday())
    starts = [monday + timedelta(weeks=n) for n in range(weeks)]
    aggregates = {
        "overdue": Coalesce(Sum(OPEN_AMOUNT, filter=Q(due_on__lt=as_of)), ZERO),
        "overdue_n": Count("pk", filter=Q(due_on__lt=as_of)),
    }
    for n, start in enumerate(starts):
        window = Q(due_on__gte=max(start, as_of), due_on__lt=start + timedelta(days=7))
        aggregates[f"w{n}"] = Coalesce(Sum(OPEN_AMOUNT, filter=window), ZERO)
        aggregates[f"w{n}_n"] = Count("pk", filter=window)
    figures = Invoice.objects.filter(status__in=Invoice.OPEN).aggregate(**aggregates)
    result = [CollectionWeek(None, figures["overdue"], figures["overdue_n"] or 0)]
    for n, start in enumerate(starts):
        result.append(CollectionWeek(start, figures[f"w{n}"], figures[f"w{n}_n"] or 0))
    return result


@dataclass(frozen=True)
class CustomerBalance:
    issued_amount: Decimal
    credit_note_amount: Decimal
    allocated_payment_amount: Decimal
    unallocated_payment_amount: Decimal
    unallocated_credit_amount: Decimal

    @property
    def receivable_amount(self) -> Decimal:
        """Issued invoices − credit notes − allocated payments (what the customer owes,
        net of credit notes not yet allocated)."""
        return self.issued_amount - self.credit_note_amount - self.allocated_payment_amount

    @property
    def net_amount(self) -> Decimal:
        """The receivable less payments not yet allocated: the customer's bottom line."""
        return self.receivable_amount - self.unallocated_payment_amount


def customer_balance(*, customer_id: int) -> CustomerBalance:
    """The customer's receivable from the documents themselves (not the cached figures)."""
    issued = (
        Invoice.objects.filter(customer_id=customer_id)
        .exclude(status__in=[Invoice.Status.DRAFT, Invoice.Status.VOID])
        .aggregate(total=Coalesce(Sum("total_amount"), ZERO))["total"]
    )
    credits = CreditNote.objects.filter(customer_id=customer_id).aggregate(
        total=Coalesce(Sum("total_amount"), ZERO),
        open=Coalesce(Sum(F("total_amount") - F("allocated_amount")), ZERO),
    )
    allocated = PaymentAllocation.objects.filter(
        payment__customer_id=customer_id, reversed_at__isnull=True
    ).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    unallocated = Payment.objects.filter(customer_id=customer_id).aggregate(
        total=Coalesce(Sum(F("amount") - F("allocated_amount")), ZERO)
    )["total"]
    return CustomerBalance(issued, credits["total"], allocated, unallocated, credits["open"])


@dataclass(frozen=True)
class CustomerStatement:
    customer: Customer
    as_of: date
    invoices: list[Invoice]
    payments: list[Payment]
    credit_notes: list[CreditNote]
    ageing: AgeingRow
    balance: CustomerBalance


def customer_statement(*, customer_id: int, as_of: date | None = None) -> CustomerStatement:
    """What the customer owes on a date: open invoices, unallocated payments and credit
    notes, the ageing of the open amount and the balance (对账单)."""
    as_of = as_of or timezone.localdate()
    customer = Customer.objects.select_related("sales_rep").get(pk=customer_id)
    invoices = list(
        Invoice.objects.filter(customer_id=customer_id, status__in=Invoice.OPEN)
        .select_related("order")
        .order_by("due_on", "pk")
    )
    payments = list(
        Payment.objects.filter(customer_id=customer_id)
        .exclude(allocated_amount=F("amount"))
        .order_by("received_on", "pk")
    )
    credit_notes = list(
        CreditNote.objects.filter(customer_id=customer_id)
        .exclude(allocated_amount=F("total_amount"))
        .order_by("issued_on", "pk")
    )
    filters = ageing_bucket_filters(as_of)
    buckets = {
        name: sum(
            (invoice.open_amount for invoice in invoices if _in_bucket(invoice, name, as_of)),
            ZERO,
        )
        for name in filters
    }
    ageing = AgeingRow(customer.pk, customer.name, buckets, sum(buckets.values(), ZERO))
    return CustomerStatement(
        customer=customer,
        as_of=as_of,
        invoices=invoices,
        payments=payments,
        credit_notes=credit_notes,
        ageing=ageing,
        balance=customer_balance(customer_id=customer_id),
    )


def _in_bucket(invoice: Invoice, bucket: str, as_of: date) -> bool:
    if invoice.due_on is None or invoice.due_on >= as_of:
        return bucket == "current"
    overdue = (as_of - invoice.due_on).days
    if overdue <= 30:
        return bucket == "1_30"
    if overdue <= 60:
        return bucket == "31_60"
    if overdue <= 90:
        return bucket == "61_90"
    return bucket == "over_90"


def invoices_due_for_reminder(*, as_of: date | None = None) -> QuerySet[Invoice]:
    """Open invoices past their due date, with what the reminder needs loaded."""
    as_of = as_of or timezone.localdate()
    return (
        Invoice.objects.filter(status__in=Invoice.OPEN, due_on__lt=as_of)
        .select_related("customer", "customer__sales_rep")
        .order_by("due_on", "pk")
    )
