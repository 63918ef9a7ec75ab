"""Reminders, escalation, deadline actions and stuck orders (the beat task's service):
run twice it reminds once per period, in each recipient's language."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from opms.notifications.models import Notification
from opms.notifications.services import notification_email_send
from orders.models import ApprovalRule, ApprovalStep, SalesOrder
from orders.selectors import approval_steps_overdue
from orders.services import order_submit
from orders.services.reminders import approval_reminders_send
from orders.tasks import approval_reminders_send_task


@pytest.fixture
def waiting(users, make_order, products):
    order = make_order([(products[0], 100), (products[2], 20)])
    order = order_submit(order_id=order.pk, actor=users["sales"])
    return ApprovalStep.objects.get(order=order)


def reminders():
    return Notification.objects.filter(event="approval_reminder")


def test_a_reminder_run_twice_reminds_once(users, waiting):
    later = timezone.now() + timedelta(hours=25)

    first = approval_reminders_send(now=later)
    second = approval_reminders_send(now=later + timedelta(minutes=15))

    assert (first.reminded, second.reminded) == (1, 0)
    assert list(reminders().values_list("recipient__username", flat=True)) == ["approver"]


def test_the_next_period_reminds_again(users, waiting):
    approval_reminders_send(now=timezone.now() + timedelta(hours=25))
    run = approval_reminders_send(now=timezone.now() + timedelta(hours=49, minutes=1))
    assert run.reminded == 1
    assert reminders().filter(recipient=users["approver"]).count() == 2
    # 48 hours: the escalation group (managers) hears of it, once.
    assert run.escalated == 1
    assert reminders().filter(recipient=users["manager"]).count() == 1


def test_the_celery_task_runs_the_same_service(users, waiting):
    assert approval_reminders_send_task.apply().get()["reminded"] == 0  # not yet due


def test_a_reminder_is_written_in_the_recipients_language(users, waiting):
    approver = users["approver"]
    approver.language = "zh-hans"
    approver.email = "approver@example.com"
    approver.save(update_fields=["language", "email"])

    approval_reminders_send(now=timezone.now() + timedelta(hours=25))
    notification_email_send(notification_id=reminders().get().pk)

    [message] = mail.outbox
    assert message.subject == f"[OPMS] 订单 {waiting.order.number} 仍在等待您审批"
    assert message.to == ["approver@example.com"]


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (ApprovalRule.DeadlineAction.AUTO_APPROVE, SalesOrder.Status.APPROVED),
        (ApprovalRule.DeadlineAction.RETURN, SalesOrder.Status.DRAFT),
    ],
)
def test_a_passed_deadline_does_what_the_rule_says(users, make_order, products, action, status):
    ApprovalRule.objects.update(is_active=False)
    ApprovalRule.objects.create(
        name="Fast",
        approver_group=Group.objects.get(name="approver"),
        deadline_hours=4,
        deadline_action=action,
    )
    order = order_submit(order_id=make_order([(products[1], 2)]).pk, actor=users["sales"])
    step = ApprovalStep.objects.get(order=order)
    assert list(approval_steps_overdue(now=timezone.now() + timedelta(hours=5))) == [step]

    approval_reminders_send(now=timezone.now() + timedelta(hours=5))
    approval_reminders_send(now=timezone.now() + timedelta(hours=5))

    order.refresh_from_db()
    assert order.status == status
    assert list(approval_steps_overdue(now=timezone.now() + timedelta(hours=5))) == []


def test_a_stuck_order_reminds_its_owner_once_per_period(users, make_order, products):
    order = make_order([(products[1], 2)])
    later = timezone.now() + timedelta(days=8)
    approval_reminders_send(now=later)
    approval_reminders_send(now=later + timedelta(hours=1))
    stuck = Notification.objects.filter(event="order_stuck")
    assert [(n.recipient.username, n.text) for n in stuck] == [
        ("sales", f"Order {order.number} has been a draft for 8 days")
    ]
