"""The default approval policy: orders from 50,000 need one approval by the approver group."""

from decimal import Decimal

from django.db import migrations


def create_policy(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ApprovalPolicy = apps.get_model("orders", "ApprovalPolicy")
    group, _ = Group.objects.get_or_create(name="approver")
    if not ApprovalPolicy.objects.exists():
        ApprovalPolicy.objects.create(
            threshold_amount=Decimal("50000.00"),
            max_discount_percent=Decimal("10.00"),
            approver_group=group,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
