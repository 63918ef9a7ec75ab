"""Approval decisions on submitted orders: approve a step, reject back to draft."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.services import customer_exposure_adjust
from opms.accounts.models import Role
from orders.errors import CommentRequired, OrderPermissionDenied
from orders.models import ApprovalStep, OrderEvent, SalesOrder
from orders.services.common import (
    event_record,
    guard_transition,
    order_lock,
    order_save,
    reservations_release,
)


def _current_step(order: SalesOrder) -> ApprovalStep | None:
    return (
        order.approval_steps.select_for_update()
        .filter(status=ApprovalStep.Status.PENDING)
        .order_by("level", "pk")
        .first()
    )


def _may_decide(actor, step: ApprovalStep | None) -> bool:
    """Members of the step's group decide it; managers may decide any step."""
    if actor.is_superuser or actor.has_role(Role.MANAGER):
        return True
    if step is None:
        return actor.has_perm("orders.approve_salesorder")
    return actor.groups.filter(pk=step.approver_group_id).exists()


def _step_decide(order: SalesOrder, actor, status: str, *, comment: str, action):
    """Record the actor's decision on the order's current step (None when it has none).

    Raises OrderPermissionDenied when the actor may not decide that step.
    """
    step = _current_step(order)
    if not _may_decide(actor, step):
        raise OrderPermissionDenied(number=order.number, action=action)
    if step is not None:
        step.status = status
        step.decided_by = actor
        step.decided_at = timezone.now()
        step.comment = comment
        step.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    return step


@transaction.atomic
def order_approve(
    *, order_id: int, actor, comment: str = "", expected_version: int | None = None
) -> SalesOrder:
    """Approve the order's current step; the last step moves the order to approved.

    Exactly one of two concurrent approvers wins: the row lock serialises them and
    the loser sees the new state. Raises OrderTransitionNotAllowed,
    OrderPermissionDenied, OrderChangedConcurrently.
    """
    order = order_lock(order_id=order_id, expected_version=expected_version)
    guard_transition(order, "approve", actor)
    step = _step_decide(
        order, actor, ApprovalStep.Status.APPROVED, comment=comment, action=_("approve")
    )
    remaining = order.approval_steps.filter(status=ApprovalStep.Status.PENDING).exists()
    from_status = order.status
    if not remaining:
        order.approve()
        order_save(order, ["status", "approved_at"])
    else:
        order_save(order, [])
    event_record(
        order=order,
        action=OrderEvent.Action.APPROVED,
        actor=actor,
        from_status=from_status,
        to_status=order.status,
        comment=comment,
        payload={"level": step.level if step else None},
    )
    return order


@transaction.atomic
def order_reject(
    *, order_id: int, actor, comment: str, expected_version: int | None = None
) -> SalesOrder:
    """Reject the order back to draft with the reason; its reservations are released.

    Raises CommentRequired, OrderTransitionNotAllowed, OrderPermissionDenied.
    """
    if not comment.strip():
        raise CommentRequired()
    order = order_lock(order_id=order_id, expected_version=expected_version)
    guard_transition(order, "reject", actor)
    _step_decide(order, actor, ApprovalStep.Status.REJECTED, comment=comment, action=_("reject"))
    order.approval_steps.filter(status=ApprovalStep.Status.PENDING).update(
        status=ApprovalStep.Status.WITHDRAWN
    )
    reservations_release(order)
    customer_exposure_adjust(customer_id=order.customer_id, open_order_delta=-order.total_amount)
    from_status = order.status
    order.reject(reason=comment)
    order_save(order, ["status", "reject_reason", "submitted_at"])
    event_record(
        order=order,
        action=OrderEvent.Action.REJECTED,
        actor=actor,
        from_status=from_status,
        to_status=order.status,
        comment=comment,
    )
    return order
