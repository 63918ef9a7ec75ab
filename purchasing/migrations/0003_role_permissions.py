"""Give the roles the permissions of purchasing and the stock ledger (issue 3)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "purchasing": [
        "purchasing.view_purchaseorder",
        "purchasing.add_purchaseorder",
        "purchasing.change_purchaseorder",
        "purchasing.send_purchaseorder",
        "purchasing.receive_purchaseorder",
        "purchasing.view_reordersuggestion",
        "purchasing.change_reordersuggestion",
        "purchasing.view_supplierproduct",
        "purchasing.add_supplierproduct",
        "purchasing.change_supplierproduct",
        "purchasing.view_reorderpolicy",
        "purchasing.add_reorderpolicy",
        "purchasing.change_reorderpolicy",
        "purchasing.view_suppliercontact",
        "purchasing.add_suppliercontact",
        "purchasing.change_suppliercontact",
    ],
    "warehouse": [
        "purchasing.view_purchaseorder",
        "purchasing.receive_purchaseorder",
        "inventory.view_stockmove",
        "inventory.add_stockmove",
    ],
    "manager": [
        "purchasing.view_purchaseorder",
        "purchasing.view_reordersuggestion",
        "inventory.view_stockmove",
    ],
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
        ("inventory", "0002_stock_backorders_on_order_reason_code"),
        ("orders", "0006_backorders_priority_return_events"),
        ("purchasing", "0002_suppliers_reorder_purchase_orders"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
