"""Finance approves the credit steps that the credit check adds to orders."""

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    finance, _ = Group.objects.get_or_create(name="finance")
    finance.permissions.add(
        Permission.objects.get(content_type__app_label="orders", codename="approve_salesorder")
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    finance = Group.objects.filter(name="finance").first()
    if finance:
        finance.permissions.remove(
            Permission.objects.get(content_type__app_label="orders", codename="approve_salesorder")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_line_price_rule"),
        ("customers", "0003_default_credit_policy"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
