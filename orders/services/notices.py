"""Who hears about approvals: the approvers of a step (and their delegates), the owner of
a decided order. Each notification has a key, so a rerun notifies nobody twice."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from opms.core.queue import enqueue_on_commit
from opms.notifications.events import TITLES, Event
from opms.notifications.services import notify
from orders.models import ApprovalDelegation, ApprovalStep, SalesOrder


def step_approver_ids(step: ApprovalStep) -> list[int]:
    """The users who may decide the step themselves (named approvers, else its group)."""
    named = list(step.approvers.values_list("pk", flat=True))
    if named:
        return named
    if step.approver_group_id is None:
        return []
    return list(
        get_user_model()
        .objects.filter(groups=step.approver_group_id, is_active=True)
        .values_list("pk", flat=True)
    )


def step_recipients(step: ApprovalStep) -> list:
    """Approvers of the step plus whoever stands in for them today."""
    approver_ids = step_approver_ids(step)
    today = timezone.localdate()
    delegate_ids = ApprovalDelegation.objects.filter(
        delegator_id__in=approver_ids, starts_on__lte=today, ends_on__gte=today
    ).values_list("delegate_id", flat=True)
    return list(
        get_user_model().objects.filter(
            Q(pk__in=approver_ids) | Q(pk__in=list(delegate_ids)), is_active=True
        )
    )


def group_recipients(group_id: int | None) -> list:
    if group_id is None:
        return []
    return list(get_user_model().objects.filter(groups=group_id, is_active=True))


def approval_step_notify(*, step_id: int) -> int:
    """Tell the step's approvers that the order waits for them (once per step)."""
    step = ApprovalStep.objects.select_related("order").filter(pk=step_id).first()
    if step is None or step.status != ApprovalStep.Status.PENDING:
        return 0
    order = step.order
    created = notify(
        step_recipients(step),
        Event.APPROVAL_NEEDED,
        key=f"approval-needed:{step.pk}",
        title=TITLES[Event.APPROVAL_NEEDED],
        url=reverse("orders:approvals"),
        params={"number": order.number},
    )
    return len(created)


def approval_step_notice_enqueue(*, step_id: int) -> None:
    """Queue the "needs your approval" notice once the transaction commits."""
    # orders.tasks imports the services; the task is looked up when it is needed.
    from orders.tasks import approval_step_notify_task

    enqueue_on_commit(approval_step_notify_task, step_id)


def order_decided_notify(*, order: SalesOrder, approved: bool, reason: str = "") -> None:
    """Tell the order's owner it was approved or rejected (once per decision)."""
    event = Event.ORDER_APPROVED if approved else Event.ORDER_REJECTED
    notify(
        [order.sales_rep],
        event,
        key=f"order-decided:{order.pk}:{order.version}",
        title=TITLES[event],
        url=reverse("orders:detail", args=[order.pk]),
        params={"number": order.number, "reason": reason},
    )
