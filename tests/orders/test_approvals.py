"""Configurable approvals through the services: the frozen chain, who may decide a level,
会签 / N of M, delegation, reject and resubmit, refusals of bad configuration."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from customers.errors import CustomFieldNameClash
from customers.models import CustomField
from customers.services import custom_field_save
from opms.accounts.models import Team
from opms.notifications.models import Notification
from orders.errors import (
    ApprovalAlreadyGiven,
    ApprovalLevelAlreadyDecided,
    ApprovalRuleInvalid,
    DelegationCircular,
    OrderPermissionDenied,
)
from orders.models import (
    ApprovalDecision,
    ApprovalDelegation,
    ApprovalRule,
    ApprovalStep,
    OrderEvent,
    SalesOrder,
)
from orders.services import LineInput, order_approve, order_reject, order_submit, order_update
from orders.services.configuration import approval_delegation_create, approval_rule_save
from orders.services.notices import approval_step_notify
from orders.views.configuration import RESERVED
from tests.factories import UserFactory

Status = SalesOrder.Status


def only_rule(**fields) -> ApprovalRule:
    """Switch the default rules off and add one."""
    ApprovalRule.objects.update(is_active=False)
    users = fields.pop("users", [])
    fields.setdefault("name", "Test rule")
    rule = ApprovalRule.objects.create(**fields)
    rule.approver_users.set(users)
    return rule


@pytest.fixture
def big_order(make_order, products):
    """About 72,000 with tax: over the default 50,000 approval amount."""
    return make_order([(products[0], 100), (products[2], 20)])


def steps_of(order):
    return list(
        ApprovalStep.objects.filter(order=order)
        .order_by("level")
        .values_list("level", "approver_group__name", "status", "rule_names")
    )


def test_the_default_rules_from_the_old_policy_give_one_level(users, big_order):
    order = order_submit(order_id=big_order.pk, actor=users["sales"])
    assert order.status == Status.PENDING_APPROVAL
    assert steps_of(order) == [(1, "approver", "pending", "Order amount")]


def test_matching_rules_build_an_ordered_chain_without_duplicates(users, big_order):
    ApprovalRule.objects.update(is_active=False)
    manager, finance = Group.objects.get(name="manager"), Group.objects.get(name="finance")
    ApprovalRule.objects.create(
        name="Big", position=20, min_total_amount=Decimal("50000"), approver_group=manager
    )
    ApprovalRule.objects.create(
        name="Tier B", position=10, customer_tiers=["B"], approver_group=finance
    )
    ApprovalRule.objects.create(
        name="Also big", position=30, min_total_amount=Decimal("1000"), approver_group=manager
    )
    ApprovalRule.objects.create(name="Off", position=1, approver_group=finance, is_active=False)
    ApprovalRule.objects.create(
        name="Expired",
        position=1,
        approver_group=manager,
        valid_to=timezone.localdate() - timedelta(days=1),
    )

    order = order_submit(order_id=big_order.pk, actor=users["sales"])

    assert steps_of(order) == [
        (1, "finance", "pending", "Tier B"),
        (2, "manager", "queued", "Big, Also big"),
    ]


def test_the_chain_is_frozen_at_submit(users, big_order):
    rule = only_rule(
        min_total_amount=Decimal("50000"), approver_group=Group.objects.get(name="manager")
    )
    order = order_submit(order_id=big_order.pk, actor=users["sales"])
    before = steps_of(order)

    approval_rule_save(
        actor=users["admin"],
        rule_id=rule.pk,
        values={
            "approver_group": Group.objects.get(name="finance"),
            "min_total_amount": Decimal("1"),
        },
    )
    ApprovalRule.objects.create(name="Later", approver_group=Group.objects.get(name="approver"))

    assert steps_of(order) == before == [(1, "manager", "pending", "Test rule")]


def test_only_the_levels_approvers_decide_it(users, big_order):
    order = order_submit(order_id=big_order.pk, actor=users["sales"])
    for outsider in (users["sales"], users["finance"]):
        with pytest.raises(OrderPermissionDenied):
            order_approve(order_id=order.pk, actor=outsider)
    assert ApprovalStep.objects.get(order=order).status == ApprovalStep.Status.PENDING
    assert not ApprovalDecision.objects.exists()
    order = order_approve(order_id=order.pk, actor=users["approver"])
    assert order.status == Status.APPROVED


def test_a_delegate_approves_on_behalf_of_the_approver(users, big_order):
    stand_in = UserFactory(username="stand_in", roles=["warehouse"])
    today = timezone.localdate()
    approval_delegation_create(
        delegator=users["approver"], delegate=stand_in, starts_on=today, ends_on=today
    )
    order = order_submit(order_id=big_order.pk, actor=users["sales"])

    order = order_approve(order_id=order.pk, actor=stand_in, comment="ok")

    assert order.status == Status.APPROVED
    decision = ApprovalDecision.objects.get()
    assert (decision.actor, decision.on_behalf_of) == (stand_in, users["approver"])
    assert order.events.last().payload["on_behalf_of"] == "approver"


def test_an_expired_delegation_gives_no_right(users, big_order):
    stand_in = UserFactory(username="stand_in", roles=["warehouse"])
    yesterday = timezone.localdate() - timedelta(days=1)
    ApprovalDelegation.objects.create(
        delegator=users["approver"], delegate=stand_in, starts_on=yesterday, ends_on=yesterday
    )
    order = order_submit(order_id=big_order.pk, actor=users["sales"])
    with pytest.raises(OrderPermissionDenied):
        order_approve(order_id=order.pk, actor=stand_in)


def test_an_already_decided_level_gives_a_clear_message(users, big_order):
    second = UserFactory(username="approver2", roles=["approver"])
    order = order_submit(order_id=big_order.pk, actor=users["sales"])
    step = ApprovalStep.objects.get(order=order)
    order_approve(order_id=order.pk, actor=users["approver"], step_id=step.pk)

    with pytest.raises(ApprovalLevelAlreadyDecided) as refused:
        order_approve(order_id=order.pk, actor=second, step_id=step.pk)

    assert str(refused.value) == (
        f"Level 1 of order {order.number} was already decided by approver. "
        "Reload to see what waits now."
    )
    assert ApprovalDecision.objects.count() == 1


def test_all_named_users_must_approve_and_nobody_twice(users, big_order):
    one, two = UserFactory(username="lead1"), UserFactory(username="lead2")
    only_rule(
        approver_kind=ApprovalRule.ApproverKind.USERS,
        quorum=ApprovalRule.Quorum.ALL,
        users=[one, two],
    )
    order = order_submit(order_id=big_order.pk, actor=users["sales"])

    order = order_approve(order_id=order.pk, actor=one)
    assert order.status == Status.PENDING_APPROVAL
    with pytest.raises(ApprovalAlreadyGiven):
        order_approve(order_id=order.pk, actor=one)
    order = order_approve(order_id=order.pk, actor=two)

    assert order.status == Status.APPROVED
    assert ApprovalStep.objects.get(order=order).approvals_count == 2


def test_two_of_three_approve_a_level(users, big_order):
    people = [UserFactory(username=f"board{i}") for i in range(3)]
    only_rule(
        approver_kind=ApprovalRule.ApproverKind.USERS,
        quorum=ApprovalRule.Quorum.N_OF_M,
        quorum_count=2,
        users=people,
    )
    order = order_submit(order_id=big_order.pk, actor=users["sales"])
    order = order_approve(order_id=order.pk, actor=people[2])
    assert order.status == Status.PENDING_APPROVAL
    assert order_approve(order_id=order.pk, actor=people[0]).status == Status.APPROVED


def test_the_team_leader_and_the_account_manager_are_found_from_the_order(
    users, big_order, customer
):
    leader = UserFactory(username="leader")
    team = Team.objects.create(name="East", leader=leader)
    SalesOrder.objects.filter(pk=big_order.pk).update(team=team)
    ApprovalRule.objects.update(is_active=False)
    ApprovalRule.objects.create(
        name="Leader", position=1, approver_kind=ApprovalRule.ApproverKind.TEAM_LEADER
    )
    ApprovalRule.objects.create(
        name="Account", position=2, approver_kind=ApprovalRule.ApproverKind.ACCOUNT_MANAGER
    )

    order = order_submit(order_id=big_order.pk, actor=users["sales"])

    chain = [
        list(step.approvers.values_list("username", flat=True))
        for step in order.approval_steps.order_by("level")
    ]
    assert chain == [["leader"], ["sales"]]
    with pytest.raises(OrderPermissionDenied):
        order_approve(order_id=order.pk, actor=users["approver"])
    order = order_approve(order_id=order.pk, actor=leader)
    assert order.approval_steps.get(level=2).status == ApprovalStep.Status.PENDING


def test_reject_returns_the_order_to_its_owner_and_resubmit_computes_a_new_chain(
    users, big_order, products
):
    order = order_submit(order_id=big_order.pk, actor=users["sales"])
    order = order_reject(order_id=order.pk, actor=users["approver"], comment="too cheap")

    assert order.status == Status.DRAFT
    note = Notification.objects.get(recipient=users["sales"], event="order_rejected")
    assert note.text == f"Order {order.number} was rejected: too cheap"

    order = order_update(
        order_id=order.pk,
        actor=users["sales"],
        expected_version=order.version,
        customer=order.customer,
        warehouse=order.warehouse,
        lines=[LineInput(product_id=products[1].pk, quantity=2)],
    )
    order = order_submit(order_id=order.pk, actor=users["sales"])
    assert order.status == Status.APPROVED
    assert list(order.approval_steps.values_list("status", flat=True)) == ["rejected"]


def test_the_approvers_are_told_once(users, big_order):
    order = order_submit(order_id=big_order.pk, actor=users["sales"])
    step = ApprovalStep.objects.get(order=order)
    assert approval_step_notify(step_id=step.pk) == 1
    assert approval_step_notify(step_id=step.pk) == 0
    note = Notification.objects.get(recipient=users["approver"])
    assert note.text == f"Order {order.number} needs your approval"


def test_approving_the_last_level_tells_the_owner(users, big_order):
    order = order_submit(order_id=big_order.pk, actor=users["sales"])
    order_approve(order_id=order.pk, actor=users["approver"])
    assert (
        Notification.objects.filter(recipient=users["sales"], event="order_approved").count() == 1
    )


@pytest.mark.parametrize(
    ("values", "users_", "message"),
    [
        (
            {"approver_kind": "group", "approver_group": None},
            [],
            "Choose the group that approves this level.",
        ),
        ({"approver_kind": "users"}, [], "Choose at least one user who approves this level."),
    ],
)
def test_a_rule_without_approvers_is_refused(users, values, users_, message):
    before = ApprovalRule.objects.count()
    with pytest.raises(ApprovalRuleInvalid) as refused:
        approval_rule_save(actor=users["admin"], values={"name": "x", **values}, users=users_)
    assert str(refused.value) == message
    assert ApprovalRule.objects.count() == before


def test_a_circular_delegation_is_refused(users):
    today = timezone.localdate()
    approval_delegation_create(
        delegator=users["approver"],
        delegate=users["manager"],
        starts_on=today,
        ends_on=today + timedelta(days=5),
    )
    with pytest.raises(DelegationCircular) as refused:
        approval_delegation_create(
            delegator=users["manager"],
            delegate=users["approver"],
            starts_on=today + timedelta(days=3),
            ends_on=today + timedelta(days=9),
        )
    assert "circular delegation is not allowed" in str(refused.value)
    assert ApprovalDelegation.objects.count() == 1


def test_a_custom_field_named_like_a_built_in_field_is_refused(users):
    for target, name in (("order", "total_amount"), ("customer", "credit_limit_amount")):
        with pytest.raises(CustomFieldNameClash):
            custom_field_save(
                actor=users["admin"],
                values={"target": target, "name": name, "label": "x", "kind": "text"},
                reserved_names=RESERVED[target],
            )
    assert not CustomField.objects.exists()


def test_a_custom_field_value_can_route_an_order(users, big_order):
    only_rule(
        custom_field_name="project",
        custom_field_value="P-9",
        approver_group=Group.objects.get(name="manager"),
    )
    SalesOrder.objects.filter(pk=big_order.pk).update(custom_fields={"project": "P-9"})
    order = order_submit(order_id=big_order.pk, actor=users["sales"])
    assert steps_of(order) == [(1, "manager", "pending", "Test rule")]
    assert order.approval_reason == "project is P-9"
    assert (
        OrderEvent.objects.filter(order=order, action="submitted").get().comment == "project is P-9"
    )
