"""Managers and finance read reports; they, the warehouse and purchasing see the alerts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "manager": ["view_reports", "view_alerts"],
    "finance": ["view_reports", "view_alerts"],
    "warehouse": ["view_alerts"],
    "purchasing": ["view_alerts"],
}


def grant(apps, schema_editor):
    reports = apps.get_app_config("reports")
    reports.models_module = True
    create_permissions(reports, apps=apps, verbosity=0)
    reports.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="reports", codename__in=codenames)
        )
    admin = Group.objects.filter(name="admin").first()
    if admin:
        admin.permissions.add(*Permission.objects.filter(content_type__app_label="reports"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="reports", codename__in=["view_reports", "view_alerts"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_targets_alerts_subscriptions"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
