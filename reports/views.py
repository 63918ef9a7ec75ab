"""The role home pages (each role's queue first) and the manager dashboard."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from finance import selectors as finance_selectors
from orders import selectors as order_selectors
from orders.models import SalesOrder
from purchasing import selectors as purchasing_selectors
from reports import selectors

# Which queue a role sees first on its home page.
ROLE_SECTIONS = [
    ("sales", "orders.add_salesorder"),
    ("approvals", "orders.approve_salesorder"),
    ("shipping", "orders.add_shipment"),
    ("finance", "finance.add_invoice"),
    ("purchasing", "purchasing.view_supplier"),
    ("kpis", "reports.view_dashboard"),
]
FIRST_SECTION = {
    "sales": "sales",
    "approver": "approvals",
    "warehouse": "shipping",
    "finance": "finance",
    "purchasing": "purchasing",
    "manager": "kpis",
}


def _sections_for(user) -> list[str]:
    allowed = [name for name, permission in ROLE_SECTIONS if user.has_perm(permission)]
    firsts = [FIRST_SECTION[role] for role in sorted(user.role_names()) if role in FIRST_SECTION]
    ordered = [name for name in firsts if name in allowed]
    return ordered + [name for name in allowed if name not in ordered]


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    sections = _sections_for(user)
    context: dict = {"sections": sections}
    if "sales" in sections:
        context["my_drafts"] = order_selectors.orders_of_sales_rep(
            user=user, statuses=[SalesOrder.Status.DRAFT], limit=10
        )
        context["my_orders"] = order_selectors.orders_of_sales_rep(user=user, limit=10)
    if "approvals" in sections:
        context["approvals"] = list(order_selectors.orders_awaiting_approval(user=user)[:10])
    if "shipping" in sections:
        context["pick_lists"] = list(order_selectors.shipments_to_pick()[:10])
        context["to_ship"] = list(order_selectors.orders_to_ship()[:10])
    if "finance" in sections:
        context["to_invoice"] = list(finance_selectors.orders_to_invoice()[:10])
        context["open_invoices"] = list(
            finance_selectors.invoices_open().order_by("due_on", "pk")[:10]
        )
    if "purchasing" in sections:
        context["reorder"] = list(purchasing_selectors.reorder_candidates()[:10])
    if "kpis" in sections:
        context["kpis"] = selectors.manager_kpis()
    return render(request, "reports/home.html", context)


@login_required
@permission_required("reports.view_dashboard", raise_exception=True)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    context = {
        "kpis": selectors.manager_kpis(),
        "trend": selectors.order_trend(days=30),
        "top_customers": selectors.top_customers(limit=10),
        "status_counts": _status_rows(order_selectors.order_status_counts()),
    }
    return render(request, "reports/dashboard.html", context)


def _status_rows(counts: dict[str, int]) -> list[dict]:
    return [
        {"value": status.value, "label": status.label, "n": counts.get(status.value, 0)}
        for status in SalesOrder.Status
    ]
