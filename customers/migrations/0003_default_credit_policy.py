"""The single credit policy row, and finance may release credit holds.

default_limit_amount = 0 means "no company-wide limit": a customer with no limit of
its own and no tier limit is then not credit-checked.
"""

from decimal import Decimal

from django.db import migrations


def create_policy(apps, schema_editor):
    CreditPolicy = apps.get_model("customers", "CreditPolicy")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not CreditPolicy.objects.exists():
        CreditPolicy.objects.create(
            submit_check="warn",
            shipment_check="off",
            overdue_days=30,
            default_limit_amount=Decimal("0.00"),
        )
    content_type, _ = ContentType.objects.get_or_create(app_label="orders", model="salesorder")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="hold_salesorder",
        defaults={"name": "Can hold and release sales orders"},
    )
    group, _ = Group.objects.get_or_create(name="finance")
    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_contacts_pricing_credit_complaints"),
        ("accounts", "0003_user_sales_scope"),
        ("orders", "0002_default_approval_policy"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
