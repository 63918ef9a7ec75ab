"""The approval policy becomes two approval rules (amount, discount) with the same group,
so submit evaluates one kind of thing; plus the default reminder timings."""

from django.db import migrations


def rules_from_policy(apps, schema_editor):
    ApprovalPolicy = apps.get_model("orders", "ApprovalPolicy")
    ApprovalRule = apps.get_model("orders", "ApprovalRule")
    ApprovalReminderSettings = apps.get_model("orders", "ApprovalReminderSettings")
    Group = apps.get_model("auth", "Group")
    policy = ApprovalPolicy.objects.first()
    if policy is not None and not ApprovalRule.objects.exists():
        ApprovalRule.objects.create(
            name="Order amount",
            position=10,
            min_total_amount=policy.threshold_amount,
            approver_group_id=policy.approver_group_id,
        )
        ApprovalRule.objects.create(
            name="Discount above the limit",
            position=10,
            max_discount_percent=policy.max_discount_percent,
            use_role_discount_limit=True,
            approver_group_id=policy.approver_group_id,
        )
    if not ApprovalReminderSettings.objects.exists():
        ApprovalReminderSettings.objects.create(
            escalate_group=Group.objects.filter(name="manager").first()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_approval_rules_delegation_decisions"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(rules_from_policy, migrations.RunPython.noop)]
