"""HTML views of orders, approvals, shipments and returns: parse, call one service, render."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import can_proceed, has_transition_perm

from customers.credit import credit_figures
from customers.custom_fields import (
    FORM_PREFIX,
    custom_cells,
    custom_fields_for,
    custom_filters_apply,
    custom_form_initial,
    custom_values_display,
    custom_values_from_form,
)
from customers.models import CustomField
from customers.selectors import complaints_of_order
from inventory.selectors import product_search, warehouse_list
from opms.core.errors import DomainError
from opms.core.exports import export_format, export_queryset
from opms.core.htmx import trigger
from opms.core.pagination import int_or_none, page_from_request
from opms.core.pdf import render_pdf
from orders import selectors, services
from orders.exports import ORDER_COLUMNS, SHIPMENT_COLUMNS
from orders.filters import OrderFilter, ShipmentFilter
from orders.forms import (
    DecisionForm,
    OrderHeaderForm,
    OrderLineFormSet,
    ShipmentConfirmForm,
)
from orders.models import SalesOrder, SalesReturn, SalesReturnLine, Shipment
from orders.services.approval import step_decider

# ---------------------------------------------------------------- lists


@login_required
@permission_required("orders.view_salesorder", raise_exception=True)
def order_list_view(request: HttpRequest) -> HttpResponse:
    filterset = OrderFilter(
        request.GET, queryset=selectors.order_list(user=request.user), request=request
    )
    # Filtered by order date, the list is sorted by it unless asked otherwise: the
    # (status, order_date) index then answers any date range at once, where "newest entered
    # first" would read every later order to find the first ones in range.
    dated = request.GET.get("order_date_from") or request.GET.get("order_date_to")
    sort = request.GET.get("sort") or ("-date" if dated else "created")
    ordering = selectors.LIST_ORDERINGS.get(sort, "-created_at")
    columns = [d for d in custom_fields_for(CustomField.Target.ORDER) if d.is_filter]
    orders, active = custom_filters_apply(filterset.qs, columns, request.GET)
    if file_format := export_format(request):
        return export_queryset(
            file_format=file_format,
            filename="orders",
            columns=ORDER_COLUMNS,
            queryset=orders.order_by(ordering, "pk"),
        )
    page = page_from_request(request, orders, ordering=ordering)
    custom_cells(page.items, columns)
    template = "orders/order_list.html#results" if request.htmx else "orders/order_list.html"
    context = {
        "filter": filterset,
        "page": page,
        "sort": sort,
        "custom_columns": [(d, active.get(d.name, "")) for d in columns],
    }
    return render(request, template, context)


# The oldest waiting levels, one screen of cards; the next ones show as these are decided.
APPROVALS_SHOWN = 50


@login_required
def approval_list_view(request: HttpRequest) -> HttpResponse:
    steps = list(selectors.orders_awaiting_approval(user=request.user, limit=APPROVALS_SHOWN + 1))
    context = {
        "steps": steps[:APPROVALS_SHOWN],
        "more_waiting": len(steps) > APPROVALS_SHOWN,
        "now": timezone.now(),
    }
    return render(request, "orders/approval_list.html", context)


@login_required
@permission_required("orders.add_shipment", raise_exception=True)
def to_ship_view(request: HttpRequest) -> HttpResponse:
    warehouse_id = int_or_none(request.GET.get("warehouse"))
    context = {
        "orders": list(selectors.orders_to_ship(warehouse_id=warehouse_id)[:200]),
        "pick_lists": list(selectors.shipments_to_pick(warehouse_id=warehouse_id)[:200]),
        "warehouses": warehouse_list(),
        "warehouse_id": warehouse_id,
    }
    return render(request, "orders/to_ship.html", context)


@login_required
@permission_required("orders.view_shipment", raise_exception=True)
def shipment_list_view(request: HttpRequest) -> HttpResponse:
    filterset = ShipmentFilter(request.GET, queryset=selectors.shipment_list(user=request.user))
    if file_format := export_format(request):
        return export_queryset(
            file_format=file_format,
            filename="shipments",
            columns=SHIPMENT_COLUMNS,
            queryset=filterset.qs.order_by("-created_at", "pk"),
        )
    page = page_from_request(request, filterset.qs, ordering="-created_at")
    return render(request, "orders/shipment_list.html", {"filter": filterset, "page": page})


# ---------------------------------------------------------------- entry


def _line_rows(formset) -> list[dict | None]:
    return [
        form.cleaned_data if form.is_valid() and form.cleaned_data else None
        for form in formset.forms
    ]


def _line_inputs(formset) -> list[services.LineInput]:
    return [
        services.LineInput(
            product_id=data["product"].pk,
            quantity=data["quantity"],
            unit_price=data.get("unit_price"),
            discount_percent=data.get("discount_percent") or 0,
        )
        for data in (form.cleaned_data for form in formset.forms)
        if data
    ]


def _edit_lines(request: HttpRequest):
    """The posted line table, with a row added or removed when the user asked for it."""
    data = request.POST.copy()
    prefix = "lines"
    total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
    if "add_line" in data:
        data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    remove = data.get("remove_line")
    if remove is not None and remove.isdigit() and total > 1:
        removed = int(remove)
        fields = ("product", "quantity", "unit_price", "discount_percent")
        for index in range(removed, total - 1):
            for name in fields:
                data[f"{prefix}-{index}-{name}"] = data.get(f"{prefix}-{index + 1}-{name}", "")
        for name in fields:
            data.pop(f"{prefix}-{total - 1}-{name}", None)
        data[f"{prefix}-TOTAL_FORMS"] = str(total - 1)
    return OrderLineFormSet(data, prefix=prefix)


def _posted_custom_values(header) -> dict:
    """The custom values typed so far (valid ones only), for the approval preview."""
    values = {}
    for definition in getattr(header, "custom_definitions", []):
        name = FORM_PREFIX + definition.name
        field = header.fields[name]
        try:
            value = field.clean(
                field.widget.value_from_datadict(header.data, {}, header.add_prefix(name))
            )
        except ValidationError:
            continue
        if value not in (None, ""):
            values[definition.name] = value
    return values


def _order_form_context(header, formset, order=None, user=None) -> dict:
    warehouse_id = int_or_none(header["warehouse"].value())
    customer = _chosen_customer(header)
    preview = selectors.order_preview(
        rows=_line_rows(formset),
        warehouse_id=warehouse_id,
        customer=customer,
        on=order.order_date if order else None,
    )
    credit = credit_figures(customer) if customer else None
    credit_short = bool(credit and credit.is_short_for(preview.total_amount))
    approvals = (
        selectors.approval_preview(
            preview=preview,
            customer=customer,
            user=user,
            custom=_posted_custom_values(header) if header.is_bound else {},
            over_credit=credit_short,
            on=order.order_date if order else None,
        )
        if user is not None
        else []
    )
    return {
        "approvals": approvals,
        "header": header,
        "formset": formset,
        "rows": list(zip(formset.forms, preview.lines, strict=True)),
        "preview": preview,
        "order": order,
        "customer": customer,
        "credit": credit,
        "credit_short": credit_short,
    }


def _chosen_customer(header):
    """The customer picked in the header (valid choices only), for its terms and credit."""
    customer_id = int_or_none(header["customer"].value())
    if customer_id is None:
        return None
    return header.fields["customer"].queryset.filter(pk=customer_id).first()


@login_required
@permission_required("orders.add_salesorder", raise_exception=True)
def order_create_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        header = OrderHeaderForm(
            initial={"warehouse": warehouse_list().first()},
            user=request.user,
            custom_fields=custom_fields_for(CustomField.Target.ORDER),
        )
        formset = OrderLineFormSet(prefix="lines")
        return render(
            request,
            "orders/order_form.html",
            _order_form_context(header, formset, user=request.user),
        )
    return _order_save(request, order=None)


@login_required
@permission_required("orders.change_salesorder", raise_exception=True)
def order_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    if not order.is_editable:
        messages.error(request, _("Only draft orders can be changed."))
        return redirect("orders:detail", pk=order.pk)
    if request.method != "POST":
        definitions = custom_fields_for(CustomField.Target.ORDER)
        header = OrderHeaderForm(
            user=request.user,
            custom_fields=definitions,
            initial={
                "customer": order.customer_id,
                "warehouse": order.warehouse_id,
                "requested_delivery_on": order.requested_delivery_on,
                "customer_reference": order.customer_reference,
                "note": order.note,
                "is_priority": order.is_priority,
                "version": order.version,
                **custom_form_initial(definitions, order.custom_fields),
            },
        )
        formset = OrderLineFormSet(
            prefix="lines",
            initial=[
                {
                    "product": f"{line.product.sku} {line.product.name}",
                    "quantity": line.quantity,
                    "unit_price": line.unit_price_amount,
                    "discount_percent": line.discount_percent,
                }
                for line in order.lines.select_related("product")
            ],
        )
        return render(
            request,
            "orders/order_form.html",
            _order_form_context(header, formset, order, request.user),
        )
    return _order_save(request, order=order)


def _order_save(request: HttpRequest, *, order: SalesOrder | None) -> HttpResponse:
    header = OrderHeaderForm(
        request.POST,
        user=request.user,
        custom_fields=custom_fields_for(CustomField.Target.ORDER),
    )
    formset = _edit_lines(request)
    editing_table = any(key in request.POST for key in ("add_line", "remove_line", "refresh"))
    if editing_table:
        context = _order_form_context(header, formset, order, request.user)
        template = "orders/order_form.html#lines" if request.htmx else "orders/order_form.html"
        return render(request, template, context)
    if request.htmx and request.htmx.trigger == "order-form":
        context = {**_order_form_context(header, formset, order, request.user), "oob": True}
        return render(request, "orders/order_form.html#computed", context)
    if not (header.is_valid() and formset.is_valid()):
        context = _order_form_context(header, formset, order, request.user)
        return render(request, "orders/order_form.html", context, status=422)
    fields = {
        "customer": header.cleaned_data["customer"],
        "warehouse": header.cleaned_data["warehouse"],
        "lines": _line_inputs(formset),
        "requested_delivery_on": header.cleaned_data["requested_delivery_on"],
        "customer_reference": header.cleaned_data["customer_reference"],
        "note": header.cleaned_data["note"],
        "is_priority": header.cleaned_data["is_priority"],
        "custom_fields": custom_values_from_form(header.custom_definitions, header.cleaned_data),
    }
    try:
        if order is None:
            order = services.order_create(actor=request.user, **fields)
        else:
            order = services.order_update(
                order_id=order.pk,
                actor=request.user,
                expected_version=header.cleaned_data["version"],
                **fields,
            )
    except DomainError as error:
        context = {**_order_form_context(header, formset, order, request.user), "error": str(error)}
        return render(request, "orders/order_form.html", context, status=422)
    if "submit" in request.POST:
        return _run_action(
            request,
            order,
            "submit",
            lambda: services.order_submit(
                order_id=order.pk, actor=request.user, expected_version=order.version
            ),
        )
    messages.success(request, _("Order %(number)s saved as draft.") % {"number": order.number})
    return redirect("orders:detail", pk=order.pk)


@login_required
@permission_required("orders.add_salesorder", raise_exception=True)
def product_options_view(request: HttpRequest) -> HttpResponse:
    """The product suggestions of the order form (htmx, fills a <datalist>)."""
    term = request.GET.get("term", "").strip()
    if not term:
        term = next((v for k, v in request.GET.items() if k.endswith("-product")), "").strip()
    return render(
        request,
        "orders/order_form.html#product-options",
        {"product_options": product_search(term=term.split(" ", 1)[0])},
    )


# ---------------------------------------------------------------- detail


def _order_or_404(request: HttpRequest, pk: int) -> SalesOrder:
    try:
        return selectors.order_get(pk=pk, user=request.user)
    except SalesOrder.DoesNotExist as missing:
        raise Http404(_("No such order.")) from missing


@login_required
@permission_required("orders.view_salesorder", raise_exception=True)
def order_detail_view(request: HttpRequest, pk: int, *, error: str = "", status: int = 200):
    try:
        detail = selectors.order_detail(pk=pk, user=request.user)
    except SalesOrder.DoesNotExist as missing:
        raise Http404(_("No such order.")) from missing
    context = {
        "detail": detail,
        "order": detail.order,
        "decision_form": DecisionForm(initial={"version": detail.order.version}),
        "error": error,
        "can": _abilities(request.user, detail.order, detail.steps),
        "complaints": complaints_of_order(order_number=detail.order.number),
        "custom_values": custom_values_display(
            custom_fields_for(CustomField.Target.ORDER), detail.order.custom_fields
        ),
        "history": selectors.order_history(order=detail.order)
        if request.GET.get("tab") == "history"
        else None,
        "tab": request.GET.get("tab", ""),
        "revisions": list(detail.order.revisions.select_related("actor").order_by("-number")),
    }
    return render(request, "orders/order_detail.html", context, status=status)


def _abilities(user, order: SalesOrder, steps=()) -> dict[str, bool]:
    def able(name: str) -> bool:
        method = getattr(order, name)
        return can_proceed(method) and has_transition_perm(method, user)

    waiting = next((s for s in steps if s.status == s.Status.PENDING), None)
    decides = order.status == SalesOrder.Status.PENDING_APPROVAL and step_decider(user, waiting)[0]

    return {
        "edit": order.is_editable and user.has_perm("orders.change_salesorder"),
        "revise": able("revise"),
        "submit": able("submit"),
        "approve": decides,
        "reject": decides,
        "cancel": able("cancel"),
        "hold": able("hold"),
        "release": able("release_hold"),
        "ship": order.is_shippable and user.has_perm("orders.add_shipment"),
        "invoice": order.is_invoiceable and user.has_perm("finance.add_invoice"),
        "request_return": order.has_shipped and user.has_perm("orders.add_salesreturn"),
    }


def _run_action(request: HttpRequest, order: SalesOrder, action: str, call) -> HttpResponse:
    try:
        order = call()
    except DomainError as error:
        if request.htmx:
            response = render(
                request,
                "orders/approval_list.html#decision-error",
                {"error": str(error), "order": order},
                status=422,
            )
            return response
        return order_detail_view(
            request,
            order.pk,
            error=str(error),
            status=error.status if error.status in (409, 403) else 422,
        )
    text = {
        "submit": _("Order %(number)s submitted: %(status)s."),
        "approve": _("Order %(number)s approved: %(status)s."),
        "reject": _("Order %(number)s rejected and returned to its owner."),
        "cancel": _("Order %(number)s cancelled; its stock is released."),
        "hold": _("Order %(number)s is on hold."),
        "release": _("Order %(number)s released: %(status)s."),
    }[action] % {"number": order.number, "status": order.get_status_display()}
    if request.htmx:
        response = render(
            request, "orders/approval_list.html#decided", {"order": order, "message": text}
        )
        return trigger(response, "order-changed")
    messages.success(request, text)
    return redirect("orders:detail", pk=order.pk)


def _decision(request: HttpRequest, pk: int, action: str, service, *, with_comment=True):
    order = _order_or_404(request, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "") or ""
    version = form.cleaned_data.get("version")
    kwargs = {"order_id": order.pk, "actor": request.user, "expected_version": version}
    if with_comment:
        kwargs["comment"] = comment
    step_id = int_or_none(request.POST.get("step"))
    if step_id is not None and action in ("approve", "reject"):
        kwargs["step_id"] = step_id
    return _run_action(request, order, action, lambda: service(**kwargs))


@require_POST
@login_required
def order_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, "submit", services.order_submit, with_comment=False)


@require_POST
@login_required
def order_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, "approve", services.order_approve)


@require_POST
@login_required
def order_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, "reject", services.order_reject)


@require_POST
@login_required
def order_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, "cancel", services.order_cancel)


@require_POST
@login_required
def order_hold_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, "hold", services.order_hold)


@require_POST
@login_required
def order_release_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, "release", services.order_release_hold)


# ---------------------------------------------------------------- shipments


@login_required
@permission_required("orders.add_shipment", raise_exception=True)
def shipment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    warehouses = selectors.order_reservation_warehouses(order=order)
    chosen = int_or_none(request.POST.get("warehouse") or request.GET.get("warehouse"))
    warehouse_id = chosen if chosen in {w.pk for w in warehouses} else order.warehouse_id
    rows = selectors.shipment_open_lines(order=order, warehouse_id=warehouse_id)
    for row in rows:
        row["entered"] = request.POST.get(f"ship-{row['line'].pk}", row["can_ship"])
    error = ""
    if request.method == "POST":
        quantities = {}
        for row in rows:
            raw = request.POST.get(f"ship-{row['line'].pk}", "").strip() or "0"
            quantities[row["line"].pk] = int(raw) if raw.isdigit() else -1
        if any(quantity < 0 for quantity in quantities.values()):
            error = _("Quantities must be whole numbers of zero or more.")
        else:
            try:
                shipment = services.shipment_create(
                    order_id=order.pk,
                    actor=request.user,
                    quantities=quantities,
                    warehouse_id=warehouse_id,
                )
            except DomainError as failure:
                error = str(failure)
            else:
                messages.success(
                    request,
                    _("Pick list %(number)s created. Pick the goods, then confirm the shipment.")
                    % {"number": shipment.number},
                )
                return redirect("orders:shipment", pk=shipment.pk)
    context = {
        "order": order,
        "rows": rows,
        "error": error,
        "warehouses": warehouses,
        "warehouse_id": warehouse_id,
    }
    return render(request, "orders/shipment_form.html", context, status=422 if error else 200)


@login_required
@permission_required("orders.view_shipment", raise_exception=True)
def shipment_detail_view(
    request: HttpRequest, pk: int, *, form=None, error: str = "", status: int = 200
) -> HttpResponse:
    try:
        shipment = selectors.shipment_get(pk=pk, user=request.user)
    except Shipment.DoesNotExist as missing:
        raise Http404(_("No such shipment.")) from missing
    context = {
        "shipment": shipment,
        "lines": selectors.shipment_lines(shipment=shipment),
        "form": form or ShipmentConfirmForm(),
        "error": error,
        "can_confirm": shipment.status == Shipment.Status.DRAFT
        and request.user.has_perm("orders.confirm_shipment"),
        "can_deliver": shipment.status == Shipment.Status.CONFIRMED
        and request.user.has_perm("orders.confirm_shipment"),
    }
    return render(request, "orders/shipment_detail.html", context, status=status)


@require_POST
@login_required
@permission_required("orders.confirm_shipment", raise_exception=True)
def shipment_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = ShipmentConfirmForm(request.POST)
    if not form.is_valid():
        return shipment_detail_view(request, pk, form=form, status=422)
    try:
        shipment = services.shipment_confirm(
            shipment_id=pk,
            actor=request.user,
            carrier_id=form.cleaned_data["carrier"].pk,
            tracking_number=form.cleaned_data["tracking_number"],
        )
    except Shipment.DoesNotExist as missing:
        raise Http404(_("No such shipment.")) from missing
    except DomainError as error:
        return shipment_detail_view(request, pk, form=form, error=str(error), status=422)
    if shipment.status == Shipment.Status.DRAFT:
        messages.warning(
            request,
            _(
                "Shipment %(number)s was not confirmed: the order is over the customer's "
                "credit and is now on hold until finance releases it."
            )
            % {"number": shipment.number},
        )
        return redirect("orders:shipment", pk=shipment.pk)
    messages.success(
        request,
        _("Shipment %(number)s confirmed: the goods are on their way.")
        % {"number": shipment.number},
    )
    return redirect("orders:shipment", pk=shipment.pk)


@require_POST
@login_required
@permission_required("orders.confirm_shipment", raise_exception=True)
def shipment_deliver_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        shipment = services.shipment_deliver(shipment_id=pk, actor=request.user)
    except DomainError as error:
        return shipment_detail_view(request, pk, error=str(error), status=422)
    messages.success(request, _("Shipment %(number)s delivered.") % {"number": shipment.number})
    return redirect("orders:shipment", pk=shipment.pk)


@require_POST
@login_required
@permission_required("orders.add_shipment", raise_exception=True)
def shipment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        shipment = services.shipment_cancel(shipment_id=pk, actor=request.user)
    except DomainError as error:
        return shipment_detail_view(request, pk, error=str(error), status=422)
    messages.success(request, _("Pick list %(number)s cancelled.") % {"number": shipment.number})
    return redirect(reverse("orders:detail", args=[shipment.order_id]))


@login_required
@permission_required("orders.view_shipment", raise_exception=True)
def shipment_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The outbound note (出库单) as a PDF, to print and sign at the dock."""
    try:
        shipment = selectors.shipment_get(pk=pk, user=request.user)
    except Shipment.DoesNotExist as missing:
        raise Http404(_("No such shipment.")) from missing
    lines = selectors.shipment_lines(shipment=shipment)
    context = {
        "shipment": shipment,
        "lines": lines,
        "total_quantity": sum(line.quantity for line in lines),
    }
    return render_pdf(
        request, "orders/shipment_note_pdf.html", context, filename=f"{shipment.number}.pdf"
    )


@login_required
@permission_required("inventory.view_product", raise_exception=True)
def product_demand_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Fragment for the product page: who holds the stock and who waits for it."""
    return render(request, "orders/product_demand.html", selectors.product_demand(product_id=pk))


@login_required
@permission_required("orders.add_salesreturn", raise_exception=True)
def return_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Sales asks to take back shipped goods: quantities per shipped line and a reason."""
    order = _order_or_404(request, pk)
    returnable = services.returnable_quantities(order)
    rows = [
        {
            "line": line,
            "returnable": returnable[line.pk],
            "entered": request.POST.get(f"return-{line.pk}", ""),
        }
        for line in order.lines.select_related("product")
        if line.quantity_shipped
    ]
    error = ""
    if request.method == "POST":
        quantities = {}
        for row in rows:
            raw = row["entered"].strip() or "0"
            quantities[row["line"].pk] = int(raw) if raw.isdigit() else -1
        if any(quantity < 0 for quantity in quantities.values()):
            error = _("Quantities must be whole numbers of zero or more.")
        else:
            try:
                sales_return = services.return_request(
                    order_id=order.pk,
                    actor=request.user,
                    quantities=quantities,
                    reason=request.POST.get("reason", ""),
                )
            except DomainError as failure:
                error = str(failure)
            else:
                messages.success(
                    request,
                    _("Return %(number)s requested; it waits for approval.")
                    % {"number": sales_return.number},
                )
                return redirect("orders:return", pk=sales_return.pk)
    context = {
        "order": order,
        "rows": rows,
        "error": error,
        "reason": request.POST.get("reason", ""),
    }
    return render(request, "orders/return_form.html", context, status=422 if error else 200)


@login_required
@permission_required("orders.view_salesreturn", raise_exception=True)
def return_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in {"", *SalesReturn.Status.values}:
        status = ""
    page = page_from_request(
        request, selectors.return_list(user=request.user, status=status), ordering="-created_at"
    )
    context = {"page": page, "status": status, "statuses": SalesReturn.Status.choices}
    return render(request, "orders/return_list.html", context)


@login_required
@permission_required("orders.view_salesreturn", raise_exception=True)
def return_detail_view(
    request: HttpRequest, pk: int, *, error: str = "", status: int = 200
) -> HttpResponse:
    try:
        sales_return = selectors.return_get(pk=pk, user=request.user)
    except SalesReturn.DoesNotExist as missing:
        raise Http404(_("No such return.")) from missing
    user = request.user
    context = {
        "sales_return": sales_return,
        "conditions": SalesReturnLine.Condition.choices,
        "error": error,
        "can_decide": sales_return.status == SalesReturn.Status.REQUESTED
        and user.has_perm("orders.approve_salesreturn"),
        "can_receive": sales_return.status == SalesReturn.Status.APPROVED
        and user.has_perm("orders.receive_salesreturn"),
    }
    return render(request, "orders/return_detail.html", context, status=status)


def _return_action(request: HttpRequest, pk: int, call, done: str) -> HttpResponse:
    # Only a return the user may see can be decided or received (404 otherwise).
    if not selectors.return_list(user=request.user).filter(pk=pk).exists():
        raise Http404(_("No such return."))
    try:
        call()
    except DomainError as failure:
        return return_detail_view(request, pk, error=str(failure), status=422)
    messages.success(request, done)
    return redirect("orders:return", pk=pk)


@require_POST
@login_required
@permission_required("orders.approve_salesreturn", raise_exception=True)
def return_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    comment = request.POST.get("comment", "").strip()
    if request.POST.get("decision") == "reject":
        return _return_action(
            request,
            pk,
            partial(services.return_reject, return_id=pk, actor=request.user, comment=comment),
            _("Return rejected."),
        )
    return _return_action(
        request,
        pk,
        partial(services.return_approve, return_id=pk, actor=request.user, comment=comment),
        _("Return approved; the warehouse can take the goods back."),
    )


@require_POST
@login_required
@permission_required("orders.receive_salesreturn", raise_exception=True)
def return_receive_view(request: HttpRequest, pk: int) -> HttpResponse:
    conditions = {}
    for key, value in request.POST.items():
        if key.startswith("condition-") and key.removeprefix("condition-").isdigit():
            if value not in SalesReturnLine.Condition.values:
                return return_detail_view(
                    request, pk, error=_("Choose back to stock or scrap."), status=422
                )
            conditions[int(key.removeprefix("condition-"))] = value
    return _return_action(
        request,
        pk,
        partial(services.return_receive, return_id=pk, actor=request.user, conditions=conditions),
        _("Return received; the stock moves are booked."),
    )
