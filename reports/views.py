"""The role home pages (each role's queue first) and the manager dashboard."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from customers import selectors as customer_selectors
from customers.complaint_forms import ComplaintForm, InteractionForm
from customers.custom_fields import (
    CustomValuesForm,
    custom_fields_for,
    custom_form_initial,
    custom_values_display,
)
from customers.models import Complaint, Customer, CustomField
from finance import selectors as finance_selectors
from opms.core.history import history_entries
from orders import selectors as order_selectors
from orders.models import SalesOrder
from purchasing import selectors as purchasing_selectors
from reports import selectors
from reports.audit import AUDITED, AuditQuery, audit_search, audited_fields

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


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_360_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One page for a customer: profile, figures, credit, orders, money, complaints, log."""
    try:
        customer = customer_selectors.customer_get(pk=pk, user=request.user)
    except Customer.DoesNotExist as missing:
        raise Http404(_("No such customer.")) from missing
    user = request.user
    can_see_money = user.has_perm("finance.view_invoice")
    custom_definitions = custom_fields_for(CustomField.Target.CUSTOMER)
    context = {
        "customer": customer,
        "figures": selectors.customer_figures(customer_id=customer.pk),
        "ageing": selectors.customer_receivables_by_age(customer_id=customer.pk),
        "open_orders": selectors.customer_open_orders(customer_id=customer.pk),
        "invoices": selectors.customer_invoices(customer_id=customer.pk) if can_see_money else [],
        "payments": (
            selectors.customer_payments(customer_id=customer.pk)
            if user.has_perm("finance.view_payment")
            else []
        ),
        "contacts": customer_selectors.customer_contacts(customer=customer),
        "addresses": customer_selectors.customer_addresses(customer=customer),
        "complaints": customer_selectors.complaints_of_customer(customer=customer),
        "interactions": customer_selectors.interactions_of_customer(customer=customer),
        "history": history_entries(
            customer_selectors.customer_history(customer=customer, limit=50),
            label=lambda record: record.code,
        ),
        "custom_values": custom_values_display(custom_definitions, customer.custom_fields),
        "custom_form": CustomValuesForm(
            definitions=custom_definitions,
            initial=custom_form_initial(custom_definitions, customer.custom_fields),
        )
        if custom_definitions and user.has_perm("customers.change_customer")
        else None,
        "complaint_form": ComplaintForm(),
        "interaction_form": InteractionForm(),
        "complaint_statuses": Complaint.Status.choices,
        "can_see_money": can_see_money,
    }
    return render(request, "reports/customer_360.html", context)


class AuditForm(forms.Form):
    object_type = forms.ChoiceField(
        label=_("Object type"),
        choices=[(key, title) for key, (title, _model) in AUDITED.items()],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    user = forms.ModelChoiceField(
        label=_("User"),
        required=False,
        queryset=get_user_model().objects.order_by("username"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    field = forms.CharField(
        label=_("Field"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"class": "form-control", "list": "audit-fields"}),
    )


@login_required
@permission_required("reports.view_dashboard", raise_exception=True)
def audit_view(request: HttpRequest) -> HttpResponse:
    """Managers and admins search the change history (read-only)."""
    form = AuditForm(request.GET or {"object_type": "order"})
    entries, fields = [], []
    if form.is_valid():
        data = form.cleaned_data
        query = AuditQuery(
            object_type=data["object_type"],
            user_id=data["user"].pk if data["user"] else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            field_name=data["field"].strip(),
        )
        entries = audit_search(query)
        fields = audited_fields(data["object_type"])
    return render(
        request, "reports/audit.html", {"form": form, "entries": entries, "fields": fields}
    )
