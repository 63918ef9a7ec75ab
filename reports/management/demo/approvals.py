"""Demo approval configuration: rules beyond the default amount and discount, reminder
timings, custom fields on orders and customers, one out-of-office delegation."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from customers.models import CustomField
from customers.services import custom_field_save, customer_custom_fields_set
from orders.models import ApprovalDelegation, ApprovalRule
from orders.services.configuration import approval_delegation_create, approval_rule_save
from reports.management.demo.masterdata import Directory

REGIONS = ["华东", "华北", "华南"]


def approval_config_ensure(directory: Directory) -> None:
    """Create the demo rules, custom fields and delegation once."""
    admin = directory.users.get("admin")
    groups = {group.name: group for group in Group.objects.all()}
    if not ApprovalRule.objects.filter(name="大额订单需经理审批").exists():
        approval_rule_save(
            actor=admin,
            values={
                "name": "大额订单需经理审批",
                "position": 20,
                "min_total_amount": Decimal("200000"),
                "approver_kind": ApprovalRule.ApproverKind.GROUP,
                "approver_group": groups["manager"],
                "deadline_hours": 48,
                "deadline_action": ApprovalRule.DeadlineAction.REMIND,
            },
        )
        approval_rule_save(
            actor=admin,
            values={
                "name": "低毛利订单需经理确认",
                "position": 30,
                "max_margin_percent": Decimal("5"),
                "approver_kind": ApprovalRule.ApproverKind.GROUP,
                "approver_group": groups["manager"],
                "deadline_hours": 24,
                "deadline_action": ApprovalRule.DeadlineAction.ESCALATE,
                "escalate_group": groups["manager"],
            },
        )
        approval_rule_save(
            actor=admin,
            values={
                "name": "渠道订单（API）",
                "position": 40,
                "channels": ["api"],
                "is_active": False,
                "approver_kind": ApprovalRule.ApproverKind.GROUP,
                "approver_group": groups["approver"],
            },
        )
    if not CustomField.objects.exists():
        reserved = {"number", "note", "customer", "code", "name"}
        for values in (
            {
                "target": "order",
                "name": "project_code",
                "label": "项目编号",
                "kind": "text",
                "help_text": "客户项目的编号（可选）",
                "position": 10,
                "is_filter": True,
            },
            {
                "target": "order",
                "name": "urgent",
                "label": "加急",
                "kind": "yes_no",
                "position": 20,
            },
            {
                "target": "customer",
                "name": "region",
                "label": "区域",
                "kind": "choice",
                "choices": "\n".join(REGIONS),
                "position": 10,
                "is_filter": True,
            },
        ):
            custom_field_save(actor=admin, values=values, reserved_names=reserved)
        customers = sorted(directory.customers.values(), key=lambda customer: customer.code)
        for index, customer in enumerate(customers):
            customer_custom_fields_set(
                actor=admin,
                customer_id=customer.pk,
                values={"region": REGIONS[index % len(REGIONS)]},
                reason="导入区域",
            )
    approver, manager = directory.users.get("approver"), directory.users.get("manager")
    if approver and manager and not ApprovalDelegation.objects.exists():
        start = timezone.localdate() + timedelta(days=7)
        approval_delegation_create(
            delegator=approver, delegate=manager, starts_on=start, ends_on=start + timedelta(days=4)
        )
