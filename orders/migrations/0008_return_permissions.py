"""Give the roles the permissions of returns (issue 3)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "sales": ["orders.view_salesreturn", "orders.add_salesreturn"],
    "approver": ["orders.view_salesreturn", "orders.approve_salesreturn"],
    "manager": ["orders.view_salesreturn", "orders.approve_salesreturn"],
    "warehouse": ["orders.view_salesreturn", "orders.receive_salesreturn"],
    "finance": ["orders.view_salesreturn"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.set(Permission.objects.all())


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_sales_scope"),
        ("orders", "0007_sales_returns"),
        ("purchasing", "0003_role_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
