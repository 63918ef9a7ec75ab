"""The navigation each role sees: only what it may use."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission needed; None = any signed-in user)
NAVIGATION = [
    (_("Home"), "home", None),
    (_("Orders"), "orders:list", "orders.view_salesorder"),
    (_("New order"), "orders:create", "orders.add_salesorder"),
    (_("Import"), "orders:imports", "orders.add_salesorder"),
    (_("Approvals"), "orders:approvals", "orders.approve_salesorder"),
    (_("To ship"), "orders:to_ship", "orders.add_shipment"),
    (_("Shipments"), "orders:shipments", "orders.view_shipment"),
    (_("Returns"), "orders:returns", "orders.view_salesreturn"),
    (_("Invoices"), "finance:invoices", "finance.view_invoice"),
    (_("Payments"), "finance:payments", "finance.view_payment"),
    (_("Credit"), "finance:credit", "finance.view_payment"),
    (_("Reconcile"), "finance:workbench", "finance.allocate_payment"),
    (_("Receivables"), "finance:receivables", "finance.view_payment"),
    (_("Customers"), "customers:list", "customers.view_customer"),
    (_("Products"), "inventory:products", "inventory.view_product"),
    (_("Stock"), "inventory:stock", "inventory.view_stocklevel"),
    (_("Purchasing"), "purchasing:reorder", "purchasing.view_supplier"),
    (_("Purchase orders"), "purchasing:orders", "purchasing.view_purchaseorder"),
    (_("Stock ledger"), "inventory:ledger", "inventory.add_stockmove"),
    (_("Dashboard"), "reports:dashboard", "reports.view_dashboard"),
    (_("Approval rules"), "orders:approval_rules", "orders.change_approvalrule"),
    (_("Custom fields"), "orders:custom_fields", "customers.change_customfield"),
    (_("Audit"), "reports:audit", "reports.view_dashboard"),
    (_("Integrations"), "orders:integrations", "orders.add_apikey"),
    (_("Reports"), "reports:list", "reports.view_reports"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    path = request.path
    items = []
    for label, url_name, permission in NAVIGATION:
        if permission and not user.has_perm(permission):
            continue
        url = reverse(url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    if user.is_staff:
        items.append({"label": _("Settings"), "url": reverse("admin:index"), "active": False})
    return {"navigation": items}
