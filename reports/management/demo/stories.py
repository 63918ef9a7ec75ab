"""The orders of the demo as stories: one step per service call, each at its planned moment.

Drawn from a fixed seed for a given order count and day, so every run plans the same orders.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from orders.models import SalesOrder
from reports.management.demo import catalogue
from reports.management.demo.specs import (
    SEED,
    CustomerSpec,
    LineSpec,
    MasterPlan,
    OrderPlan,
    ProductSpec,
    Step,
    order_reference,
)

Status = SalesOrder.Status

# Which state an order of a given age ends in: young orders are open, old ones settled.
_STATE_MIX = [
    (
        5,
        {
            Status.DRAFT: 25,
            Status.PENDING_APPROVAL: 35,
            Status.APPROVED: 25,
            Status.ON_HOLD: 5,
            Status.CANCELLED: 4,
            Status.PARTIALLY_SHIPPED: 6,
        },
    ),
    (
        21,
        {
            Status.DRAFT: 8,
            Status.PENDING_APPROVAL: 12,
            Status.APPROVED: 20,
            Status.ON_HOLD: 6,
            Status.CANCELLED: 6,
            Status.PARTIALLY_SHIPPED: 20,
            Status.SHIPPED: 28,
        },
    ),
    (
        45,
        {
            Status.DRAFT: 2,
            Status.APPROVED: 3,
            Status.ON_HOLD: 3,
            Status.CANCELLED: 7,
            Status.PARTIALLY_SHIPPED: 8,
            Status.SHIPPED: 40,
            Status.CLOSED: 37,
        },
    ),
    (
        100,
        {
            Status.CANCELLED: 7,
            Status.PARTIALLY_SHIPPED: 2,
            Status.SHIPPED: 16,
            Status.CLOSED: 75,
        },
    ),
    (10_000, {Status.CANCELLED: 8, Status.SHIPPED: 4, Status.CLOSED: 88}),
]
# Orders that end holding stock, or give back stock received for them: the deliberately
# low products stay out of them, so they end below their reorder point.
_KEEP_LOW_OUT = {
    Status.PENDING_APPROVAL,
    Status.APPROVED,
    Status.ON_HOLD,
    Status.PARTIALLY_SHIPPED,
    Status.CANCELLED,
}
_LINE_COUNTS = ((1, 18), (2, 24), (3, 22), (4, 16), (5, 12), (6, 8))


def order_plans(
    *, count: int, master: MasterPlan, now: datetime, max_discount: Decimal
) -> list[OrderPlan]:
    """Draw `count` orders over the twelve months before `now`, oldest first."""
    rng = random.Random(SEED + 1)
    instants = _order_instants(count, now, rng)
    targets = [_target_for_age((now - at).days, rng) for at in instants]
    _ensure_every_state(targets)
    customers = master.customers
    weights = [customer.weight for customer in customers]
    limit = now - timedelta(minutes=5)
    plans = []
    for index, (at, target) in enumerate(zip(instants, targets, strict=True)):
        customer = rng.choices(customers, weights)[0]
        lines = _lines(rng, customer, master.products, exclude_low=target in _KEEP_LOW_OUT)
        # The story may ask a special price on a line, so take the lines after it.
        steps = _OrderPlanner(rng, customer, lines, target, at, limit, max_discount).steps()
        plans.append(
            OrderPlan(
                reference=order_reference(index),
                customer=customer.code,
                warehouse=customer.warehouse,
                sales_rep=customer.sales_rep,
                lines=tuple(lines),
                target=target,
                steps=tuple(steps),
                requested_delivery_on=timezone.localdate(at) + timedelta(days=rng.randint(3, 21)),
                note=rng.choice(catalogue.NOTES) if rng.random() < 0.3 else "",
            )
        )
    return plans


def _is_holiday(day: date) -> bool:
    spring_festival = {2025: ((1, 28), (2, 4)), 2026: ((2, 15), (2, 23)), 2027: ((2, 5), (2, 13))}
    if (day.month, day.day) == (1, 1) or (day.month == 5 and day.day <= 5):
        return True
    if day.month == 10 and day.day <= 7:
        return True
    first, last = spring_festival.get(day.year, ((0, 0), (0, 0)))
    return first <= (day.month, day.day) <= last


def _order_instants(count: int, now: datetime, rng: random.Random) -> list[datetime]:
    local_now = timezone.localtime(now)
    today = local_now.date()
    days = [today - timedelta(days=back) for back in range(365, -1, -1)]
    weights = []
    for position, day in enumerate(days):
        weight = {5: 0.12, 6: 0.03}.get(day.weekday(), 1.0)
        if _is_holiday(day):
            weight = 0.04
        weights.append(weight * (0.75 + 0.5 * position / len(days)))
    latest_today = local_now.hour * 60 + local_now.minute - 15
    instants = []
    for day in rng.choices(days, weights, k=count):
        end = 18 * 60 + 30
        if day == today:
            if latest_today <= 8 * 60 + 30:
                day -= timedelta(days=1)
            else:
                end = min(end, latest_today)
        minute = rng.randint(8 * 60 + 30, end)
        local = datetime.combine(day, time(minute // 60, minute % 60, rng.randint(0, 59)))
        instants.append(timezone.make_aware(local))
    return sorted(instants)


def _target_for_age(age_days: int, rng: random.Random) -> str:
    for max_age, mix in _STATE_MIX:
        if age_days < max_age:
            return rng.choices(list(mix), list(mix.values()))[0]
    raise AssertionError("unreachable")


def _ensure_every_state(targets: list[str]) -> None:
    """Give each state at least one order (small seeds), taking the closest-aged order."""
    open_first = [Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED, Status.ON_HOLD]
    for state in Status.values:
        if state in targets:
            continue
        newest_first = state in open_first or state == Status.PARTIALLY_SHIPPED
        order = range(len(targets) - 1, -1, -1) if newest_first else range(len(targets))
        for index in order:
            if targets.count(targets[index]) > 1:
                targets[index] = state
                break


def _lines(
    rng: random.Random, customer: CustomerSpec, products: list[ProductSpec], *, exclude_low: bool
) -> list[LineSpec]:
    count = rng.choices([n for n, _ in _LINE_COUNTS], [w for _, w in _LINE_COUNTS])[0]
    candidates = [p for p in products if not (exclude_low and p.is_low)]
    weights = [p.popularity * (4 if p.category in customer.categories else 1) for p in candidates]
    chosen: list[ProductSpec] = []
    while len(chosen) < count:
        product = rng.choices(candidates, weights)[0]
        if product not in chosen:
            chosen.append(product)
    # Now and then a project order: several times the usual quantities.
    scale = rng.randint(3, 8) if rng.random() < 0.07 else 1
    lines = []
    for product in chosen:
        quantity = rng.choice(product.quantities) * scale
        if customer.tier == "A" and rng.random() < 0.4:
            quantity *= 2
        lines.append(LineSpec(product.sku, quantity, customer.discount_percent))
    if len(lines) == 1 and lines[0].quantity == 1:
        # Two units at least, so any order can be shipped in two deliveries.
        lines[0] = LineSpec(lines[0].sku, 2, lines[0].discount_percent)
    return lines


class _OrderPlanner:
    """Writes the story of one order as steps, each a little after the last and before now."""

    def __init__(self, rng, customer, lines, target, start, limit, max_discount):
        self.rng = rng
        self.customer = customer
        self.lines = lines
        self.target = target
        self.at = start
        self.limit = limit
        self.max_discount = max_discount
        self.rep = customer.sales_rep
        self._steps: list[Step] = []
        self._invoices = 0

    def steps(self) -> list[Step]:
        self._steps = [Step("create", self.at, self.rep)]
        getattr(self, f"_story_{self.target}")()
        return self._steps

    def _add(self, action, actor, hours, **params) -> None:
        desired = timedelta(hours=self.rng.uniform(*hours))
        room = self.limit - self.at
        gap = min(desired, room * self.rng.uniform(0.3, 0.6)) if room > timedelta(0) else desired
        at = self.at + max(gap, timedelta(seconds=2))
        if action != "close":
            # People work office hours; only the system closes orders at night.
            at = _office_hours(at, self.rng, limit=self.limit)
        self.at = at
        self._steps.append(Step(action, self.at, actor, params))
        if action == "invoice":
            self._invoices += 1

    def _force_approval(self) -> None:
        """Ask a special price on one line: above the free discount, so approval is needed."""
        index = self.rng.randrange(len(self.lines))
        extra = Decimal(self.rng.choice([2, 5, 8]))
        line = self.lines[index]
        self.lines[index] = LineSpec(line.sku, line.quantity, self.max_discount + extra)

    def _approver(self) -> str:
        return "manager" if self.rng.random() < 0.15 else "approver"

    def _submit(self) -> None:
        self._add("submit", self.rep, (0.1, 3))

    def _submit_and_approve(self, *, may_reject: bool = True) -> None:
        roll = self.rng.random()
        if roll < 0.12:
            # A special price the approver grants.
            self._force_approval()
        elif may_reject and roll < 0.18:
            self._force_approval()
            self._submit()
            self._add(
                "reject", "approver", (1, 20), comment=self.rng.choice(catalogue.REJECT_REASONS)
            )
            revised = [
                LineSpec(line.sku, line.quantity, self.customer.discount_percent)
                for line in self.lines
            ]
            self._add("revise", self.rep, (2, 30), lines=revised)
        self._submit()
        self._add(
            "approve",
            self._approver(),
            (0.5, 20),
            comment=self.rng.choice(catalogue.APPROVE_COMMENTS),
        )

    # One story per final state.
    def _story_draft(self) -> None:
        if self.rng.random() < 0.35:
            self._force_approval()
            self._submit()
            self._add(
                "reject", "approver", (1, 20), comment=self.rng.choice(catalogue.REJECT_REASONS)
            )

    def _story_pending_approval(self) -> None:
        self._force_approval()
        self._submit()

    def _story_approved(self) -> None:
        self._submit_and_approve()

    def _reach(self, stage: str) -> None:
        if stage == Status.PENDING_APPROVAL:
            self._force_approval()
            self._submit()
        elif stage == Status.APPROVED:
            self._submit_and_approve(may_reject=False)

    def _story_on_hold(self) -> None:
        self._reach(self.rng.choice([Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED]))
        self._add("hold", "manager", (1, 48), comment=self.rng.choice(catalogue.HOLD_REASONS))

    def _story_cancelled(self) -> None:
        stage = self.rng.choices(
            [Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED], [35, 25, 40]
        )[0]
        self._reach(stage)
        actor = "manager" if stage == Status.APPROVED and self.rng.random() < 0.3 else self.rep
        self._add("cancel", actor, (2, 120), comment=self.rng.choice(catalogue.CANCEL_REASONS))

    def _story_partially_shipped(self) -> None:
        self._submit_and_approve()
        first, _ = self._split_quantities()
        self._ship(first)
        if self.rng.random() < 0.5:
            self._add("invoice", "finance", (2, 72), basis="shipped")
            if self.rng.random() < 0.3:
                self._pay("partial")

    def _story_shipped(self) -> None:
        self._submit_and_approve()
        self._maybe_hold_and_release()
        invoiced = self._ship_all(invoice_each=self.rng.random() < 0.5)
        if not invoiced and self.rng.random() < 0.85:
            self._add("invoice", "finance", (2, 72), basis="shipped")
            invoiced = True
        if invoiced:
            roll = self.rng.random()
            if roll < 0.1 and self._invoices >= 2:
                self._pay("first_invoice")
            elif roll < 0.4:
                self._pay("partial")

    def _story_closed(self) -> None:
        self._submit_and_approve()
        self._maybe_hold_and_release()
        if self.rng.random() < 0.08:
            # Prepayment: invoiced on the order, paid, then shipped and closed by the system.
            self._add("invoice", "finance", (1, 24), basis="ordered")
            self._pay("full", days=(1, 5))
            self._ship_all(invoice_each=False)
            self._add("close", "", (0.2, 1))
            return
        if not self._ship_all(invoice_each=self.rng.random() < 0.5):
            self._add("invoice", "finance", (2, 72), basis="shipped")
        roll = self.rng.random()
        if roll < 0.1:
            self._pay("partial")
            self._pay("full")
        else:
            self._pay("overpay" if roll > 0.96 else "full")
        if self.rng.random() < 0.01:
            # Money sent ahead for the next order: it stays on the customer as credit.
            self._add(
                "advance",
                "finance",
                (24, 240),
                amount=Decimal(self.rng.randint(1, 20) * 1000),
                method="bank_transfer",
                bank_serial=self.rng.randrange(10**10),
            )

    def _maybe_hold_and_release(self) -> None:
        if self.rng.random() < 0.04:
            self._add("hold", "manager", (1, 24), comment=self.rng.choice(catalogue.HOLD_REASONS))
            self._add(
                "release", "manager", (4, 72), comment=self.rng.choice(catalogue.RELEASE_COMMENTS)
            )

    def _split_quantities(self) -> tuple[dict[int, int], dict[int, int]]:
        """First and second shipment by line number; the first always leaves something open."""
        quantities = {number: line.quantity for number, line in enumerate(self.lines, start=1)}
        first = {}
        for number, quantity in quantities.items():
            roll = self.rng.random()
            if roll < 0.45:
                first[number] = quantity
            elif roll < 0.85 and quantity >= 2:
                first[number] = quantity // 2
        if not first:
            number = max(quantities, key=quantities.get)
            first[number] = max(1, quantities[number] // 2)
        if first == quantities:
            number = max(quantities, key=quantities.get)
            if quantities[number] >= 2:
                first[number] = quantities[number] // 2
            else:
                del first[number]
        second = {
            number: quantity - first.get(number, 0)
            for number, quantity in quantities.items()
            if quantity - first.get(number, 0) > 0
        }
        return first, second

    def _ship(self, quantities: dict[int, int]) -> None:
        carriers = catalogue.CARRIER_WEIGHTS
        carrier = self.rng.choices(list(carriers), list(carriers.values()))[0]
        self._add("ship_create", "warehouse", (3, 48), quantities=quantities)
        self._add(
            "ship_confirm",
            "warehouse",
            (1, 8),
            carrier=carrier,
            tracking_number=_tracking_number(self.rng, carrier),
        )
        if self.rng.random() < 0.9:
            self._add("ship_deliver", "warehouse", (20, 96))

    def _ship_all(self, *, invoice_each: bool) -> bool:
        """Ship everything in one or two deliveries; returns whether invoices were made."""
        if self.rng.random() < 0.18:
            first, second = self._split_quantities()
            self._ship(first)
            if invoice_each:
                self._add("invoice", "finance", (2, 48), basis="shipped")
            self._ship(second)
        else:
            self._ship({n: line.quantity for n, line in enumerate(self.lines, start=1)})
            invoice_each = invoice_each and self.rng.random() < 0.5
        if invoice_each:
            self._add("invoice", "finance", (2, 48), basis="shipped")
        return invoice_each

    def _pay(self, mode: str, days: tuple[float, float] | None = None) -> None:
        terms = self.customer.payment_terms_days
        days = days or (terms * 0.3, terms * 1.4)
        method = self.rng.choices(
            ["bank_transfer", "acceptance_bill", "alipay", "wechat_pay"], [78, 15, 4, 3]
        )[0]
        self._add(
            "pay",
            "finance",
            (days[0] * 24, days[1] * 24),
            mode=mode,
            method=method,
            fraction=Decimal(self.rng.randint(20, 70)) / 100,
            bank_serial=self.rng.randrange(10**10),
        )


def _office_hours(at: datetime, rng: random.Random, *, limit: datetime) -> datetime:
    """`at`, or the next working morning when it falls at night or on a Sunday."""
    local = timezone.localtime(at)
    if local.weekday() != 6 and time(8, 30) <= local.time() <= time(18, 30):
        return at
    day = local.date() + timedelta(days=0 if local.time() < time(8, 30) else 1)
    if day.weekday() == 6:
        day += timedelta(days=1)
    morning = timezone.make_aware(datetime.combine(day, time(8, 30)))
    moved = morning + timedelta(minutes=rng.randint(0, 120))
    return moved if moved < limit else at


def _tracking_number(rng: random.Random, carrier: str) -> str:
    prefix, length = {
        "SF": ("SF", 13),
        "ZTO": ("7", 14),
        "JD": ("JDVA", 11),
        "YTO": ("YT", 13),
        "EMS": ("1", 12),
        "OWN": ("", 0),
    }[carrier]
    if not length:
        return ""
    return prefix + "".join(rng.choice("0123456789") for _ in range(length))
