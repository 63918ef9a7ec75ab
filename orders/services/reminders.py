"""Reminders and escalations for approvals that wait, deadline actions, and reminders to
owners of orders stuck in one state. Run by Celery beat; every notice has a key per step
(or order) and period, so a rerun or a redelivered task reminds nobody twice."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from opms.notifications.events import TITLES, Event
from opms.notifications.services import notify
from orders.models import ApprovalRule, ApprovalStep, SalesOrder
from orders.services.approval import approval_step_auto_approve, approval_step_return
from orders.services.configuration import approval_reminder_settings_get
from orders.services.notices import group_recipients, step_recipients

ESCALATION_TITLE = gettext_noop(
    "Order %(number)s has waited %(hours)s hours for approval at level %(level)s"
)
# One whole sentence per state, so each reader gets it in their own language.
STUCK_TITLES = {
    SalesOrder.Status.DRAFT: gettext_noop("Order %(number)s has been a draft for %(days)s days"),
    SalesOrder.Status.PENDING_APPROVAL: gettext_noop(
        "Order %(number)s has been waiting for approval for %(days)s days"
    ),
    SalesOrder.Status.APPROVED: gettext_noop(
        "Order %(number)s has been approved but not shipped for %(days)s days"
    ),
    SalesOrder.Status.PARTIALLY_SHIPPED: gettext_noop(
        "Order %(number)s has been partially shipped for %(days)s days"
    ),
    SalesOrder.Status.ON_HOLD: gettext_noop("Order %(number)s has been on hold for %(days)s days"),
}
STUCK_STATES = [
    SalesOrder.Status.DRAFT,
    SalesOrder.Status.PENDING_APPROVAL,
    SalesOrder.Status.APPROVED,
    SalesOrder.Status.PARTIALLY_SHIPPED,
    SalesOrder.Status.ON_HOLD,
]


@dataclass
class ReminderRun:
    reminded: int = 0
    escalated: int = 0
    auto_approved: int = 0
    returned: int = 0
    stuck: int = 0


def _period(since: timedelta, every_hours: int) -> int:
    return int(since.total_seconds() // (max(every_hours, 1) * 3600))


def _remind(step: ApprovalStep, key: str) -> int:
    return len(
        notify(
            step_recipients(step),
            Event.APPROVAL_REMINDER,
            key=key,
            title=TITLES[Event.APPROVAL_REMINDER],
            url=reverse("orders:approvals"),
            params={"number": step.order.number},
        )
    )


def _escalate(step: ApprovalStep, group_id: int | None, key: str, waited: timedelta) -> int:
    return len(
        notify(
            group_recipients(group_id),
            Event.APPROVAL_REMINDER,
            key=key,
            title=ESCALATION_TITLE,
            url=reverse("orders:detail", args=[step.order_id]),
            params={
                "number": step.order.number,
                "hours": int(waited.total_seconds() // 3600),
                "level": step.level,
            },
        )
    )


def approval_reminders_send(*, now: datetime | None = None) -> ReminderRun:
    """Remind approvers of waiting levels, escalate long waits, carry out deadline actions."""
    now = now or timezone.now()
    settings = approval_reminder_settings_get()
    run = ReminderRun()
    waiting = (
        ApprovalStep.objects.filter(
            status=ApprovalStep.Status.PENDING, order__status=SalesOrder.Status.PENDING_APPROVAL
        )
        .select_related("order")
        .order_by("created_at", "pk")
    )
    for step in waiting.iterator(chunk_size=200):
        waited = now - step.created_at
        if step.due_at is not None and step.due_at <= now:
            late = now - step.due_at
            action = step.deadline_action
            if action == ApprovalRule.DeadlineAction.AUTO_APPROVE:
                run.auto_approved += approval_step_auto_approve(step_id=step.pk) is not None
            elif action == ApprovalRule.DeadlineAction.RETURN:
                run.returned += approval_step_return(step_id=step.pk) is not None
            elif action == ApprovalRule.DeadlineAction.ESCALATE:
                run.escalated += _escalate(
                    step, step.escalate_group_id, f"approval-deadline:{step.pk}", waited
                )
            else:
                period = _period(late, settings.remind_every_hours)
                run.reminded += _remind(step, f"approval-overdue:{step.pk}:{period}")
            continue
        remind_after = timedelta(hours=settings.remind_after_hours)
        if waited >= remind_after:
            period = _period(waited - remind_after, settings.remind_every_hours)
            run.reminded += _remind(step, f"approval-remind:{step.pk}:{period}")
        if waited >= timedelta(hours=settings.escalate_after_hours):
            run.escalated += _escalate(
                step, settings.escalate_group_id, f"approval-escalate:{step.pk}", waited
            )
    run.stuck = orders_stuck_remind(now=now, days=settings.stuck_after_days)
    return run


def orders_stuck(*, now: datetime, days: int):
    """Open orders whose state has not changed for ``days`` days, with when it last did."""
    cutoff = now - timedelta(days=days)
    return (
        SalesOrder.objects.filter(status__in=STUCK_STATES)
        .annotate(state_since=Max("events__created_at", filter=~Q(events__to_status="")))
        .filter(Q(state_since__lt=cutoff) | Q(state_since__isnull=True, created_at__lt=cutoff))
        .select_related("sales_rep")
        .order_by("pk")
    )


def orders_stuck_remind(*, now: datetime, days: int) -> int:
    """Remind each stuck order's owner once per ``days`` spent in the state."""
    if days <= 0:
        return 0
    sent = 0
    for order in orders_stuck(now=now, days=days).iterator(chunk_size=200):
        since = order.state_since or order.created_at
        waited_days = (now - since).days
        period = waited_days // days
        sent += len(
            notify(
                [order.sales_rep],
                Event.ORDER_STUCK,
                key=f"order-stuck:{order.pk}:{order.status}:{since.date()}:{period}",
                title=STUCK_TITLES.get(order.status, TITLES[Event.ORDER_STUCK]),
                url=reverse("orders:detail", args=[order.pk]),
                params={
                    "number": order.number,
                    "state": order.status,
                    "days": waited_days,
                },
            )
        )
    return sent
