"""The role home pages (each role's queue first), dashboards, reports, alerts, subscriptions."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
from reports import selectors, services
from reports.audit import AUDITED, AuditQuery, audit_search, audited_fields
from reports.errors import ReportError
from reports.exports import table_cells
from reports.forms import AlertSettingsForm, SubscriptionForm
from reports.models import ReportRun
from reports.selectors.catalogue import (
    DIMENSIONS,
    GROUPS,
    PERIODS,
    filter_choices,
    filters_description,
    filters_from,
)

# A report page shows the first rows of a long table (per customer, per product); the
# figures cover all of them and the exports hold every row.
REPORT_PAGE_ROWS = 100

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
        context["sales_dashboard"] = selectors.sales_dashboard(user=user)
    if "approvals" in sections:
        context["approvals"] = list(order_selectors.orders_awaiting_approval(user=user, limit=10))
    if "shipping" in sections:
        context["pick_lists"] = list(order_selectors.shipments_to_pick()[:10])
        context["to_ship"] = list(order_selectors.orders_to_ship()[:10])
        context["warehouse_figures"] = selectors.warehouse_figures()
    if "finance" in sections:
        context["finance_figures"] = selectors.finance_figures()
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
    """Key figures against last year; trend, categories, top customers and products this year."""
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    grain = request.GET.get("grain", "day")
    trend = selectors.order_trend_buckets(grain=grain, today=today)
    categories = selectors.sales_by_category(date_from=year_start, date_to=today)
    customers = selectors.top_customers_by_sales(date_from=year_start, date_to=today)
    products = selectors.top_products_by_sales(date_from=year_start, date_to=today)
    context = {
        "figures": selectors.dashboard_figures(today=today),
        "grain": grain if grain in ("day", "week", "month") else "day",
        "trend": trend,
        "categories": categories,
        "top_customers": customers,
        "top_products": products,
        "charts": {
            "trend": _chart("bar", trend, label="label", value="value"),
            "categories": _chart("pie", categories, label="label", value="value"),
            "customers": _chart("hbar", customers, label="label", value="value"),
            "products": _chart("hbar", products, label="label", value="value"),
        },
        "status_counts": _status_rows(
            order_selectors.order_status_counts(statuses=SalesOrder.OPEN),
            statuses=SalesOrder.OPEN,
        ),
        "computed_at": timezone.now(),
        "summary": selectors.summary_age(),
    }
    return render(request, "reports/dashboard.html", context)


def _chart(kind: str, rows: list[dict], *, label: str, value: str, line: str = "") -> dict:
    """What charts.js draws: labels, values and the drill-down URL of every element."""
    return {
        "kind": kind,
        "labels": [str(row.get(label, "")) for row in rows],
        # Decimal figures travel as exact numeric strings; ECharts reads them as numbers.
        "values": [str(row.get(value) or 0) for row in rows],
        "line": [str(row.get(line) or 0) for row in rows] if line else [],
        "urls": [row.get("url") or "" for row in rows],
    }


def _status_rows(counts: dict[str, int], *, statuses=None) -> list[dict]:
    return [
        {"value": status.value, "label": status.label, "n": counts.get(status.value, 0)}
        for status in (statuses or SalesOrder.Status)
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


@login_required
@permission_required("reports.view_reports", raise_exception=True)
def report_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/report_list.html", {"reports": selectors.REPORTS.values()})


@login_required
@permission_required("reports.view_reports", raise_exception=True)
def report_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    """A report with its filters; ?export=xlsx|pdf downloads the same result."""
    definition = selectors.report_get(slug)
    if definition is None:
        raise Http404(_("There is no such report."))
    export = request.GET.get("export")
    if export in ("xlsx", "pdf"):
        file = services.report_file(
            report=slug, params=request.GET, file_format=export, today=timezone.localdate()
        )
        response = HttpResponse(file.content, content_type=file.mimetype)
        response["Content-Disposition"] = f'attachment; filename="{file.name}"'
        return response
    result = selectors.report_compute(slug, request.GET, row_limit=REPORT_PAGE_ROWS)
    filters = filters_from(request.GET)
    chart = None
    if result.chart:
        spec = result.chart
        rows = spec.get("series") or result.rows[: spec.get("rows", 30)]
        chart = _chart(
            "pareto" if spec["kind"] == "pareto" else "bar",
            [row for row in rows if not row.get("heading")],
            label=spec["label"],
            value=spec["value"],
            line=spec.get("line", ""),
        )
        if spec.get("url"):
            chart["urls"] = [spec["url"]] * len(chart["labels"])
    query = request.GET.copy()
    query.pop("export", None)
    context = {
        "definition": definition,
        "result": result,
        "rows": table_cells(result),
        "chart": chart,
        "filters": filters,
        "params": request.GET,
        "periods": PERIODS,
        "groups": GROUPS,
        "dimensions": [name for name in DIMENSIONS if name in definition.filters],
        "choices": filter_choices(),
        "uses": definition.filters,
        "description": filters_description(definition, request.GET),
        "query": query.urlencode(),
        "subscription_form": SubscriptionForm(),
    }
    return render(request, "reports/report_detail.html", context)


@login_required
@permission_required("reports.view_reports", raise_exception=True)
@require_POST
def report_subscribe_view(request: HttpRequest, slug: str) -> HttpResponse:
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a frequency, a time of day and a format."))
        return redirect(reverse("reports:detail", args=[slug]))
    filters = {
        key: request.POST.get(f"filter_{key}", "")
        for key in ("period", "date_from", "date_to", *DIMENSIONS, "group_by", "days", "factor")
    }
    try:
        services.report_subscription_create(
            user=request.user, report=slug, filters=filters, **form.cleaned_data
        )
    except ReportError as error:
        messages.error(request, str(error))
        return redirect(reverse("reports:list"))
    messages.success(request, _("Subscribed. The report will be e-mailed to you."))
    return redirect(reverse("reports:subscriptions"))


@login_required
@permission_required("reports.view_reports", raise_exception=True)
def subscription_list_view(request: HttpRequest) -> HttpResponse:
    context = {
        "subscriptions": selectors.subscriptions_of(user=request.user),
        "runs": selectors.subscription_runs(user=request.user),
        "reports": selectors.REPORTS,
    }
    return render(request, "reports/subscription_list.html", context)


@login_required
@permission_required("reports.view_reports", raise_exception=True)
@require_POST
def subscription_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    services.report_subscription_delete(user=request.user, subscription_id=pk)
    messages.success(request, _("Subscription removed."))
    return redirect(reverse("reports:subscriptions"))


@login_required
@permission_required("reports.view_reports", raise_exception=True)
def run_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ReportRun, pk=pk, subscription__user=request.user)
    if not run.file_name:
        raise Http404(_("This run has no file."))
    content_type = (
        "application/pdf"
        if run.file_name.endswith(".pdf")
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(bytes(run.content), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{run.file_name}"'
    return response


@login_required
@permission_required("reports.view_alerts", raise_exception=True)
def alert_list_view(request: HttpRequest) -> HttpResponse:
    """Every alert the user may act on, computed now; managers change the thresholds here."""
    can_configure = request.user.has_perm("reports.view_dashboard")
    current = selectors.alert_settings_get()
    form = AlertSettingsForm(instance=current)
    if request.method == "POST" and can_configure:
        form = AlertSettingsForm(request.POST, instance=current)
        if form.is_valid():
            services.alert_settings_update(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Alert thresholds saved."))
            return redirect(reverse("reports:alerts"))
    context = {
        "groups": selectors.alerts_for(request.user),
        "form": form,
        "can_configure": can_configure,
        "computed_at": timezone.now(),
        "stale_after": timedelta(seconds=60),
    }
    return render(request, "reports/alert_list.html", context, status=422 if form.errors else 200)


@login_required
@permission_required("reports.view_alerts", raise_exception=True)
def alert_count_view(request: HttpRequest) -> HttpResponse:
    """The badge in the navigation (cached briefly in the cache, see selectors.alerts)."""
    return render(
        request, "reports/alert_count.html", {"count": selectors.alert_count_for(request.user)}
    )
