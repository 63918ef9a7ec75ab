"""Two approvers acting on one level at the same moment (PostgreSQL, real threads): one
wins, the other is told the level was already decided; 会签 counts each approver once."""

import pytest

from opms.accounts.models import User
from orders.errors import ApprovalLevelAlreadyDecided
from orders.models import ApprovalDecision, ApprovalRule, ApprovalStep, SalesOrder
from orders.services import order_approve, order_submit
from tests.factories import UserFactory
from tests.orders.test_concurrency import kinds, run_together

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migrated_data")]


def approve(order_id: int, user_id: int, step_id: int):
    def call():
        return order_approve(
            order_id=order_id, actor=User.objects.get(pk=user_id), comment="ok", step_id=step_id
        )

    return call


def test_two_approvers_of_one_level_at_once_one_wins(users, make_order, products):
    second = UserFactory(username="approver2", roles=["approver"])
    order = order_submit(
        order_id=make_order([(products[0], 100), (products[2], 20)]).pk, actor=users["sales"]
    )
    step = ApprovalStep.objects.get(order=order)

    outcomes = run_together(
        [approve(order.pk, users["approver"].pk, step.pk), approve(order.pk, second.pk, step.pk)]
    )

    assert kinds(outcomes) == {"ok": 1, "ApprovalLevelAlreadyDecided": 1}
    loser = next(o for o in outcomes if isinstance(o, ApprovalLevelAlreadyDecided))
    step.refresh_from_db()
    assert str(loser).startswith(f"Level 1 of order {order.number} was already decided by")
    assert ApprovalDecision.objects.filter(step=step).count() == 1
    assert step.status == ApprovalStep.Status.APPROVED
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.APPROVED


def test_concurrent_countersigners_are_each_counted_once(users, make_order, products):
    people = [UserFactory(username=f"signer{i}") for i in range(3)]
    ApprovalRule.objects.update(is_active=False)
    rule = ApprovalRule.objects.create(
        name="All three",
        approver_kind=ApprovalRule.ApproverKind.USERS,
        quorum=ApprovalRule.Quorum.ALL,
    )
    rule.approver_users.set(people)
    order = order_submit(order_id=make_order([(products[1], 2)]).pk, actor=users["sales"])
    step = ApprovalStep.objects.get(order=order)

    outcomes = run_together([approve(order.pk, person.pk, step.pk) for person in people])

    assert kinds(outcomes) == {"ok": 3}
    step.refresh_from_db()
    assert (step.approvals_count, step.status) == (3, ApprovalStep.Status.APPROVED)
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.APPROVED
