"""The sales order lifecycle: create, edit, submit, cancel, hold and release."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from customers.credit import CreditVerdict, credit_check_lock
from customers.errors import CustomerInactive
from customers.models import Customer
from customers.pricing import price_quote, price_rules_for
from customers.services import credit_open_orders_add, customer_exposure_adjust
from inventory.models import Product, Warehouse
from inventory.selectors import products_with_category
from inventory.services import AllocationRequest, stock_allocate
from opms.core.money import ZERO, round_money
from opms.core.numbering import next_document_number
from opms.core.sql import history_rows_insert, rows_insert
from orders.errors import (
    CommentRequired,
    DuplicateExternalOrder,
    OrderHasInvoices,
    OrderHasNoLines,
    OrderNotEditable,
    OrderPermissionDenied,
)
from orders.models import (
    ApprovalRule,
    ApprovalStep,
    LineReservation,
    OrderEvent,
    SalesOrder,
    SalesOrderLine,
    Shipment,
)
from orders.services.chain import (
    ApproverDirectory,
    approval_rules_load,
    approval_steps_create,
    order_facts,
    role_discount_of,
    rules_need_team_leader,
    team_leader_of,
)
from orders.services.common import (
    EventInput,
    event_record,
    events_publish,
    events_record,
    guard_transition,
    is_duplicate_external_order,
    line_amounts,
    order_lock,
    order_save,
    reservations_release,
)
from orders.services.notices import approval_step_notice_enqueue
from orders.services.routing import PlannedLevel, approval_chain_plan

# Finance approves credit over-limits (warn) and releases credit holds (block).
CREDIT_APPROVER_GROUP = "finance"


@dataclass(frozen=True)
class LineInput:
    product_id: int
    quantity: int
    unit_price: Decimal | None = None
    discount_percent: Decimal = Decimal("0")


def _build_lines(
    order: SalesOrder, lines: list[LineInput], *, products: dict[int, Product] | None = None
) -> list[SalesOrderLine]:
    wanted = [line for line in lines if line.quantity and line.quantity > 0]
    if not wanted:
        raise OrderHasNoLines()
    wanted_ids = {line.product_id for line in wanted}
    if products is None or not wanted_ids <= products.keys():
        products = products_with_category(wanted_ids)
    candidates = price_rules_for(
        order.customer,
        [product.sku for product in products.values()],
        [_category_code(product) for product in products.values()],
        order.order_date,
    )
    built = []
    for number, line in enumerate(wanted, start=1):
        product = products[line.product_id]
        rule_name = ""
        if line.unit_price is None:
            quote = _engine_quote(order, product, line.quantity, candidates)
            unit_price, rule_name = quote.unit_price, quote.rule_name
        else:
            # A typed price is a manual override; submit checks it against the rule price.
            unit_price = round_money(line.unit_price)
        tax_rate = product.category.vat_rate if product.category_id else order.tax_rate
        amounts = line_amounts(
            quantity=line.quantity,
            unit_price=unit_price,
            discount_percent=line.discount_percent,
            tax_rate=tax_rate,
            currency=order.currency,
        )
        built.append(
            SalesOrderLine(
                order=order,
                line_no=number,
                product=product,
                quantity=line.quantity,
                unit_price_amount=unit_price,
                list_price_amount=product.list_price_amount,
                discount_percent=line.discount_percent,
                price_rule_name=rule_name,
                lines_amount=amounts.lines_amount,
                discount_amount=amounts.discount_amount,
                net_amount=amounts.net_amount,
                tax_amount=amounts.tax_amount,
                tax_rate=tax_rate,
            )
        )
    return built


def _order_insert(order: SalesOrder, lines: list[SalesOrderLine], *, actor) -> None:
    """Insert a new order and its lines with their history rows (opms.core.sql: four
    statements, no per-call query compilation; every order entered comes through here).

    An order from a channel carries its (channel, external_id), unique for ever, so a
    concurrent or late duplicate is refused with the number of the order that exists.
    """
    if order.external_id:
        try:
            with transaction.atomic():
                rows_insert(SalesOrder, [order])
        except IntegrityError as exc:
            if not is_duplicate_external_order(exc):
                raise
            existing = SalesOrder.objects.filter(
                channel=order.channel, external_id=order.external_id
            ).values_list("number", flat=True)
            raise DuplicateExternalOrder(
                external_id=order.external_id, number=existing.first() or "?"
            ) from exc
    else:
        rows_insert(SalesOrder, [order])
    history_rows_insert(SalesOrder, [order], actor=actor)
    for line in lines:
        line.order = order
    rows_insert(SalesOrderLine, lines)
    history_rows_insert(SalesOrderLine, lines, actor=actor)


def _category_code(product: Product) -> str:
    return product.category.code if product.category_id else ""


def _engine_quote(order: SalesOrder, product: Product, quantity: int, candidates):
    return price_quote(
        customer=order.customer,
        sku=product.sku,
        category_code=_category_code(product),
        list_price=product.list_price_amount,
        quantity=quantity,
        on=order.order_date,
        candidates=candidates,
    )


def _override_discounts(order: SalesOrder, lines: list[SalesOrderLine]) -> dict[int, Decimal]:
    """Per manually priced line: its effective discount (%) against the engine's price.

    A line priced by a rule carries the rule's name; a line without one whose price
    differs from the list price was typed in. The line's own discount % counts too.
    """
    typed = [
        line
        for line in lines
        if not line.price_rule_name and line.unit_price_amount != line.list_price_amount
    ]
    if not typed:
        return {}
    candidates = price_rules_for(
        order.customer,
        [line.product.sku for line in typed],
        [_category_code(line.product) for line in typed],
        order.order_date,
    )
    discounts = {}
    for line in typed:
        engine_price = _engine_quote(order, line.product, line.quantity, candidates).unit_price
        if engine_price <= ZERO:
            continue
        paid = line.unit_price_amount * (Decimal("100") - line.discount_percent) / Decimal("100")
        discounts[line.line_no] = round_money((1 - paid / engine_price) * 100)
    return discounts


LINE_FIELDS = [
    "product",
    "quantity",
    "unit_price_amount",
    "list_price_amount",
    "discount_percent",
    "price_rule_name",
    "lines_amount",
    "discount_amount",
    "net_amount",
    "tax_amount",
]


def _lines_replace(order: SalesOrder, built: list[SalesOrderLine], *, actor, reason: str):
    """Bring the order's lines to ``built``: same line number → changed in place (history
    old → new), new numbers created, missing ones deleted, each with its history row."""
    existing = {line.line_no: line for line in order.lines.all()}
    changed, created = [], []
    for line in built:
        current = existing.pop(line.line_no, None)
        if current is None:
            created.append(line)
            continue
        if any(getattr(current, name) != getattr(line, name) for name in LINE_FIELDS):
            for name in LINE_FIELDS:
                setattr(current, name, getattr(line, name))
            changed.append(current)
    for gone in existing.values():
        gone._history_user = actor
        gone.delete()
    if changed:
        bulk_update_with_history(
            changed,
            SalesOrderLine,
            LINE_FIELDS,
            default_user=actor,
            default_change_reason=reason or None,
        )
    if created:
        bulk_create_with_history(created, SalesOrderLine, default_user=actor)


def _apply_totals(order: SalesOrder, lines: list[SalesOrderLine]) -> None:
    order.lines_amount = sum((line.lines_amount for line in lines), ZERO)
    order.discount_amount = sum((line.discount_amount for line in lines), ZERO)
    order.tax_amount = sum((line.tax_amount for line in lines), ZERO)
    order.total_amount = order.lines_amount - order.discount_amount + order.tax_amount


def _order_priced(
    *, actor, customer: Customer, warehouse: Warehouse, lines, products, **header
) -> tuple[SalesOrder, list[SalesOrderLine]]:
    """A new order (numbered, not saved) for the actor's customer, its lines priced and
    totalled. Raises CustomerInactive, OrderHasNoLines."""
    if not customer.is_active:
        raise CustomerInactive(customer=str(customer))
    order = SalesOrder(
        number=next_document_number("SO"),
        customer=customer,
        warehouse=warehouse,
        sales_rep=actor,
        team=customer.team or getattr(actor, "team", None),
        currency=customer.currency,
        **header,
    )
    built = _build_lines(order, lines, products=products)
    _apply_totals(order, built)
    return order, built


@transaction.atomic
def order_create(
    *,
    actor,
    customer: Customer,
    warehouse: Warehouse,
    lines: list[LineInput],
    requested_delivery_on=None,
    customer_reference: str = "",
    note: str = "",
    is_priority: bool = False,
    custom_fields: dict | None = None,
    channel=None,
    external_id: str = "",
    shipping_address: str = "",
    products: dict[int, Product] | None = None,
) -> SalesOrder:
    """Create a draft order with its lines priced; nothing is reserved until submit.

    An order from an integration channel carries the channel's own order number,
    unique per channel. Raises CustomerInactive, OrderHasNoLines, DuplicateExternalOrder.
    """
    order, built = _order_priced(
        actor=actor,
        customer=customer,
        warehouse=warehouse,
        lines=lines,
        products=products,
        requested_delivery_on=requested_delivery_on,
        customer_reference=customer_reference,
        note=note,
        is_priority=is_priority,
        custom_fields=custom_fields or {},
        channel=channel,
        external_id=external_id,
        shipping_address=shipping_address,
    )
    _order_insert(order, built, actor=actor)
    event_record(
        order=order,
        action=OrderEvent.Action.CREATED,
        actor=actor,
        to_status=order.status,
        payload={"total": str(order.total_amount), "lines": len(built)},
    )
    return order


@transaction.atomic
def order_update(
    *,
    order_id: int,
    actor,
    expected_version: int | None,
    customer: Customer,
    warehouse: Warehouse,
    lines: list[LineInput],
    requested_delivery_on=None,
    customer_reference: str = "",
    note: str = "",
    is_priority: bool | None = None,
    custom_fields: dict | None = None,
    reason: str = "",
) -> SalesOrder:
    """Replace a draft order's header and lines. Lines keep their identity by line number,
    so the history shows each changed price or quantity as old → new.

    Raises OrderNotEditable, OrderPermissionDenied, CustomerInactive, OrderHasNoLines.
    """
    order = order_lock(order_id=order_id, expected_version=expected_version)
    if not order.is_editable:
        raise OrderNotEditable(number=order.number)
    if actor.pk != order.sales_rep_id and not actor.has_perm("orders.hold_salesorder"):
        raise OrderPermissionDenied(number=order.number, action=_("edit"))
    if not customer.is_active:
        raise CustomerInactive(customer=str(customer))
    old_total = order.total_amount
    order.customer = customer
    order.warehouse = warehouse
    order.currency = customer.currency
    order.requested_delivery_on = requested_delivery_on
    order.customer_reference = customer_reference
    order.note = note
    if is_priority is not None:
        order.is_priority = is_priority
    built = _build_lines(order, lines)
    _apply_totals(order, built)
    _lines_replace(order, built, actor=actor, reason=reason)
    order.custom_fields = custom_fields if custom_fields is not None else order.custom_fields
    order._history_user = actor
    order._change_reason = reason
    order_save(
        order,
        [
            "customer",
            "warehouse",
            "currency",
            "requested_delivery_on",
            "customer_reference",
            "note",
            "is_priority",
            "lines_amount",
            "discount_amount",
            "tax_amount",
            "total_amount",
            "team",
            "custom_fields",
        ],
    )
    event_record(
        order=order,
        action=OrderEvent.Action.EDITED,
        actor=actor,
        payload={"old_total": str(old_total), "total": str(order.total_amount)},
    )
    return order


def _reserve_or_backorder(order: SalesOrder, lines: list[SalesOrderLine]) -> dict[int, int]:
    """Reserve each line where stock is (the order's warehouse first, then the others);
    the shortfall stays on the line as a backorder. Returns {line_no: backordered}.

    Called last in the submitting transaction: the hot stock rows stay locked only for
    the few statements between this lock and the commit.
    """
    allocations = stock_allocate(
        requests=[
            AllocationRequest(line.pk, line.product_id, order.warehouse_id, line.quantity)
            for line in lines
        ]
    )
    by_line = {line.pk: line for line in lines}
    reservations = []
    backordered = []
    for allocation in allocations:
        line = by_line[allocation.key]
        for warehouse_id, quantity in sorted(allocation.reserved.items()):
            reservations.append(
                LineReservation(
                    line=line,
                    product_id=line.product_id,
                    warehouse_id=warehouse_id,
                    quantity=quantity,
                )
            )
        if allocation.backordered:
            line.quantity_backordered = allocation.backordered
            backordered.append(line)
    rows_insert(LineReservation, reservations)
    if backordered:
        SalesOrderLine.objects.bulk_update(backordered, ["quantity_backordered"])
    return {line.line_no: line.quantity_backordered for line in backordered}


@dataclass(frozen=True)
class _SubmitDecision:
    plan: list[PlannedLevel]
    credit: CreditVerdict
    from_status: str
    submitted_status: str


def _submit_decide(order: SalesOrder, lines: list[SalesOrderLine], actor) -> _SubmitDecision:
    """Judge a priced draft's credit, route its approval and move it to its submitted state
    (in memory). Locks the customer row: callers hold the order row (or create it) first
    and take the stock rows after, the lock order every order service keeps."""
    # The rules are loaded once (with the submitter's role discount limit in the same
    # statement) and evaluated in Python against the priced order.
    rules = approval_rules_load(on=order.order_date, submitter_id=actor.pk)
    customer, credit = credit_check_lock(
        customer_id=order.customer_id,
        order_amount=order.total_amount,
        checkpoint="submit",
        is_prepaid=order.paid_amount >= order.total_amount,
    )
    credit_open_orders_add(customer=customer, amount=order.total_amount)
    plan = []
    if rules:
        facts = order_facts(
            with_channel=any(rule.channels for rule in rules),
            order=order,
            lines=lines,
            customer=customer,
            over_credit_limit=credit.over_limit,
            override_discounts=_override_discounts(order, lines),
            role_discount_percent=role_discount_of(rules),
            team_leader_id=team_leader_of(order.team_id) if rules_need_team_leader(rules) else None,
        )
        plan = approval_chain_plan(rules, facts, resolve=ApproverDirectory().resolve)
    reasons = [level.reason for level in plan]
    if credit.trips and not credit.blocks:
        reasons.append(credit.reason)
        finance = Group.objects.get(name=CREDIT_APPROVER_GROUP)
        if not any(level.group_id == finance.pk and not level.user_ids for level in plan):
            plan.append(
                PlannedLevel(
                    position=0,
                    group_id=finance.pk,
                    user_ids=(),
                    quorum=ApprovalRule.Quorum.ANY,
                    required_approvals=1,
                    rule_names=[_("Credit control")],
                    reasons=[credit.reason],
                )
            )
    from_status = order.status
    order.submit(needs_approval=bool(reasons), reason="; ".join(reasons))
    submitted_status = order.status
    if credit.blocks:
        order.hold(reason=credit.reason)
    return _SubmitDecision(
        plan=plan, credit=credit, from_status=from_status, submitted_status=submitted_status
    )


def _submitted_steps_create(order: SalesOrder, decision: _SubmitDecision) -> None:
    steps = approval_steps_create(order=order, plan=decision.plan)
    if steps and order.status == SalesOrder.Status.PENDING_APPROVAL:
        approval_step_notice_enqueue(step_id=steps[0].pk)


def _submitted_events(
    order: SalesOrder, decision: _SubmitDecision, backorders: dict[int, int]
) -> list[EventInput]:
    events = [
        EventInput(
            action=OrderEvent.Action.SUBMITTED,
            from_status=decision.from_status,
            to_status=decision.submitted_status,
            comment=order.approval_reason,
            payload={"backordered": backorders} if backorders else None,
        )
    ]
    if decision.credit.blocks:
        events.append(
            EventInput(
                action=OrderEvent.Action.HELD,
                from_status=decision.submitted_status,
                to_status=order.status,
                comment=decision.credit.reason,
                payload={"credit": True},
            )
        )
    return events


@transaction.atomic
def order_submit(*, order_id: int, actor, expected_version: int | None = None) -> SalesOrder:
    """Submit a draft: check credit, route approval, reserve its stock.

    With no approval reason the order is approved at once. What no warehouse has
    becomes a backorder on the line (reserved first come first served when goods
    arrive). Raises OrderTransitionNotAllowed, OrderPermissionDenied,
    OrderChangedConcurrently.
    """
    order = order_lock(order_id=order_id, expected_version=expected_version)
    guard_transition(order, "submit", actor)
    lines = list(order.lines.select_related("product__category"))
    if not lines:
        raise OrderHasNoLines()
    decision = _submit_decide(order, lines, actor)
    fields = ["status", "submitted_at", "approved_at", "approval_reason", "reject_reason"]
    if decision.credit.blocks:
        fields.append("held_from_status")
    order_save(order, fields)
    _submitted_steps_create(order, decision)
    events_publish(order=order, events=_submitted_events(order, decision, {}))
    backorders = _reserve_or_backorder(order, lines)
    events = _submitted_events(order, decision, backorders)
    events_record(order=order, actor=actor, events=events, published=True)
    return order


@transaction.atomic
def order_place(
    *,
    actor,
    customer: Customer,
    warehouse: Warehouse,
    lines: list[LineInput],
    requested_delivery_on=None,
    customer_reference: str = "",
    note: str = "",
    is_priority: bool = False,
    custom_fields: dict | None = None,
    channel=None,
    external_id: str = "",
    shipping_address: str = "",
    products: dict[int, Product] | None = None,
) -> SalesOrder:
    """Enter an order and submit it at once (an integration's or a batch file's order).

    The same result as order_create followed by order_submit, in one transaction and
    without the draft round trip: the order is inserted in its submitted state, its lines
    are reserved last. ``products`` (by pk, with their category) saves the caller's
    look-up being repeated. Raises what order_create and order_submit raise; nothing is
    written when one of them refuses.
    """
    order, built = _order_priced(
        actor=actor,
        customer=customer,
        warehouse=warehouse,
        lines=lines,
        products=products,
        requested_delivery_on=requested_delivery_on,
        customer_reference=customer_reference,
        note=note,
        is_priority=is_priority,
        custom_fields=custom_fields or {},
        channel=channel,
        external_id=external_id,
        shipping_address=shipping_address,
    )
    guard_transition(order, "submit", actor)
    decision = _submit_decide(order, built, actor)
    _order_insert(order, built, actor=actor)
    _submitted_steps_create(order, decision)
    # Status changes go to webhooks before the stock rows are locked (their payload has
    # no backorders); the timeline rows, which name the backorders, after.
    events_publish(order=order, events=_submitted_events(order, decision, {}))
    backorders = _reserve_or_backorder(order, built)
    created = EventInput(
        action=OrderEvent.Action.CREATED,
        to_status=SalesOrder.Status.DRAFT,
        payload={"total": str(order.total_amount), "lines": len(built)},
    )
    events = [created, *_submitted_events(order, decision, backorders)]
    events_record(order=order, actor=actor, events=events, published=True)
    return order


@transaction.atomic
def order_cancel(
    *, order_id: int, actor, comment: str, expected_version: int | None = None
) -> SalesOrder:
    """Cancel an order that has shipped nothing; reservations and exposure are released."""
    if not comment.strip():
        raise CommentRequired()
    order = order_lock(order_id=order_id, expected_version=expected_version)
    guard_transition(order, "cancel", actor)
    if order.invoiced_amount > ZERO:
        raise OrderHasInvoices(number=order.number)
    if order.status != SalesOrder.Status.DRAFT:
        reservations_release(order)
        # What was invoiced already left open-order exposure (it is a receivable now).
        customer_exposure_adjust(
            customer_id=order.customer_id,
            open_order_delta=order.invoiced_amount - order.total_amount,
        )
    order.approval_steps.filter(status=ApprovalStep.Status.PENDING).update(
        status=ApprovalStep.Status.WITHDRAWN
    )
    order.shipments.filter(status=Shipment.Status.DRAFT).update(status=Shipment.Status.CANCELLED)
    from_status = order.status
    order.cancel(reason=comment)
    order_save(order, ["status", "cancel_reason", "cancelled_at"])
    event_record(
        order=order,
        action=OrderEvent.Action.CANCELLED,
        actor=actor,
        from_status=from_status,
        to_status=order.status,
        comment=comment,
    )
    return order


@transaction.atomic
def order_hold(
    *, order_id: int, actor, comment: str, expected_version: int | None = None
) -> SalesOrder:
    """Put an order on hold (credit or manual); it keeps its reservations."""
    if not comment.strip():
        raise CommentRequired()
    order = order_lock(order_id=order_id, expected_version=expected_version)
    guard_transition(order, "hold", actor)
    from_status = order.status
    order.hold(reason=comment)
    order_save(order, ["status", "held_from_status"])
    event_record(
        order=order,
        action=OrderEvent.Action.HELD,
        actor=actor,
        from_status=from_status,
        to_status=order.status,
        comment=comment,
    )
    return order


def order_is_credit_hold(order: SalesOrder) -> bool:
    """Whether the order is on hold because credit control held it."""
    if order.status != SalesOrder.Status.ON_HOLD:
        return False
    held = order.events.filter(action=OrderEvent.Action.HELD).order_by("-pk").first()
    return held is not None and bool(held.payload.get("credit"))


@transaction.atomic
def order_release_hold(
    *, order_id: int, actor, comment: str = "", expected_version: int | None = None
) -> SalesOrder:
    """Release a held order back to the state it was held in.

    A credit hold needs the reason for the release. Raises CommentRequired,
    OrderTransitionNotAllowed, OrderPermissionDenied.
    """
    order = order_lock(order_id=order_id, expected_version=expected_version)
    guard_transition(order, "release_hold", actor)
    if not comment.strip() and order_is_credit_hold(order):
        raise CommentRequired()
    from_status = order.status
    order.release_hold()
    order_save(order, ["status", "held_from_status"])
    event_record(
        order=order,
        action=OrderEvent.Action.RELEASED,
        actor=actor,
        from_status=from_status,
        to_status=order.status,
        comment=comment,
    )
    return order
