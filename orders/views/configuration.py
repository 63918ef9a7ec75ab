"""Screens that configure approvals without code: rules, reminder timings, custom fields,
out-of-office delegation; and bulk decisions from the pending list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import services as customer_services
from customers.custom_fields import custom_fields_for
from customers.models import Customer, CustomField
from opms.core.errors import DomainError
from opms.core.history import history_entries
from orders import selectors, services
from orders.forms import (
    ApprovalRuleForm,
    BulkDecisionForm,
    CustomFieldForm,
    DelegationForm,
    ReminderSettingsForm,
)
from orders.models import ApprovalRule, SalesOrder
from orders.services.configuration import (
    approval_delegation_create,
    approval_delegation_end,
    approval_reminder_settings_get,
    approval_reminder_settings_save,
    approval_rule_save,
)


@login_required
@permission_required("orders.view_approvalrule", raise_exception=True)
def approval_rule_list_view(request: HttpRequest) -> HttpResponse:
    settings = approval_reminder_settings_get()
    form = ReminderSettingsForm(request.POST or None, instance=settings)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("orders.change_approvalrule"):
            raise Http404
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in form.fields}
            approval_reminder_settings_save(actor=request.user, values=values)
            messages.success(request, _("Reminder timings saved."))
            return redirect("orders:approval_rules")
        status = 422
    context = {"rules": selectors.approval_rule_list(), "reminder_form": form}
    return render(request, "orders/approval_rule_list.html", context, status=status)


@login_required
@permission_required("orders.change_approvalrule", raise_exception=True)
def approval_rule_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = None
    if pk is not None:
        rule = ApprovalRule.objects.filter(pk=pk).first()
        if rule is None:
            raise Http404(_("No such approval rule."))
    form = ApprovalRuleForm(request.POST or None, instance=rule)
    error = ""
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data.get(name) for name in form.Meta.fields}
        users = values.pop("approver_users") or []
        try:
            approval_rule_save(
                actor=request.user,
                values=values,
                users=users,
                rule_id=rule.pk if rule else None,
            )
        except DomainError as failure:
            error = str(failure)
        else:
            messages.success(request, _("Approval rule saved."))
            return redirect("orders:approval_rules")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "orders/approval_rule_form.html",
        {"form": form, "rule": rule, "error": error},
        status=status,
    )


@login_required
@permission_required("orders.view_approvalrule", raise_exception=True)
def approval_rule_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = ApprovalRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404(_("No such approval rule."))
    records = rule.history.select_related("history_user").order_by("-history_date")[:100]
    entries = history_entries(records, label=lambda record: record.name)
    return render(request, "orders/approval_rule_history.html", {"rule": rule, "entries": entries})


# ---------------------------------------------------------------- custom fields

RESERVED = {
    CustomField.Target.ORDER: {f.name for f in SalesOrder._meta.get_fields()}
    | {f.attname for f in SalesOrder._meta.concrete_fields},
    CustomField.Target.CUSTOMER: {f.name for f in Customer._meta.get_fields()}
    | {f.attname for f in Customer._meta.concrete_fields},
}


@login_required
@permission_required("customers.change_customfield", raise_exception=True)
def custom_field_list_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = CustomField.objects.filter(pk=pk).first() if pk else None
    form = CustomFieldForm(request.POST or None, instance=instance)
    error = ""
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            customer_services.custom_field_save(
                actor=request.user,
                values=values,
                reserved_names=RESERVED[values["target"]],
                field_id=instance.pk if instance else None,
            )
        except DomainError as failure:
            error = str(failure)
        else:
            messages.success(request, _("Custom field saved."))
            return redirect("orders:custom_fields")
    context = {
        "form": form,
        "error": error,
        "editing": instance,
        "order_fields": custom_fields_for(CustomField.Target.ORDER),
        "customer_fields": custom_fields_for(CustomField.Target.CUSTOMER),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "orders/custom_field_list.html", context, status=status)


@require_POST
@login_required
@permission_required("customers.delete_customfield", raise_exception=True)
def custom_field_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer_services.custom_field_delete(actor=request.user, field_id=pk)
    messages.success(
        request, _("Custom field removed; values already entered stay in the history.")
    )
    return redirect("orders:custom_fields")


# ---------------------------------------------------------------- delegation


@login_required
def delegation_view(request: HttpRequest) -> HttpResponse:
    form = DelegationForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            approval_delegation_create(
                delegator=request.user,
                delegate=form.cleaned_data["delegate"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except DomainError as failure:
            error = str(failure)
        else:
            messages.success(request, _("Delegation saved."))
            return redirect("orders:delegations")
    context = {
        "form": form,
        "error": error,
        "delegations": list(selectors.delegations_of(user=request.user)),
        "today": timezone.localdate(),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "orders/delegation_list.html", context, status=status)


@require_POST
@login_required
def delegation_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    approval_delegation_end(actor=request.user, delegation_id=pk)
    messages.success(request, _("Delegation removed."))
    return redirect("orders:delegations")


# ---------------------------------------------------------------- bulk decisions


@require_POST
@login_required
def approval_bulk_view(request: HttpRequest) -> HttpResponse:
    """Approve (or reject, with one comment) the selected waiting levels, each on its own."""
    form = BulkDecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "") or ""
    action = request.POST.get("action")
    done, failed = [], []
    for raw in request.POST.getlist("step"):
        order_id, _sep, step_id = raw.partition(":")
        if not (order_id.isdigit() and step_id.isdigit()):
            continue
        try:
            service = services.order_reject if action == "reject" else services.order_approve
            order = service(
                order_id=int(order_id), actor=request.user, comment=comment, step_id=int(step_id)
            )
        except DomainError as failure:
            failed.append(str(failure))
        else:
            done.append(order.number)
    if done:
        messages.success(
            request,
            _("Decided: %(numbers)s.") % {"numbers": ", ".join(done)},
        )
    for failure in failed:
        messages.error(request, failure)
    return redirect("orders:approvals")
