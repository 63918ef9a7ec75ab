"""The approval rule engine: which rules a priced order matches, and the chain of levels
they build (ordered, without duplicate approvers). Pure Python over rules loaded once."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from opms.core.money import ZERO, round_money
from orders.models import ApprovalRule


@dataclass(frozen=True)
class OrderFacts:
    """What the rules look at, taken from a priced order (or the order form's preview)."""

    order_date: date
    total_amount: Decimal
    largest_discount: Decimal = ZERO
    override_discounts: dict[int, Decimal] = field(default_factory=dict)
    has_manual_price: bool = False
    margin_percent: Decimal | None = None
    tier: str = ""
    over_credit_limit: bool = False
    category_codes: frozenset[str] = frozenset()
    channel: str = ""
    custom: dict = field(default_factory=dict)
    role_discount_percent: Decimal | None = None
    team_leader_id: int | None = None
    account_manager_id: int | None = None


def margin_percent(net_amount: Decimal, cost_amount: Decimal) -> Decimal | None:
    """Gross margin of the lines in percent of their net value (None without value)."""
    if net_amount <= ZERO:
        return None
    return round_money((net_amount - cost_amount) / net_amount * 100)


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _same_value(stored, wanted: str) -> bool:
    text, wanted = _as_text(stored).strip().casefold(), wanted.strip().casefold()
    synonyms = {"true": "yes", "1": "yes", "是": "yes", "false": "no", "0": "no", "否": "no"}
    if isinstance(stored, bool):
        wanted = synonyms.get(wanted, wanted)
    return text == wanted


def rule_reasons(rule: ApprovalRule, facts: OrderFacts) -> list[str] | None:
    """Why ``rule`` applies to the order, or None when one of its conditions does not hold.

    Conditions combine with AND; a rule without conditions applies to every order.
    """
    reasons: list[str] = []
    if rule.min_total_amount is not None:
        if facts.total_amount < rule.min_total_amount:
            return None
        reasons.append(
            _("total %(total)s reaches the approval amount %(limit)s")
            % {"total": facts.total_amount, "limit": rule.min_total_amount}
        )
    if rule.max_discount_percent is not None:
        cap = rule.max_discount_percent
        if rule.use_role_discount_limit and facts.role_discount_percent is not None:
            cap = facts.role_discount_percent
        found = []
        if facts.largest_discount > cap:
            found.append(
                _("discount %(discount)s%% is above %(limit)s%%")
                % {"discount": facts.largest_discount, "limit": cap}
            )
        for line_no, discount in sorted(facts.override_discounts.items()):
            if discount > cap:
                found.append(
                    _("price of line %(line)s is %(discount)s%% below the rule price")
                    % {"line": line_no, "discount": discount}
                )
        if not found:
            return None
        reasons.extend(found)
    if rule.max_margin_percent is not None:
        if facts.margin_percent is None or facts.margin_percent >= rule.max_margin_percent:
            return None
        reasons.append(
            _("gross margin %(margin)s%% is below %(limit)s%%")
            % {"margin": facts.margin_percent, "limit": rule.max_margin_percent}
        )
    if rule.manual_price_override:
        if not facts.has_manual_price:
            return None
        reasons.append(_("a price was typed in by hand"))
    if rule.customer_tiers:
        if facts.tier not in rule.customer_tiers:
            return None
        reasons.append(_("customer tier %(tier)s") % {"tier": facts.tier})
    if rule.over_credit_limit:
        if not facts.over_credit_limit:
            return None
        reasons.append(_("the customer is over its credit limit"))
    if rule.product_categories:
        hits = sorted(facts.category_codes & set(rule.product_categories))
        if not hits:
            return None
        reasons.append(_("product category %(categories)s") % {"categories": ", ".join(hits)})
    if rule.channels:
        if facts.channel not in rule.channels:
            return None
        reasons.append(_("order channel %(channel)s") % {"channel": facts.channel})
    if rule.custom_field_name:
        stored = facts.custom.get(rule.custom_field_name)
        if not _same_value(stored, rule.custom_field_value):
            return None
        reasons.append(
            _("%(field)s is %(value)s")
            % {"field": rule.custom_field_name, "value": rule.custom_field_value}
        )
    if not reasons:
        reasons.append(_("every order"))
    return reasons


@dataclass
class PlannedLevel:
    """One level of the chain: who approves, how many must, why, from which rules."""

    position: int
    group_id: int | None
    user_ids: tuple[int, ...]
    quorum: str
    required_approvals: int
    rule_ids: list[int] = field(default_factory=list)
    rule_names: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    deadline_hours: int | None = None
    deadline_action: str = ApprovalRule.DeadlineAction.REMIND
    escalate_group_id: int | None = None

    @property
    def key(self) -> tuple:
        return (self.group_id if not self.user_ids else None, self.user_ids)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


# (rule, facts) -> (group id, user ids): who approves a rule's level for this order.
Resolver = Callable[[ApprovalRule, OrderFacts], tuple[int | None, tuple[int, ...]]]


def approvers_resolve(
    rule: ApprovalRule,
    facts: OrderFacts,
    *,
    group_members: Callable[[int], tuple[int, ...]],
    rule_users: Callable[[ApprovalRule], tuple[int, ...]],
    fallback_group_id: Callable[[], int | None],
) -> tuple[int | None, tuple[int, ...]]:
    """The approvers of ``rule``'s level for this order. Members of a group are listed only
    when all or N of them must approve (any one: the group decides, as it is when acting)."""
    kind = rule.approver_kind
    if kind == ApprovalRule.ApproverKind.USERS:
        return rule.approver_group_id, rule_users(rule)
    if kind in (ApprovalRule.ApproverKind.TEAM_LEADER, ApprovalRule.ApproverKind.ACCOUNT_MANAGER):
        person = (
            facts.team_leader_id
            if kind == ApprovalRule.ApproverKind.TEAM_LEADER
            else facts.account_manager_id
        )
        if person is not None:
            return None, (person,)
        # Nobody to resolve to: the rule's group, else the managers, decide instead.
        group_id = rule.approver_group_id or fallback_group_id()
        return group_id, ()
    if rule.quorum != ApprovalRule.Quorum.ANY and rule.approver_group_id:
        return rule.approver_group_id, group_members(rule.approver_group_id)
    return rule.approver_group_id, ()


def _required(quorum: str, count: int, user_ids: tuple[int, ...]) -> int:
    if quorum == ApprovalRule.Quorum.ALL and user_ids:
        return len(user_ids)
    if quorum == ApprovalRule.Quorum.N_OF_M:
        return max(1, min(count, len(user_ids)) if user_ids else count)
    return 1


def approval_chain_plan(
    rules: Iterable[ApprovalRule], facts: OrderFacts, *, resolve: Resolver
) -> list[PlannedLevel]:
    """The ordered levels the order needs: switched-on rules valid on the order date whose
    conditions hold, by level order then rule id; a second rule with the same approvers adds
    its reasons to the first one's level instead of a new level (the stricter quorum and the
    shorter deadline win)."""
    levels: list[PlannedLevel] = []
    by_key: dict[tuple, PlannedLevel] = {}
    for rule in sorted(rules, key=lambda r: (r.position, r.pk or 0)):
        if not rule.is_active or not rule.is_valid_on(facts.order_date):
            continue
        reasons = rule_reasons(rule, facts)
        if reasons is None:
            continue
        group_id, user_ids = resolve(rule, facts)
        user_ids = tuple(sorted(set(user_ids)))
        planned = PlannedLevel(
            position=rule.position,
            group_id=group_id,
            user_ids=user_ids,
            quorum=rule.quorum,
            required_approvals=_required(rule.quorum, rule.quorum_count, user_ids),
            deadline_hours=rule.deadline_hours,
            deadline_action=rule.deadline_action,
            escalate_group_id=rule.escalate_group_id,
        )
        level = by_key.get(planned.key)
        if level is None:
            level = by_key[planned.key] = planned
            levels.append(level)
        else:
            if planned.required_approvals > level.required_approvals:
                level.quorum, level.required_approvals = planned.quorum, planned.required_approvals
            if planned.deadline_hours is not None and (
                level.deadline_hours is None or planned.deadline_hours < level.deadline_hours
            ):
                level.deadline_hours = planned.deadline_hours
                level.deadline_action = planned.deadline_action
                level.escalate_group_id = planned.escalate_group_id
        level.rule_ids.append(rule.pk)
        level.rule_names.append(rule.name)
        level.reasons.extend(reason for reason in reasons if reason not in level.reasons)
    return levels
