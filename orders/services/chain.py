"""Freezing the approval chain of a submitted order: load the rules once, evaluate them
against the priced order, store one step per level with its approvers."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from opms.accounts.models import Role, Team
from opms.core.money import ZERO
from opms.core.sql import column, columns, rows_fetch, table
from orders.models import ApprovalRule, ApprovalStep, RoleDiscountLimit, SalesOrder
from orders.services.routing import (
    OrderFacts,
    PlannedLevel,
    approvers_resolve,
    margin_percent,
)


def approval_rules_load(*, on, submitter_id: int | None) -> list[ApprovalRule]:
    """Switched-on rules valid on ``on``, with the submitter's role discount limit riding
    along (one statement)."""
    # Hand-written (opms.core.sql): every submit runs it; ordered as ApprovalRule.Meta.
    memberships = get_user_model().groups.through
    limit = column(RoleDiscountLimit, "max_discount_percent")
    sql = (
        f"SELECT {columns(ApprovalRule, 'r')}, "  # noqa: S608
        f"(SELECT l.{limit} FROM {table(RoleDiscountLimit)} l "
        f"JOIN {table(memberships)} m ON m.{column(memberships, 'group')} = "
        f"l.{column(RoleDiscountLimit, 'group')} "
        f"WHERE m.{column(memberships, 'user')} = %s ORDER BY l.{limit} DESC LIMIT 1) "
        "AS role_discount_percent "
        f"FROM {table(ApprovalRule)} r WHERE r.{column(ApprovalRule, 'is_active')} = %s "
        f"ORDER BY r.{column(ApprovalRule, 'position')}, r.{column(ApprovalRule, 'id')}"
    )
    rules = rows_fetch(
        ApprovalRule,
        sql,
        [submitter_id, True],
        extra=[RoleDiscountLimit._meta.get_field("max_discount_percent")],
    )
    return [rule for rule in rules if rule.is_valid_on(on)]


def role_discount_of(rules: list[ApprovalRule]) -> Decimal | None:
    return rules[0].role_discount_percent if rules else None


class ApproverDirectory:
    """Looks up group members, named users and the fallback group, each at most once."""

    def __init__(self):
        self._members: dict[int, tuple[int, ...]] = {}
        self._fallback: int | None = None

    def group_members(self, group_id: int) -> tuple[int, ...]:
        if group_id not in self._members:
            self._members[group_id] = tuple(
                get_user_model()
                .objects.filter(groups=group_id, is_active=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        return self._members[group_id]

    def rule_users(self, rule: ApprovalRule) -> tuple[int, ...]:
        return tuple(rule.approver_users.filter(is_active=True).values_list("pk", flat=True))

    def fallback_group_id(self) -> int | None:
        if self._fallback is None:
            group = Group.objects.filter(name=Role.MANAGER).first()
            self._fallback = group.pk if group else None
        return self._fallback

    def resolve(self, rule: ApprovalRule, facts: OrderFacts):
        return approvers_resolve(
            rule,
            facts,
            group_members=self.group_members,
            rule_users=self.rule_users,
            fallback_group_id=self.fallback_group_id,
        )


def team_leader_of(team_id: int | None) -> int | None:
    if team_id is None:
        return None
    return Team.objects.filter(pk=team_id).values_list("leader_id", flat=True).first()


def rules_need_team_leader(rules: list[ApprovalRule]) -> bool:
    return any(rule.approver_kind == ApprovalRule.ApproverKind.TEAM_LEADER for rule in rules)


def order_facts(
    *,
    order: SalesOrder,
    lines,
    customer,
    over_credit_limit: bool,
    override_discounts: dict[int, Decimal],
    role_discount_percent: Decimal | None,
    team_leader_id: int | None = None,
    with_channel: bool = True,
) -> OrderFacts:
    """The facts of a priced order that rules look at (no query: lines carry products)."""
    net = sum((line.net_amount for line in lines), ZERO)
    cost = sum((line.product.cost_amount * line.quantity for line in lines), ZERO)
    return OrderFacts(
        order_date=order.order_date,
        total_amount=order.total_amount,
        largest_discount=max((line.discount_percent for line in lines), default=ZERO),
        override_discounts=override_discounts,
        has_manual_price=bool(override_discounts)
        or any(
            not line.price_rule_name and line.unit_price_amount != line.list_price_amount
            for line in lines
        ),
        margin_percent=margin_percent(net, cost),
        tier=customer.tier,
        over_credit_limit=over_credit_limit,
        category_codes=frozenset(
            line.product.category.code for line in lines if line.product.category_id
        ),
        # The channel's code costs a statement; only rules with a channel condition need it.
        channel=order.channel.code if with_channel and order.channel_id else "",
        custom=order.custom_fields or {},
        role_discount_percent=role_discount_percent,
        team_leader_id=team_leader_id,
        account_manager_id=customer.sales_rep_id,
    )


def approval_steps_create(
    *, order: SalesOrder, plan: list[PlannedLevel], first_level: int = 1
) -> list[ApprovalStep]:
    """Store the chain with the order: the first level waits, the others are queued."""
    now = timezone.now()
    steps = []
    for number, level in enumerate(plan, start=first_level):
        first = number == first_level
        steps.append(
            ApprovalStep(
                order=order,
                level=number,
                reason=level.reason[:300],
                rule_id=level.rule_ids[0] if level.rule_ids else None,
                rule_names=", ".join(level.rule_names)[:300],
                approver_group_id=level.group_id,
                quorum=level.quorum,
                required_approvals=level.required_approvals,
                deadline_hours=level.deadline_hours,
                deadline_action=level.deadline_action,
                escalate_group_id=level.escalate_group_id,
                status=ApprovalStep.Status.PENDING if first else ApprovalStep.Status.QUEUED,
                due_at=now + timedelta(hours=level.deadline_hours)
                if first and level.deadline_hours
                else None,
                created_at=now,
            )
        )
    if not steps:
        return steps
    ApprovalStep.objects.bulk_create(steps)
    through = ApprovalStep.approvers.through
    links = [
        through(approvalstep_id=step.pk, user_id=user_id)
        for step, level in zip(steps, plan, strict=True)
        for user_id in level.user_ids
    ]
    if links:
        through.objects.bulk_create(links)
    return steps
