"""HTML views of customers: the scoped list, complaints, the interaction log and the
customer's custom field values.

The customer 360 page reads orders and finance too, so it lives in `reports`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import selectors, services
from customers.complaint_forms import ComplaintAdvanceForm, ComplaintForm, InteractionForm
from customers.custom_fields import (
    CustomValuesForm,
    custom_cells,
    custom_fields_for,
    custom_filters_apply,
    custom_values_from_form,
)
from customers.exports import CUSTOMER_COLUMNS
from customers.models import Complaint, Customer, CustomField
from opms.core.errors import DomainError
from opms.core.exports import export_format, export_queryset
from opms.core.pagination import page_from_request


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_list_view(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    customers = selectors.customer_list(user=request.user, search=search)
    columns = [d for d in custom_fields_for(CustomField.Target.CUSTOMER) if d.is_filter]
    customers, active = custom_filters_apply(customers, columns, request.GET)
    if file_format := export_format(request):
        return export_queryset(
            file_format=file_format,
            filename="customers",
            columns=CUSTOMER_COLUMNS,
            queryset=customers.order_by("code"),
        )
    page = page_from_request(request, customers, ordering="code")
    custom_cells(page.items, columns)
    context = {
        "page": page,
        "search": search,
        "custom_columns": [(d, active.get(d.name, "")) for d in columns],
    }
    return render(request, "customers/customer_list.html", context)


def _customer_or_404(request: HttpRequest, pk: int) -> Customer:
    try:
        return selectors.customer_get(pk=pk, user=request.user)
    except Customer.DoesNotExist as missing:
        raise Http404(_("No such customer.")) from missing


def _back_to_customer(customer_id: int) -> HttpResponse:
    return redirect(reverse("reports:customer", args=[customer_id]) + "#complaints")


@require_POST
@login_required
@permission_required("customers.view_customer", raise_exception=True)
def complaint_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    form = ComplaintForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[name].label}: {' '.join(e)}" for name, e in form.errors.items()
        )
        messages.error(request, _("The complaint was not logged: %(errors)s") % {"errors": errors})
        return _back_to_customer(customer.pk)
    complaint = services.complaint_log(customer=customer, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Complaint “%(title)s” logged.") % {"title": complaint.title})
    return _back_to_customer(customer.pk)


@require_POST
@login_required
@permission_required("customers.view_customer", raise_exception=True)
def complaint_advance_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        complaint = Complaint.objects.get(pk=pk)
    except Complaint.DoesNotExist as missing:
        raise Http404(_("No such complaint.")) from missing
    customer = _customer_or_404(request, complaint.customer_id)
    form = ComplaintAdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return _back_to_customer(customer.pk)
    try:
        services.complaint_advance(
            complaint_id=complaint.pk, actor=request.user, **form.cleaned_data
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Complaint updated."))
    return _back_to_customer(customer.pk)


@require_POST
@login_required
@permission_required("customers.view_customer", raise_exception=True)
def interaction_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    form = InteractionForm(request.POST)
    if form.is_valid():
        services.interaction_log(customer=customer, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Added to the interaction log."))
    else:
        messages.error(request, _("Write a note to log the interaction."))
    return redirect(reverse("reports:customer", args=[customer.pk]) + "#interactions")


@require_POST
@login_required
@permission_required("customers.change_customer", raise_exception=True)
def customer_custom_fields_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    definitions = custom_fields_for(CustomField.Target.CUSTOMER)
    form = CustomValuesForm(request.POST, definitions=definitions)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect(reverse("reports:customer", args=[customer.pk]) + "#custom-fields")
    values = {**(customer.custom_fields or {})}
    for definition in definitions:
        values.pop(definition.name, None)
    values.update(custom_values_from_form(definitions, form.cleaned_data))
    services.customer_custom_fields_set(
        actor=request.user,
        customer_id=customer.pk,
        values=values,
        reason=request.POST.get("reason", "").strip(),
    )
    messages.success(request, _("Custom fields saved."))
    return redirect(reverse("reports:customer", args=[customer.pk]) + "#custom-fields")
