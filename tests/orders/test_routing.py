"""The approval rule engine, table-driven: conditions, AND, ordering, de-duplication,
validity dates and switched-off rules (pure Python, no database)."""

from datetime import date
from decimal import Decimal

import pytest

from orders.models import ApprovalRule
from orders.services.routing import OrderFacts, approval_chain_plan, rule_reasons

DAY = date(2026, 6, 15)
D = Decimal


def facts(**changes) -> OrderFacts:
    base = {
        "order_date": DAY,
        "total_amount": D("10000.00"),
        "largest_discount": D("0"),
        "tier": "B",
        "category_codes": frozenset({"PUMP"}),
        "margin_percent": D("30.00"),
    }
    base.update(changes)
    return OrderFacts(**base)


def rule(pk=1, **fields) -> ApprovalRule:
    fields.setdefault("name", f"rule {pk}")
    fields.setdefault("approver_group_id", 10)
    return ApprovalRule(pk=pk, **fields)


def group_of(rule_, facts_):
    return rule_.approver_group_id, tuple(getattr(rule_, "_users", ()))


@pytest.mark.parametrize(
    ("conditions", "order", "matches"),
    [
        ({"min_total_amount": D("50000")}, {"total_amount": D("50000.00")}, True),
        ({"min_total_amount": D("50000")}, {"total_amount": D("49999.99")}, False),
        ({"max_discount_percent": D("10")}, {"largest_discount": D("10.01")}, True),
        ({"max_discount_percent": D("10")}, {"largest_discount": D("10")}, False),
        ({"max_discount_percent": D("10")}, {"override_discounts": {2: D("12.5")}}, True),
        (
            {"max_discount_percent": D("10"), "use_role_discount_limit": True},
            {"largest_discount": D("5"), "role_discount_percent": D("3")},
            True,
        ),
        (
            {"max_discount_percent": D("10"), "use_role_discount_limit": False},
            {"largest_discount": D("5"), "role_discount_percent": D("3")},
            False,
        ),
        ({"max_margin_percent": D("15")}, {"margin_percent": D("14.99")}, True),
        ({"max_margin_percent": D("15")}, {"margin_percent": D("15")}, False),
        ({"max_margin_percent": D("15")}, {"margin_percent": None}, False),
        ({"manual_price_override": True}, {"has_manual_price": True}, True),
        ({"manual_price_override": True}, {"has_manual_price": False}, False),
        ({"customer_tiers": ["A", "C"]}, {"tier": "A"}, True),
        ({"customer_tiers": ["A", "C"]}, {"tier": "B"}, False),
        ({"over_credit_limit": True}, {"over_credit_limit": True}, True),
        ({"over_credit_limit": True}, {"over_credit_limit": False}, False),
        ({"product_categories": ["PUMP", "VALVE"]}, {}, True),
        ({"product_categories": ["VALVE"]}, {}, False),
        ({"channels": ["api"]}, {"channel": "api"}, True),
        ({"channels": ["api"]}, {"channel": ""}, False),
        (
            {"custom_field_name": "project", "custom_field_value": "P-9"},
            {"custom": {"project": "p-9"}},
            True,
        ),
        ({"custom_field_name": "project", "custom_field_value": "P-9"}, {"custom": {}}, False),
        (
            {"custom_field_name": "urgent", "custom_field_value": "yes"},
            {"custom": {"urgent": True}},
            True,
        ),
        (
            {"custom_field_name": "urgent", "custom_field_value": "是"},
            {"custom": {"urgent": False}},
            False,
        ),
        # AND: every condition that is set must hold.
        (
            {"min_total_amount": D("50000"), "customer_tiers": ["C"]},
            {"total_amount": D("60000"), "tier": "C"},
            True,
        ),
        (
            {"min_total_amount": D("50000"), "customer_tiers": ["C"]},
            {"total_amount": D("60000"), "tier": "B"},
            False,
        ),
        # A rule without conditions applies to every order.
        ({}, {}, True),
    ],
)
def test_conditions(conditions, order, matches):
    assert (rule_reasons(rule(**conditions), facts(**order)) is not None) is matches


def test_reasons_name_the_figures():
    reasons = rule_reasons(
        rule(min_total_amount=D("50000"), max_discount_percent=D("10")),
        facts(total_amount=D("60000.00"), largest_discount=D("12.00")),
    )
    assert reasons == [
        "total 60000.00 reaches the approval amount 50000",
        "discount 12.00% is above 10%",
    ]


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        # Levels follow the level order, then the rule id.
        (
            [rule(1, position=20, approver_group_id=2), rule(2, position=10, approver_group_id=1)],
            [(1, ["rule 2"]), (2, ["rule 1"])],
        ),
        (
            [rule(2, position=10, approver_group_id=2), rule(1, position=10, approver_group_id=1)],
            [(1, ["rule 1"]), (2, ["rule 2"])],
        ),
        # Same approvers twice: one level with both rules (no duplicate).
        (
            [rule(1, position=10, approver_group_id=1), rule(2, position=30, approver_group_id=1)],
            [(1, ["rule 1", "rule 2"])],
        ),
        (
            [
                rule(1, position=10, approver_group_id=1),
                rule(2, position=20, approver_group_id=2),
                rule(3, position=30, approver_group_id=1),
            ],
            [(1, ["rule 1", "rule 3"]), (2, ["rule 2"])],
        ),
        # Switched off, not yet valid, expired: no level.
        ([rule(1, is_active=False)], []),
        ([rule(1, valid_from=date(2026, 6, 16))], []),
        ([rule(1, valid_to=date(2026, 6, 14))], []),
        ([rule(1, valid_from=DAY, valid_to=DAY)], [(10, ["rule 1"])]),
        # A rule whose condition fails adds nothing.
        ([rule(1, min_total_amount=D("1000000"))], []),
    ],
)
def test_chain(rules, expected):
    plan = approval_chain_plan(rules, facts(), resolve=group_of)
    assert [(level.group_id, level.rule_names) for level in plan] == expected


def test_a_duplicate_level_keeps_the_stricter_quorum_and_the_shorter_deadline():
    first = rule(1, approver_group_id=1, deadline_hours=48)
    first._users = (5, 6, 7)
    second = rule(
        2,
        approver_group_id=1,
        quorum=ApprovalRule.Quorum.ALL,
        deadline_hours=8,
        deadline_action=ApprovalRule.DeadlineAction.ESCALATE,
        escalate_group_id=3,
    )
    second._users = (7, 6, 5)
    [level] = approval_chain_plan([first, second], facts(), resolve=group_of)
    assert (level.user_ids, level.required_approvals, level.quorum) == ((5, 6, 7), 3, "all")
    assert (level.deadline_hours, level.deadline_action, level.escalate_group_id) == (
        8,
        "escalate",
        3,
    )


@pytest.mark.parametrize(
    ("quorum", "count", "users", "required"),
    [
        ("any", 1, (1, 2, 3), 1),
        ("all", 1, (1, 2, 3), 3),
        ("n_of_m", 2, (1, 2, 3), 2),
        ("n_of_m", 5, (1, 2, 3), 3),
    ],
)
def test_quorum(quorum, count, users, required):
    one = rule(1, quorum=quorum, quorum_count=count)
    one._users = users
    [level] = approval_chain_plan([one], facts(), resolve=group_of)
    assert level.required_approvals == required
