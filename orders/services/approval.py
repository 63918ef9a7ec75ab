"""Approval decisions on submitted orders: approve a level (alone, 会签 or N of M, directly
or for a delegator), reject back to draft, and what happens when a level's deadline passes."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.services import customer_exposure_adjust
from opms.accounts.models import Role
from orders.errors import (
    ApprovalAlreadyGiven,
    ApprovalLevelAlreadyDecided,
    CommentRequired,
    OrderPermissionDenied,
)
from orders.models import (
    ApprovalDecision,
    ApprovalDelegation,
    ApprovalStep,
    OrderEvent,
    SalesOrder,
)
from orders.services.common import (
    event_record,
    guard_transition,
    order_lock,
    order_save,
    reservations_release,
)
from orders.services.notices import approval_step_notice_enqueue, order_decided_notify


def _current_step(order: SalesOrder) -> ApprovalStep | None:
    return (
        order.approval_steps.select_for_update()
        .filter(status=ApprovalStep.Status.PENDING)
        .order_by("level", "pk")
        .first()
    )


def _decides_step(user, step: ApprovalStep, named: list[int]) -> bool:
    if named:
        return user.pk in named
    return step.approver_group_id is not None and any(
        group.pk == step.approver_group_id for group in user.groups.all()
    )


def step_decider(actor, step: ApprovalStep | None):
    """Whether ``actor`` may decide ``step``, and for whom: (allowed, on_behalf_of).

    The step's named approvers (else members of its group) decide it; managers may decide
    any step; a delegate decides for an approver who is away today.
    """
    if actor.is_superuser or actor.has_role(Role.MANAGER):
        return True, None
    if step is None:
        return actor.has_perm("orders.approve_salesorder"), None
    named = list(step.approvers.values_list("pk", flat=True))
    if _decides_step(actor, step, named):
        return True, None
    today = timezone.localdate()
    delegations = ApprovalDelegation.objects.filter(
        delegate=actor, starts_on__lte=today, ends_on__gte=today
    ).select_related("delegator")
    for delegation in delegations.prefetch_related("delegator__groups"):
        if delegation.delegator.is_active and _decides_step(delegation.delegator, step, named):
            return True, delegation.delegator
    return False, None


def _check_level(order: SalesOrder, step: ApprovalStep | None, step_id: int | None) -> None:
    """Refuse a decision on a level that is no longer the one waiting (someone was faster)."""
    if step_id is None or (step is not None and step.pk == step_id):
        return
    decided = (
        ApprovalStep.objects.select_related("decided_by").filter(pk=step_id, order=order).first()
    )
    if decided is None:
        return
    raise ApprovalLevelAlreadyDecided(
        number=order.number,
        level=decided.level,
        by=str(decided.decided_by or _("someone else")),
    )


def _activate_next(order: SalesOrder) -> ApprovalStep | None:
    """Start the next queued level: it waits from now, with its own deadline."""
    step = (
        order.approval_steps.select_for_update()
        .filter(status=ApprovalStep.Status.QUEUED)
        .order_by("level", "pk")
        .first()
    )
    if step is None:
        return None
    now = timezone.now()
    step.status = ApprovalStep.Status.PENDING
    step.created_at = now
    step.due_at = now + timedelta(hours=step.deadline_hours) if step.deadline_hours else None
    step.save(update_fields=["status", "created_at", "due_at"])
    approval_step_notice_enqueue(step_id=step.pk)
    return step


def _approve_step(order, step, *, actor, on_behalf_of, comment, decision) -> None:
    if actor is not None and step.decisions.filter(actor=actor).exists():
        raise ApprovalAlreadyGiven(number=order.number, level=step.level)
    now = timezone.now()
    ApprovalDecision.objects.create(
        step=step,
        decision=decision,
        actor=actor,
        on_behalf_of=on_behalf_of,
        comment=comment,
        decided_at=now,
    )
    step.approvals_count += 1
    fields = ["approvals_count"]
    if step.approvals_count >= step.required_approvals or actor is None:
        step.status = ApprovalStep.Status.APPROVED
        step.decided_by = actor
        step.decided_at = now
        step.comment = comment
        fields += ["status", "decided_by", "decided_at", "comment"]
    step.save(update_fields=fields)


def _order_approve_locked(
    order: SalesOrder, *, actor, comment: str, step_id: int | None = None, automatic=False
) -> SalesOrder:
    step = _current_step(order)
    _check_level(order, step, step_id)
    on_behalf_of = None
    if not automatic:
        allowed, on_behalf_of = step_decider(actor, step)
        if not allowed:
            raise OrderPermissionDenied(number=order.number, action=_("approve"))
    from_status = order.status
    if step is not None:
        _approve_step(
            order,
            step,
            actor=None if automatic else actor,
            on_behalf_of=on_behalf_of,
            comment=comment,
            decision=ApprovalDecision.Decision.AUTO_APPROVED
            if automatic
            else ApprovalDecision.Decision.APPROVED,
        )
    level_done = step is None or step.status == ApprovalStep.Status.APPROVED
    next_step = _activate_next(order) if level_done else None
    if level_done and next_step is None:
        order.approve()
        order_save(order, ["status", "approved_at"])
        order_decided_notify(order=order, approved=True)
    else:
        order_save(order, [])
    event_record(
        order=order,
        action=OrderEvent.Action.APPROVED,
        actor=None if automatic else actor,
        from_status=from_status,
        to_status=order.status,
        comment=comment,
        payload={
            "level": step.level if step else None,
            "on_behalf_of": str(on_behalf_of) if on_behalf_of else "",
            "automatic": automatic,
            "rules": step.rule_names if step else "",
        },
    )
    return order


@transaction.atomic
def order_approve(
    *,
    order_id: int,
    actor,
    comment: str = "",
    expected_version: int | None = None,
    step_id: int | None = None,
) -> SalesOrder:
    """Approve the order's waiting level for oneself or for the approver one stands in for;
    when the level has its approvals the next one waits, after the last the order is
    approved and its owner told.

    Exactly one of two concurrent approvers wins: the row lock serialises them; the loser
    is told the level was already decided (``step_id``: the level they saw) or that the
    order changed. Raises OrderTransitionNotAllowed, OrderPermissionDenied,
    OrderChangedConcurrently, ApprovalLevelAlreadyDecided, ApprovalAlreadyGiven.
    """
    order = order_lock(order_id=order_id, expected_version=expected_version)
    if step_id is not None and order.status != SalesOrder.Status.PENDING_APPROVAL:
        _check_level(order, None, step_id)
    guard_transition(order, "approve", actor, check_permission=False)
    return _order_approve_locked(order, actor=actor, comment=comment, step_id=step_id)


def _order_reject_locked(order: SalesOrder, *, actor, comment: str, on_behalf_of=None):
    step = _current_step(order)
    now = timezone.now()
    if step is not None:
        ApprovalDecision.objects.create(
            step=step,
            decision=ApprovalDecision.Decision.REJECTED,
            actor=actor,
            on_behalf_of=on_behalf_of,
            comment=comment,
            decided_at=now,
        )
        step.status = ApprovalStep.Status.REJECTED
        step.decided_by = actor
        step.decided_at = now
        step.comment = comment
        step.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    order.approval_steps.filter(
        status__in=[ApprovalStep.Status.PENDING, ApprovalStep.Status.QUEUED]
    ).update(status=ApprovalStep.Status.WITHDRAWN)
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
        payload={
            "level": step.level if step else None,
            "on_behalf_of": str(on_behalf_of) if on_behalf_of else "",
        },
    )
    order_decided_notify(order=order, approved=False, reason=comment)
    return order


@transaction.atomic
def order_reject(
    *,
    order_id: int,
    actor,
    comment: str,
    expected_version: int | None = None,
    step_id: int | None = None,
) -> SalesOrder:
    """Reject the order back to draft with the reason, told to its owner; its reservations
    are released and the rest of the chain withdrawn (resubmitting computes a new one).

    Raises CommentRequired, OrderTransitionNotAllowed, OrderPermissionDenied,
    ApprovalLevelAlreadyDecided.
    """
    if not comment.strip():
        raise CommentRequired()
    order = order_lock(order_id=order_id, expected_version=expected_version)
    if step_id is not None and order.status != SalesOrder.Status.PENDING_APPROVAL:
        _check_level(order, None, step_id)
    guard_transition(order, "reject", actor, check_permission=False)
    step = _current_step(order)
    _check_level(order, step, step_id)
    allowed, on_behalf_of = step_decider(actor, step)
    if not allowed:
        raise OrderPermissionDenied(number=order.number, action=_("reject"))
    return _order_reject_locked(order, actor=actor, comment=comment, on_behalf_of=on_behalf_of)


@transaction.atomic
def approval_step_auto_approve(*, step_id: int) -> SalesOrder | None:
    """Approve a level whose deadline passed, when its rule says so (no actor)."""
    step = ApprovalStep.objects.filter(pk=step_id).first()
    if step is None:
        return None
    order = order_lock(order_id=step.order_id)
    if order.status != SalesOrder.Status.PENDING_APPROVAL:
        return None
    current = _current_step(order)
    if current is None or current.pk != step_id:
        return None
    return _order_approve_locked(
        order, actor=None, comment=_("deadline passed"), step_id=step_id, automatic=True
    )


@transaction.atomic
def approval_step_return(*, step_id: int) -> SalesOrder | None:
    """Return an order to its submitter when a level's deadline passed and its rule says so."""
    step = ApprovalStep.objects.filter(pk=step_id).first()
    if step is None:
        return None
    order = order_lock(order_id=step.order_id)
    if order.status != SalesOrder.Status.PENDING_APPROVAL:
        return None
    current = _current_step(order)
    if current is None or current.pk != step_id:
        return None
    return _order_reject_locked(
        order,
        actor=None,
        comment=_("Level %(level)s was not decided before its deadline.") % {"level": step.level},
    )
