"""Create one group per role with its permissions (see opms/accounts/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "sales": [
        "orders.view_salesorder",
        "inventory.view_product",
        "inventory.view_stocklevel",
        "inventory.view_warehouse",
        "customers.view_customer",
        "orders.add_salesorder",
        "orders.change_salesorder",
        "orders.submit_salesorder",
        "orders.cancel_salesorder",
        "orders.view_shipment",
        "finance.view_invoice",
    ],
    "approver": [
        "orders.view_salesorder",
        "customers.view_customer",
        "inventory.view_product",
        "orders.approve_salesorder",
    ],
    "warehouse": [
        "orders.view_salesorder",
        "inventory.view_product",
        "inventory.view_stocklevel",
        "inventory.view_warehouse",
        "orders.view_shipment",
        "orders.add_shipment",
        "orders.confirm_shipment",
    ],
    "purchasing": [
        "inventory.view_product",
        "inventory.view_stocklevel",
        "inventory.view_warehouse",
        "purchasing.view_supplier",
        "purchasing.add_supplier",
        "purchasing.change_supplier",
    ],
    "finance": [
        "orders.view_salesorder",
        "customers.view_customer",
        "orders.view_shipment",
        "finance.view_invoice",
        "finance.add_invoice",
        "finance.issue_invoice",
        "finance.view_payment",
        "finance.add_payment",
        "finance.allocate_payment",
    ],
    "manager": [
        "orders.view_salesorder",
        "inventory.view_product",
        "inventory.view_stocklevel",
        "inventory.view_warehouse",
        "customers.view_customer",
        "orders.approve_salesorder",
        "orders.hold_salesorder",
        "orders.cancel_salesorder",
        "orders.view_shipment",
        "finance.view_invoice",
        "finance.view_payment",
        "purchasing.view_supplier",
        "reports.view_dashboard",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the
    # groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.set(Permission.objects.all())


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[*ROLE_PERMISSIONS, "admin"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0001_initial"),
        ("inventory", "0001_initial"),
        ("purchasing", "0001_initial"),
        ("orders", "0001_initial"),
        ("finance", "0001_initial"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
