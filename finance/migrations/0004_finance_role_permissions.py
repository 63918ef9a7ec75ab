"""Finance keeps credit notes, bank accounts and statements; the manager reads them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "finance": [
        "view_creditnote",
        "add_creditnote",
        "view_bankaccount",
        "view_bankstatement",
        "add_bankstatement",
    ],
    "manager": ["view_creditnote", "view_bankstatement"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("finance")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    finance_permissions = Permission.objects.filter(content_type__app_label="finance")
    for role, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*finance_permissions.filter(codename__in=codenames))
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.add(*finance_permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="finance", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0003_credit_notes_bank_statements_reminders"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
