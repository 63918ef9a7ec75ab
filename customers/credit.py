"""Credit control: the effective limit, exposure, the checkpoint verdict and credit alerts.

Lock order: callers lock the order row first, then the customer row here
(``credit_check_lock``); finance adjusts exposure with single-row updates, so the
two never wait on each other in the opposite order.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import CreditAlert, CreditPolicy, Customer
from opms.core.money import ZERO
from opms.core.sql import column, columns, for_update, rows_fetch, table
from opms.notifications.events import TITLES, Event
from opms.notifications.services import notify

Strength = CreditPolicy.Strength
POLICY_FIELDS = [
    "id",
    "submit_check",
    "shipment_check",
    "overdue_days",
    "default_limit_amount",
    "tier_a_limit_amount",
    "tier_b_limit_amount",
    "tier_c_limit_amount",
    "alert_percent",
]


def credit_policy_get() -> CreditPolicy | None:
    return CreditPolicy.objects.first()


def credit_limit_for(customer: Customer, policy: CreditPolicy | None) -> Decimal | None:
    """The customer's own limit, else its tier's, else the company default; None = unlimited.

    An empty or zero level falls through to the next; a zero company default means
    there is no company-wide limit.
    """
    if customer.credit_limit_amount:
        return customer.credit_limit_amount
    if policy is None:
        return None
    tier_limit = getattr(policy, f"tier_{customer.tier.lower()}_limit_amount", None)
    if tier_limit:
        return tier_limit
    return policy.default_limit_amount or None


def credit_exposure(customer: Customer, *, unallocated_amount: Decimal | None = None) -> Decimal:
    """Approved orders not yet invoiced + unpaid invoices − payments not yet allocated."""
    if unallocated_amount is None:
        unallocated_amount = customer.unallocated_payment_amount
    return customer.open_order_amount + customer.receivable_amount - unallocated_amount


@dataclass(frozen=True)
class CreditFigures:
    """What the customer's credit looks like now, for the order form and finance."""

    limit_amount: Decimal | None
    exposure_amount: Decimal

    @property
    def has_limit(self) -> bool:
        return self.limit_amount is not None

    @property
    def available_amount(self) -> Decimal | None:
        return None if self.limit_amount is None else self.limit_amount - self.exposure_amount

    @property
    def used_percent(self) -> Decimal | None:
        if not self.limit_amount:
            return None
        return (self.exposure_amount * 100 / self.limit_amount).quantize(Decimal("0.1"))

    def is_short_for(self, amount: Decimal) -> bool:
        """Whether an order of this amount would go over the limit (exactly at it passes)."""
        return self.limit_amount is not None and self.exposure_amount + amount > self.limit_amount


def credit_figures(
    customer: Customer,
    *,
    policy: CreditPolicy | None = None,
    unallocated_amount: Decimal | None = None,
) -> CreditFigures:
    """The customer's effective limit and exposure; reads the policy unless given one."""
    if policy is None:
        policy = credit_policy_get()
    return CreditFigures(
        limit_amount=credit_limit_for(customer, policy),
        exposure_amount=credit_exposure(customer, unallocated_amount=unallocated_amount),
    )


@dataclass(frozen=True)
class CreditVerdict:
    strength: str
    limit_amount: Decimal | None
    exposure_amount: Decimal
    order_amount: Decimal
    overdue_days: int = 0

    @property
    def over_limit(self) -> bool:
        # Exactly at the limit passes.
        return (
            self.limit_amount is not None
            and self.exposure_amount + self.order_amount > self.limit_amount
        )

    @property
    def trips(self) -> bool:
        return self.strength != Strength.OFF and (self.over_limit or self.overdue_days > 0)

    @property
    def blocks(self) -> bool:
        return self.trips and self.strength == Strength.BLOCK

    @property
    def reason(self) -> str:
        reasons = []
        if self.over_limit:
            reasons.append(
                _("credit: exposure %(exposure)s + order %(order)s > limit %(limit)s")
                % {
                    "exposure": self.exposure_amount,
                    "order": self.order_amount,
                    "limit": self.limit_amount,
                }
            )
        if self.overdue_days:
            reasons.append(
                _("credit: an invoice is overdue by %(days)s days") % {"days": self.overdue_days}
            )
        return "; ".join(reasons)


def credit_check_lock(
    *,
    customer_id: int,
    order_amount: Decimal,
    checkpoint: str,
    is_prepaid: bool = False,
    already_counted: Decimal = ZERO,
) -> tuple[Customer, CreditVerdict]:
    """Lock the customer row and judge the order against its credit (inside the caller's
    transaction, after the order row is locked), so two concurrent submits of one customer
    are judged one after the other. ``checkpoint`` is "submit" or "shipment";
    ``already_counted`` is the part of this order already in the customer's exposure
    (at shipment: its value not yet invoiced), so it is not counted twice."""
    customer = _customer_locked_with_policy(customer_id)
    policy = None
    if customer.policy_id is not None:
        policy = CreditPolicy(
            **{name: getattr(customer, f"policy_{name}") for name in POLICY_FIELDS}
        )
    strength = Strength.OFF if policy is None else getattr(policy, f"{checkpoint}_check")
    if is_prepaid:
        strength = Strength.OFF
    verdict = CreditVerdict(
        strength=strength,
        limit_amount=credit_limit_for(customer, policy),
        exposure_amount=credit_exposure(customer) - already_counted,
        order_amount=order_amount,
        overdue_days=_days_overdue_beyond_policy(customer, policy),
    )
    customer._credit_policy = policy  # reused by credit_open_orders_add
    return customer, verdict


def _customer_locked_with_policy(customer_id: int) -> Customer:
    """Lock the customer row; the credit policy's fields ride along as policy_<name>.

    One hand-written statement (opms.core.sql): every order submit and shipment runs it,
    and the ORM's nine policy subqueries cost more to compile than to execute.
    """
    policy_columns = ", ".join(
        f"p.{column(CreditPolicy, name)} AS policy_{name}" for name in POLICY_FIELDS
    )
    sql = (
        f"SELECT {columns(Customer, 'c')}, {policy_columns} "  # noqa: S608
        f"FROM {table(Customer)} c LEFT JOIN (SELECT * FROM {table(CreditPolicy)} "
        f"ORDER BY {column(CreditPolicy, 'id')} LIMIT 1) p ON 1 = 1 "
        f"WHERE c.{column(Customer, 'id')} = %s{for_update(of='c')}"
    )
    found = rows_fetch(
        Customer,
        sql,
        [customer_id],
        extra=[CreditPolicy._meta.get_field(name) for name in POLICY_FIELDS],
    )
    if not found:
        raise Customer.DoesNotExist(f"customer {customer_id}")
    return found[0]


def _days_overdue_beyond_policy(customer: Customer, policy: CreditPolicy | None) -> int:
    """How late the oldest open invoice is, when that is more than the policy allows."""
    due_on = customer.oldest_open_invoice_due_on
    if policy is None or due_on is None:
        return 0
    late = (timezone.localdate() - due_on).days
    return late if late > policy.overdue_days else 0


def credit_alert_lines(limit: Decimal, policy: CreditPolicy) -> list[tuple[str, Decimal]]:
    near = (limit * policy.alert_percent / Decimal(100)).quantize(Decimal("0.01"))
    return [(CreditAlert.Level.NEAR_LIMIT, near), (CreditAlert.Level.OVER_LIMIT, limit)]


def credit_alert_reached(level: str, exposure: Decimal, line: Decimal) -> bool:
    # Near the limit from the alert line on; over the limit only beyond it.
    return exposure >= line if level == CreditAlert.Level.NEAR_LIMIT else exposure > line


@transaction.atomic
def credit_alert_notify(*, alert_id: int) -> bool:
    """Notify finance and the customer's sales rep of an alert, once (notified_at), in
    the app and by e-mail as each of them chose."""
    alert = (
        CreditAlert.objects.select_for_update(of=("self",))
        .select_related("customer__sales_rep")
        .get(pk=alert_id)
    )
    if alert.notified_at is not None or alert.cleared_at is not None:
        return False
    customer = alert.customer
    recipients = list(
        get_user_model().objects.filter(groups__name="finance", is_active=True).distinct()
    )
    if customer.sales_rep is not None:
        recipients.append(customer.sales_rep)
    percent = (
        (alert.exposure_amount * 100 / alert.limit_amount).quantize(Decimal("1"))
        if alert.limit_amount
        else "—"
    )
    notify(
        recipients,
        Event.CREDIT_ALERT,
        key=f"credit-alert:{alert.pk}",
        title=TITLES[Event.CREDIT_ALERT],
        url=reverse("reports:customer", args=[customer.pk]),
        params={"customer": str(customer), "percent": str(percent)},
    )
    alert.notified_at = timezone.now()
    alert.save(update_fields=["notified_at"])
    return True
