"""Approval configuration written by admins and approvers: rules, reminder timings,
out-of-office delegations."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from orders.errors import ApprovalRuleInvalid, DelegationCircular, DelegationInvalid
from orders.models import (
    ApprovalDelegation,
    ApprovalReminderSettings,
    ApprovalRule,
)

RULE_FIELDS = [
    "name",
    "is_active",
    "valid_from",
    "valid_to",
    "position",
    "min_total_amount",
    "max_discount_percent",
    "use_role_discount_limit",
    "max_margin_percent",
    "manual_price_override",
    "customer_tiers",
    "over_credit_limit",
    "product_categories",
    "channels",
    "custom_field_name",
    "custom_field_value",
    "approver_kind",
    "approver_group",
    "quorum",
    "quorum_count",
    "deadline_hours",
    "deadline_action",
    "escalate_group",
]


def _rule_check(values: dict, users) -> None:
    kind = values.get("approver_kind")
    if kind == ApprovalRule.ApproverKind.GROUP and values.get("approver_group") is None:
        raise ApprovalRuleInvalid(detail=_("Choose the group that approves this level."))
    if kind == ApprovalRule.ApproverKind.USERS and not users:
        raise ApprovalRuleInvalid(detail=_("Choose at least one user who approves this level."))
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise ApprovalRuleInvalid(detail=_("The rule must end on or after the day it starts."))
    if (
        values.get("deadline_action") == ApprovalRule.DeadlineAction.ESCALATE
        and values.get("deadline_hours")
        and values.get("escalate_group") is None
    ):
        raise ApprovalRuleInvalid(detail=_("Choose the group to escalate to."))
    if values.get("quorum") == ApprovalRule.Quorum.N_OF_M and (values.get("quorum_count") or 0) < 1:
        raise ApprovalRuleInvalid(detail=_("N must be at least 1."))


@transaction.atomic
def approval_rule_save(
    *, actor, values: dict, users=(), rule_id: int | None = None, reason: str = ""
) -> ApprovalRule:
    """Create or change an approval rule. Orders already submitted keep their chain.

    Raises ApprovalRuleInvalid (no approvers, dates the wrong way round, ...).
    """
    _rule_check(values, list(users))
    if rule_id is None:
        rule = ApprovalRule()
    else:
        rule = ApprovalRule.objects.select_for_update().get(pk=rule_id)
    for name in RULE_FIELDS:
        if name in values:
            setattr(rule, name, values[name])
    rule._history_user = actor
    rule._change_reason = reason
    rule.save()
    rule.approver_users.set(list(users))
    return rule


@transaction.atomic
def approval_reminder_settings_save(*, actor, values: dict) -> ApprovalReminderSettings:
    """Store the reminder and escalation timings (one row)."""
    settings = ApprovalReminderSettings.objects.select_for_update().order_by("pk").first()
    if settings is None:
        settings = ApprovalReminderSettings()
    for name, value in values.items():
        setattr(settings, name, value)
    settings._history_user = actor
    settings.save()
    return settings


def approval_reminder_settings_get() -> ApprovalReminderSettings:
    return (
        ApprovalReminderSettings.objects.select_related("escalate_group").order_by("pk").first()
        or ApprovalReminderSettings()
    )


def _hands_to(user_id: int, target_id: int, starts_on: date, ends_on: date) -> bool:
    """Whether ``user_id``'s approvals reach ``target_id`` through delegations in the period."""
    seen, frontier = {user_id}, [user_id]
    while frontier:
        nexts = list(
            ApprovalDelegation.objects.filter(
                delegator_id__in=frontier, starts_on__lte=ends_on, ends_on__gte=starts_on
            ).values_list("delegate_id", flat=True)
        )
        if target_id in nexts:
            return True
        frontier = [pk for pk in nexts if pk not in seen]
        seen.update(frontier)
    return False


@transaction.atomic
def approval_delegation_create(
    *, delegator, delegate, starts_on: date, ends_on: date
) -> ApprovalDelegation:
    """Let ``delegate`` decide ``delegator``'s approvals from ``starts_on`` to ``ends_on``.

    Raises DelegationInvalid (oneself, period backwards) and DelegationCircular (the
    delegate's approvals already reach the delegator in an overlapping period).
    """
    if delegate is None or delegate.pk == delegator.pk or ends_on < starts_on:
        raise DelegationInvalid()
    # Lock both people's rows so two opposite delegations made at once are judged in turn.
    list(
        get_user_model()
        .objects.select_for_update()
        .filter(pk__in=[delegator.pk, delegate.pk])
        .order_by("pk")
    )
    if _hands_to(delegate.pk, delegator.pk, starts_on, ends_on):
        raise DelegationCircular(delegate=str(delegate), delegator=str(delegator))
    return ApprovalDelegation.objects.create(
        delegator=delegator, delegate=delegate, starts_on=starts_on, ends_on=ends_on
    )


@transaction.atomic
def approval_delegation_end(*, actor, delegation_id: int) -> None:
    """Remove one of the actor's own delegations."""
    ApprovalDelegation.objects.filter(pk=delegation_id, delegator=actor).delete()
