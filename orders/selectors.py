"""Every non-trivial read of orders and shipments, with its joins done."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.pricing import price_quote, price_rules_for
from customers.selectors import sales_scope_of
from inventory.models import Product, Warehouse
from inventory.selectors import available_by_product
from opms.core.history import history_entries
from opms.core.money import ZERO, round_money
from orders.models import (
    ApprovalDecision,
    ApprovalDelegation,
    ApprovalRule,
    ApprovalStep,
    LineReservation,
    OrderEvent,
    SalesOrder,
    SalesOrderLine,
    SalesReturn,
    SalesReturnLine,
    Shipment,
    ShipmentLine,
)
from orders.services.chain import (
    ApproverDirectory,
    approval_rules_load,
    role_discount_of,
    rules_need_team_leader,
    team_leader_of,
)
from orders.services.common import line_amounts
from orders.services.routing import OrderFacts, approval_chain_plan, margin_percent

LIST_ORDERINGS = {
    "created": "-created_at",
    "-created": "created_at",
    "date": "order_date",
    "-date": "-order_date",
    "total": "total_amount",
    "-total": "-total_amount",
    "number": "number",
    "-number": "-number",
}


def order_list(*, user) -> QuerySet[SalesOrder]:
    """Orders the user may see, with what the list shows joined in."""
    orders = SalesOrder.objects.select_related("customer", "sales_rep")
    return orders_visible_to(orders, user)


def orders_visible_to(orders: QuerySet[SalesOrder], user) -> QuerySet[SalesOrder]:
    """Sales users see their own or their team's orders, as set on the user (own / team /
    all); every other role sees all."""
    scope = sales_scope_of(user)
    if scope == "own":
        return orders.filter(sales_rep=user)
    if scope == "team":
        return orders.filter(Q(sales_rep=user) | Q(team_id=user.team_id))
    return orders


def order_get(*, pk: int, user) -> SalesOrder:
    return orders_visible_to(
        SalesOrder.objects.select_related("customer", "warehouse", "sales_rep", "team"), user
    ).get(pk=pk)


@dataclass
class OrderDetail:
    order: SalesOrder
    lines: list[SalesOrderLine]
    steps: list[ApprovalStep]
    shipments: list[Shipment]
    events: list[OrderEvent]
    open_quantity: int = 0
    reserved_quantity: int = 0
    backordered_quantity: int = 0
    returns: list = field(default_factory=list)


def order_detail(*, pk: int, user) -> OrderDetail:
    """The order page: lines with reservations, approval steps, shipments, timeline."""
    order = order_get(pk=pk, user=user)
    lines = list(
        order.lines.select_related("product").prefetch_related(
            Prefetch("reservations", queryset=LineReservation.objects.select_related("warehouse"))
        )
    )
    steps = list(
        order.approval_steps.select_related(
            "approver_group", "decided_by", "rule"
        ).prefetch_related(
            "approvers",
            Prefetch(
                "decisions",
                queryset=ApprovalDecision.objects.select_related("actor", "on_behalf_of"),
            ),
        )
    )
    shipments = list(
        order.shipments.select_related("carrier", "warehouse", "confirmed_by")
        .prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line__product"))
        )
        .order_by("created_at", "pk")
    )
    events = list(order.events.select_related("actor").order_by("created_at", "pk"))
    return OrderDetail(
        order=order,
        lines=lines,
        steps=steps,
        shipments=shipments,
        events=events,
        open_quantity=sum(line.quantity_open for line in lines),
        reserved_quantity=sum(r.quantity for line in lines for r in line.reservations.all()),
        backordered_quantity=sum(line.quantity_backordered for line in lines),
        returns=list(
            order.returns.prefetch_related(
                Prefetch(
                    "lines", queryset=SalesReturnLine.objects.select_related("order_line__product")
                )
            ).order_by("created_at", "pk")
        ),
    )


def _delegator_ids(user) -> list[int]:
    today = timezone.localdate()
    return list(
        ApprovalDelegation.objects.filter(
            delegate=user, starts_on__lte=today, ends_on__gte=today
        ).values_list("delegator_id", flat=True)
    )


def orders_awaiting_approval(*, user, limit: int | None = None) -> QuerySet[ApprovalStep]:
    """The approver's queue, oldest first: waiting levels the user decides (as a named
    approver or a member of the level's group) or decides for someone away today.

    With `limit`, the oldest `limit` steps are chosen first (from the index of waiting steps)
    and only they are joined to their orders, customers and reps, still in one statement."""
    steps = ApprovalStep.objects.filter(
        status=ApprovalStep.Status.PENDING, order__status=SalesOrder.Status.PENDING_APPROVAL
    )
    if not user.is_superuser:
        people = [user.pk, *_delegator_ids(user)]
        named = ApprovalStep.approvers.through.objects.filter(approvalstep_id=OuterRef("pk"))
        steps = steps.filter(
            Q(Exists(named.filter(user_id__in=people)))
            | (
                ~Exists(named)
                & Q(approver_group__in=Group.objects.filter(user__in=people).values("pk"))
            )
        )
    if limit is not None:
        oldest = steps.order_by("created_at", "pk").values("pk")[:limit]
        steps = ApprovalStep.objects.filter(pk__in=Subquery(oldest))
    return steps.select_related("order__customer", "order__sales_rep", "approver_group").order_by(
        "created_at", "pk"
    )


def approval_steps_overdue(*, now=None) -> QuerySet[ApprovalStep]:
    """Waiting levels past their deadline, most overdue first (for reports and alerts)."""
    now = now or timezone.now()
    return (
        ApprovalStep.objects.filter(
            status=ApprovalStep.Status.PENDING,
            order__status=SalesOrder.Status.PENDING_APPROVAL,
            due_at__lte=now,
        )
        .select_related("order__customer", "approver_group")
        .order_by("due_at", "pk")
    )


@dataclass
class PreviewLevel:
    level: int
    approvers: str
    quorum: str
    rules: str
    reason: str


def approval_preview(
    *, preview: "OrderPreview", customer, user, custom: dict, over_credit: bool, on=None
) -> list[PreviewLevel]:
    """Which approvals the order on the form will need and why, before it is submitted
    (the same engine as submit, on the form's prices)."""
    lines = [line for line in preview.lines if line]
    if customer is None or not lines:
        return []
    on = on or timezone.localdate()
    rules = approval_rules_load(on=on, submitter_id=user.pk)
    if not rules:
        return []
    overrides = {}
    for number, line in enumerate(lines, start=1):
        if line.is_override and line.rule_price > ZERO:
            paid = line.unit_price * (Decimal("100") - line.discount_percent) / Decimal("100")
            overrides[number] = round_money((1 - paid / line.rule_price) * 100)
    net = sum((line.net_amount for line in lines), ZERO)
    cost = sum((line.product.cost_amount * line.quantity for line in lines), ZERO)
    team_id = customer.team_id or getattr(user, "team_id", None)
    facts = OrderFacts(
        order_date=on,
        total_amount=preview.total_amount,
        largest_discount=max((line.discount_percent for line in lines), default=ZERO),
        override_discounts=overrides,
        has_manual_price=any(line.is_override for line in lines),
        margin_percent=margin_percent(net, cost),
        tier=customer.tier,
        over_credit_limit=over_credit,
        category_codes=frozenset(line.category_code for line in lines if line.category_code),
        custom=custom,
        role_discount_percent=role_discount_of(rules),
        team_leader_id=team_leader_of(team_id) if rules_need_team_leader(rules) else None,
        account_manager_id=customer.sales_rep_id,
    )
    plan = approval_chain_plan(rules, facts, resolve=ApproverDirectory().resolve)
    groups = Group.objects.in_bulk({level.group_id for level in plan if level.group_id})
    people = get_user_model().objects.in_bulk({pk for level in plan for pk in level.user_ids})
    quorum_labels = dict(ApprovalRule.Quorum.choices)
    result = []
    for number, level in enumerate(plan, start=1):
        if level.user_ids:
            who = ", ".join(str(people[pk]) for pk in level.user_ids if pk in people)
        else:
            who = groups[level.group_id].name if level.group_id in groups else ""
        result.append(
            PreviewLevel(
                level=number,
                approvers=who,
                quorum=str(quorum_labels.get(level.quorum, "")),
                rules=", ".join(level.rule_names),
                reason=level.reason,
            )
        )
    return result


def orders_to_ship(*, warehouse_id: int | None = None) -> QuerySet[SalesOrder]:
    """Approved orders with quantities still to ship, oldest approval first."""
    orders = SalesOrder.objects.filter(status__in=SalesOrder.SHIPPABLE)
    if warehouse_id:
        orders = orders.filter(warehouse_id=warehouse_id)
    return (
        orders.select_related("customer", "warehouse")
        .annotate(
            open_quantity=Coalesce(Sum(F("lines__quantity") - F("lines__quantity_shipped")), 0),
            backordered_quantity=Coalesce(Sum("lines__quantity_backordered"), 0),
            line_count=Count("lines"),
            ready_quantity=Coalesce(
                Subquery(
                    LineReservation.objects.filter(line__order=OuterRef("pk"))
                    .values("line__order")
                    .annotate(total=Sum("quantity"))
                    .values("total")[:1]
                ),
                0,
            ),
        )
        .order_by("approved_at", "pk")
    )


def shipments_to_pick(*, warehouse_id: int | None = None) -> QuerySet[Shipment]:
    shipments = Shipment.objects.filter(status=Shipment.Status.DRAFT)
    if warehouse_id:
        shipments = shipments.filter(warehouse_id=warehouse_id)
    return shipments.select_related("order__customer", "warehouse").order_by("created_at", "pk")


def shipments_visible_to(shipments: QuerySet[Shipment], user) -> QuerySet[Shipment]:
    """Sales users see the shipments of the orders they may see; other roles all."""
    if user is None or sales_scope_of(user) is None:
        return shipments
    return shipments.filter(order__in=orders_visible_to(SalesOrder.objects.all(), user))


def shipment_list(*, user=None) -> QuerySet[Shipment]:
    return shipments_visible_to(
        Shipment.objects.select_related("order__customer", "warehouse", "carrier"), user
    )


def shipment_get(*, pk: int, user=None) -> Shipment:
    return shipments_visible_to(
        Shipment.objects.select_related(
            "order__customer", "warehouse", "carrier", "created_by", "confirmed_by"
        ),
        user,
    ).get(pk=pk)


def shipment_lines(*, shipment: Shipment) -> list[ShipmentLine]:
    return list(
        shipment.lines.select_related("order_line__product").order_by("order_line__line_no")
    )


def shipment_open_lines(*, order: SalesOrder, warehouse_id: int | None = None) -> list[dict]:
    """Per line, for one warehouse (the order's unless given): what can be picked now, i.e.
    reserved there minus what already waits on pick lists there; and what is backordered."""
    warehouse_id = warehouse_id or order.warehouse_id
    pending_rows = (
        ShipmentLine.objects.filter(shipment__order=order, shipment__status=Shipment.Status.DRAFT)
        .values("order_line_id", "shipment__warehouse_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "shipment__warehouse_id", "total")
    )
    pending: dict[int, int] = {}
    pending_here: dict[int, int] = {}
    for line_id, pending_warehouse_id, total in pending_rows:
        pending[line_id] = pending.get(line_id, 0) + total
        if pending_warehouse_id == warehouse_id:
            pending_here[line_id] = total
    rows = []
    for line in order.lines.select_related("product").prefetch_related("reservations"):
        reserved_here = sum(
            r.quantity for r in line.reservations.all() if r.warehouse_id == warehouse_id
        )
        can_ship = max(
            min(
                reserved_here - pending_here.get(line.pk, 0),
                line.quantity_open - pending.get(line.pk, 0),
            ),
            0,
        )
        rows.append(
            {
                "line": line,
                "pending": pending.get(line.pk, 0),
                "reserved": reserved_here,
                "can_ship": can_ship,
            }
        )
    return rows


def order_reservation_warehouses(*, order: SalesOrder) -> list:
    """The warehouses holding stock for the order (a split order ships from several)."""
    return list(
        Warehouse.objects.filter(
            pk__in=LineReservation.objects.filter(line__order=order, quantity__gt=0).values(
                "warehouse_id"
            )
        ).order_by("code")
    )


def orders_of_sales_rep(*, user, statuses=None, limit: int = 10) -> list[SalesOrder]:
    orders = SalesOrder.objects.filter(sales_rep=user).select_related("customer")
    if statuses:
        orders = orders.filter(status__in=statuses)
    return list(orders.order_by("-created_at", "-pk")[:limit])


def order_status_counts(*, user=None, statuses=None) -> dict[str, int]:
    orders = SalesOrder.objects.all()
    if statuses is not None:
        # Open states are few rows: the (status, created_at) index answers without a scan.
        orders = orders.filter(status__in=statuses)
    if user is not None:
        orders = orders.filter(sales_rep=user)
    return dict(orders.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


@dataclass
class LinePreview:
    product: object
    quantity: int
    unit_price: Decimal
    discount_percent: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    available: int | None
    rule_price: Decimal = ZERO
    rule_name: str = ""
    is_override: bool = False
    category_code: str = ""

    @property
    def is_short(self) -> bool:
        return self.available is not None and self.quantity > self.available


@dataclass
class OrderPreview:
    lines: list[LinePreview | None] = field(default_factory=list)
    lines_amount: Decimal = ZERO
    discount_amount: Decimal = ZERO
    tax_amount: Decimal = ZERO
    total_amount: Decimal = ZERO


def order_preview(
    *,
    rows: list[dict | None],
    warehouse_id: int | None,
    currency: str = "CNY",
    customer=None,
    on: date | None = None,
) -> OrderPreview:
    """Price the rows of the order form as the user types, with stock available to promise.

    `rows` holds each form row's cleaned data (product, quantity, unit_price,
    discount_percent) or None for a row that is not valid yet. An empty unit price
    takes the pricing engine's price for the customer on the day (today by default);
    a typed one is a manual override.
    """
    tax_rate = SalesOrder._meta.get_field("tax_rate").default
    on = on or SalesOrder._meta.get_field("order_date").default()
    if customer is not None:
        currency = customer.currency
    products = [row["product"].pk for row in rows if row]
    available = (
        available_by_product(product_ids=products, warehouse_id=warehouse_id)
        if warehouse_id and products
        else {}
    )
    category_rows = (
        Product.objects.filter(pk__in=products).values_list(
            "pk", "category__code", "category__vat_rate"
        )
        if products
        else []
    )
    categories = {pk: code for pk, code, _rate in category_rows}
    vat_rates = {pk: rate for pk, _code, rate in category_rows if rate is not None}
    candidates = price_rules_for(
        customer,
        [row["product"].sku for row in rows if row],
        [code for code in categories.values() if code],
        on,
    )
    preview = OrderPreview()
    for row in rows:
        if not row:
            preview.lines.append(None)
            continue
        product = row["product"]
        quote = price_quote(
            customer=customer,
            sku=product.sku,
            category_code=categories.get(product.pk) or "",
            list_price=product.list_price_amount,
            quantity=row["quantity"],
            on=on,
            candidates=candidates,
        )
        unit_price = row.get("unit_price")
        is_override = unit_price is not None
        if unit_price is None:
            unit_price = quote.unit_price
        discount = row.get("discount_percent") or Decimal("0")
        amounts = line_amounts(
            quantity=row["quantity"],
            unit_price=unit_price,
            discount_percent=discount,
            tax_rate=vat_rates.get(product.pk, tax_rate),
            currency=currency,
        )
        preview.lines.append(
            LinePreview(
                product=product,
                quantity=row["quantity"],
                unit_price=unit_price,
                discount_percent=discount,
                net_amount=amounts.net_amount,
                tax_amount=amounts.tax_amount,
                available=available.get(product.pk, 0) if warehouse_id else None,
                rule_price=quote.unit_price,
                rule_name=quote.rule_name,
                is_override=is_override,
                category_code=categories.get(product.pk) or "",
            )
        )
        preview.lines_amount += amounts.lines_amount
        preview.discount_amount += amounts.discount_amount
        preview.tax_amount += amounts.tax_amount
    preview.total_amount = preview.lines_amount - preview.discount_amount + preview.tax_amount
    return preview


def order_history(*, order: SalesOrder, limit: int = 100):
    """The order's field-level history (header and lines), newest first."""
    header = list(
        SalesOrder.history.filter(id=order.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    lines = list(
        SalesOrderLine.history.filter(order_id=order.pk)
        .select_related("history_user", "product")
        .order_by("-history_date", "-history_id")[:limit]
    )
    number = str(order.number)
    entries = history_entries(header, label=lambda record: number) + history_entries(
        lines,
        label=lambda record: (
            f"{number} / {record.line_no} {record.product.sku if record.product else ''}"
        ),
    )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def approval_rule_list() -> list[ApprovalRule]:
    return list(
        ApprovalRule.objects.select_related("approver_group", "escalate_group")
        .prefetch_related("approver_users")
        .order_by("position", "pk")
    )


def delegations_of(*, user) -> QuerySet[ApprovalDelegation]:
    return (
        ApprovalDelegation.objects.filter(Q(delegator=user) | Q(delegate=user))
        .select_related("delegator", "delegate")
        .order_by("-starts_on", "pk")
    )


def product_demand(*, product_id: int) -> dict:
    """Open reservations and backorders of one product, oldest order first."""
    reservations = list(
        LineReservation.objects.filter(product_id=product_id, quantity__gt=0)
        .select_related("line__order__customer", "warehouse")
        .order_by("line__order__order_date", "line__order_id")[:100]
    )
    backorders = list(
        SalesOrderLine.objects.filter(product_id=product_id, quantity_backordered__gt=0)
        .exclude(order__status__in=[SalesOrder.Status.CANCELLED, SalesOrder.Status.DRAFT])
        .select_related("order__customer", "order__warehouse")
        .order_by("-order__is_priority", "order__order_date", "order__submitted_at", "order_id")[
            :100
        ]
    )
    return {"reservations": reservations, "backorders": backorders}


def returns_received_for_credit(
    *, order_id: int | None = None, customer_id: int | None = None
) -> QuerySet[SalesReturn]:
    """Received returns with their lines and amounts (net, tax per line): what finance
    credits. Each return carries `number`, `order`, `net_amount`, `tax_amount`,
    `total_amount` and lines with `order_line`, `quantity`, `condition` and amounts."""
    returns = SalesReturn.objects.filter(status=SalesReturn.Status.RECEIVED)
    if order_id:
        returns = returns.filter(order_id=order_id)
    if customer_id:
        returns = returns.filter(order__customer_id=customer_id)
    return (
        returns.select_related("order__customer")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=SalesReturnLine.objects.select_related("order_line__product").order_by(
                    "order_line__line_no"
                ),
            )
        )
        .order_by("received_at", "pk")
    )


def return_list(*, user=None, status: str = "") -> QuerySet[SalesReturn]:
    returns = SalesReturn.objects.select_related("order__customer", "warehouse", "requested_by")
    if status:
        returns = returns.filter(status=status)
    if user is not None and sales_scope_of(user) is not None:
        returns = returns.filter(order__in=orders_visible_to(SalesOrder.objects.all(), user))
    return returns


def return_get(*, pk: int, user=None) -> SalesReturn:
    return (
        return_list(user=user)
        .select_related("decided_by", "received_by")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=SalesReturnLine.objects.select_related("order_line__product").order_by(
                    "order_line__line_no"
                ),
            )
        )
        .get(pk=pk)
    )
