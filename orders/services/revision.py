"""Changing an approved order (订单变更): a new revision with its differences; the rules run
again and only the levels the change triggers approve again; reservations follow."""

from django.db import transaction

from customers.credit import credit_check_lock
from customers.services import customer_exposure_adjust
from inventory.services import StockRequest, stock_reserve
from orders.errors import CommentRequired
from orders.models import ApprovalRule, ApprovalStep, LineReservation, OrderEvent, OrderRevision
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
    event_record,
    guard_transition,
    order_lock,
    order_save,
    reservations_release,
)
from orders.services.lifecycle import (
    LineInput,
    _apply_totals,
    _build_lines,
    _lines_replace,
    _override_discounts,
)
from orders.services.notices import approval_step_notice_enqueue
from orders.services.routing import OrderFacts, approval_chain_plan, rule_reasons


def _snapshot(order, lines) -> dict:
    return {
        "total": str(order.total_amount),
        "requested_delivery_on": order.requested_delivery_on.isoformat()
        if order.requested_delivery_on
        else "",
        "lines": {
            str(line.line_no): {
                "sku": line.product.sku,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price_amount),
                "discount_percent": str(line.discount_percent),
            }
            for line in lines
        },
    }


def revision_changes(before: dict, after: dict) -> list[dict]:
    """The differences between two snapshots, as (what, old, new) rows."""
    changes = []
    if before["total"] != after["total"]:
        changes.append({"what": "total", "old": before["total"], "new": after["total"]})
    if before["requested_delivery_on"] != after["requested_delivery_on"]:
        changes.append(
            {
                "what": "requested_delivery_on",
                "old": before["requested_delivery_on"],
                "new": after["requested_delivery_on"],
            }
        )
    for number in sorted(set(before["lines"]) | set(after["lines"]), key=int):
        old, new = before["lines"].get(number), after["lines"].get(number)
        if old is None or new is None:
            changes.append(
                {
                    "what": f"line {number}",
                    "old": "" if old is None else f"{old['sku']} × {old['quantity']}",
                    "new": "" if new is None else f"{new['sku']} × {new['quantity']}",
                }
            )
            continue
        for name in ("sku", "quantity", "unit_price", "discount_percent"):
            if old[name] != new[name]:
                changes.append(
                    {"what": f"line {number} {name}", "old": str(old[name]), "new": str(new[name])}
                )
    return changes


def _worse(rule: ApprovalRule, old: OrderFacts, new: OrderFacts) -> bool:
    """Whether the change made one of the rule's figures worse than what was approved."""
    if rule.min_total_amount is not None and new.total_amount > old.total_amount:
        return True
    if rule.max_discount_percent is not None and (
        new.largest_discount > old.largest_discount
        or max(new.override_discounts.values(), default=0)
        > max(old.override_discounts.values(), default=0)
    ):
        return True
    if rule.max_margin_percent is not None and (new.margin_percent or 0) < (
        old.margin_percent or 0
    ):
        return True
    return False


def _approved_rule_names(order) -> set[str]:
    names = set()
    for rule_names in order.approval_steps.filter(status=ApprovalStep.Status.APPROVED).values_list(
        "rule_names", flat=True
    ):
        names.update(name.strip() for name in rule_names.split(",") if name.strip())
    return names


@transaction.atomic
def order_revise(
    *,
    order_id: int,
    actor,
    lines: list[LineInput],
    reason: str,
    requested_delivery_on=None,
    expected_version: int | None = None,
) -> OrderRevision:
    """Change an approved order that has shipped and invoiced nothing: its lines (quantity,
    price, discount; a missing line is removed), its delivery date. The reservations are
    taken again for the new quantities (all or nothing), exposure follows the new total, the
    rules run again, and a level approves again only when one of its rules did not apply
    before or a figure it checks got worse; otherwise the order stays approved.

    Raises CommentRequired, OrderTransitionNotAllowed, OrderPermissionDenied,
    OrderChangedConcurrently, OrderHasNoLines, InsufficientStock.
    """
    if not reason.strip():
        raise CommentRequired()
    order = order_lock(order_id=order_id, expected_version=expected_version)
    guard_transition(order, "revise", actor)
    old_lines = list(order.lines.select_related("product__category"))
    before = _snapshot(order, old_lines)
    old_total = order.total_amount
    rules = approval_rules_load(on=order.order_date, submitter_id=actor.pk)

    def facts_of(current_lines, customer, over_credit: bool) -> OrderFacts:
        return order_facts(
            order=order,
            lines=current_lines,
            customer=customer,
            over_credit_limit=over_credit,
            override_discounts=_override_discounts(order, current_lines),
            role_discount_percent=role_discount_of(rules),
            team_leader_id=team_leader_of(order.team_id) if rules_need_team_leader(rules) else None,
        )

    old_facts = facts_of(old_lines, order.customer, False)
    reservations_release(order)
    built = _build_lines(order, lines)
    _apply_totals(order, built)
    _lines_replace(order, built, actor=actor, reason=reason)
    new_lines = list(order.lines.select_related("product__category").order_by("line_no"))
    stock_reserve(
        requests=[
            StockRequest(line.product_id, order.warehouse_id, line.quantity) for line in new_lines
        ]
    )
    LineReservation.objects.bulk_create(
        [
            LineReservation(
                line=line,
                product_id=line.product_id,
                warehouse_id=order.warehouse_id,
                quantity=line.quantity,
            )
            for line in new_lines
        ]
    )
    customer, credit = credit_check_lock(
        customer_id=order.customer_id,
        order_amount=order.total_amount,
        checkpoint="submit",
        already_counted=old_total,
    )
    customer_exposure_adjust(
        customer_id=order.customer_id, open_order_delta=order.total_amount - old_total
    )
    new_facts = facts_of(new_lines, customer, credit.over_limit)
    approved_names = _approved_rule_names(order)
    triggered = []
    by_name = {rule.name: rule for rule in rules}
    for level in approval_chain_plan(rules, new_facts, resolve=ApproverDirectory().resolve):
        fresh = [
            name
            for name in level.rule_names
            if name not in approved_names
            or rule_reasons(by_name[name], old_facts) is None
            or _worse(by_name[name], old_facts, new_facts)
        ]
        if fresh:
            triggered.append(level)
    order.requested_delivery_on = requested_delivery_on
    from_status = order.status
    reasons = "; ".join(level.reason for level in triggered)
    order.revise(needs_approval=bool(triggered), reason=reasons)
    order._history_user = actor
    order._change_reason = reason
    order_save(
        order,
        [
            "status",
            "revision",
            "approval_reason",
            "requested_delivery_on",
            "lines_amount",
            "discount_amount",
            "tax_amount",
            "total_amount",
        ],
    )
    start = order.approval_steps.order_by("-level").values_list("level", flat=True).first() or 0
    steps = approval_steps_create(order=order, plan=triggered, first_level=start + 1)
    if steps:
        approval_step_notice_enqueue(step_id=steps[0].pk)
    after = _snapshot(order, new_lines)
    revision = OrderRevision.objects.create(
        order=order,
        number=order.revision,
        reason=reason,
        actor=actor,
        before=before,
        after=after,
        changes=revision_changes(before, after),
        reapproval_levels=[
            {"approvers": step.approver_group_id, "rules": step.rule_names} for step in steps
        ],
    )
    event_record(
        order=order,
        action=OrderEvent.Action.REVISED,
        actor=actor,
        from_status=from_status,
        to_status=order.status,
        comment=reason,
        payload={
            "revision": order.revision,
            "old_total": before["total"],
            "total": after["total"],
            "reapproval": [step.rule_names for step in steps],
        },
    )
    return revision
