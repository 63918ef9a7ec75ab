"""HTML views of purchasing: suggestions, purchase orders, receipts, expected arrivals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opms.core.errors import DomainError
from opms.core.pagination import int_or_none, page_from_request
from opms.core.pdf import render_pdf
from purchasing import selectors, services
from purchasing.models import PurchaseOrder


@login_required
@permission_required("purchasing.view_supplier", raise_exception=True)
def reorder_view(request: HttpRequest) -> HttpResponse:
    context = {
        "groups": selectors.suggestions_by_supplier(),
        "alerts": list(selectors.low_stock_alerts_open()[:100]),
        "can_order": request.user.has_perm("purchasing.add_purchaseorder"),
    }
    return render(request, "purchasing/reorder.html", context)


@require_POST
@login_required
@permission_required("purchasing.view_reordersuggestion", raise_exception=True)
def suggestions_compute_view(request: HttpRequest) -> HttpResponse:
    run = services.suggestions_compute()
    messages.success(
        request,
        _(
            "Suggestions computed: %(created)s new, %(updated)s updated, %(dismissed)s no "
            "longer needed."
        )
        % {"created": run.created, "updated": run.updated, "dismissed": run.dismissed},
    )
    return redirect("purchasing:reorder")


@require_POST
@login_required
@permission_required("purchasing.add_purchaseorder", raise_exception=True)
def suggestions_order_view(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("suggestion") if v.isdigit()]
    try:
        orders = services.purchase_orders_create_from_suggestions(
            suggestion_ids=ids, actor=request.user
        )
    except DomainError as failure:
        messages.error(request, str(failure))
        return redirect("purchasing:reorder")
    messages.success(
        request,
        _("Purchase orders created: %(numbers)s.")
        % {"numbers": ", ".join(order.number for order in orders)},
    )
    if len(orders) == 1:
        return redirect("purchasing:order", pk=orders[0].pk)
    return redirect("purchasing:orders")


@login_required
@permission_required("purchasing.view_purchaseorder", raise_exception=True)
def purchase_order_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in {"", "to_receive", *PurchaseOrder.Status.values}:
        status = ""
    page = page_from_request(
        request, selectors.purchase_order_list(status=status), ordering="-created_at"
    )
    context = {"page": page, "status": status, "statuses": PurchaseOrder.Status.choices}
    return render(request, "purchasing/purchase_order_list.html", context)


def _order_or_404(pk: int) -> PurchaseOrder:
    try:
        return selectors.purchase_order_get(pk=pk)
    except PurchaseOrder.DoesNotExist as missing:
        raise Http404(_("No such purchase order.")) from missing


@login_required
@permission_required("purchasing.view_purchaseorder", raise_exception=True)
def purchase_order_detail_view(
    request: HttpRequest, pk: int, *, error: str = "", status: int = 200
) -> HttpResponse:
    order = _order_or_404(pk)
    user = request.user
    context = {
        "order": order,
        "error": error,
        "can": {
            "send": order.status == PurchaseOrder.Status.DRAFT
            and user.has_perm("purchasing.send_purchaseorder"),
            "receive": order.is_receivable and user.has_perm("purchasing.receive_purchaseorder"),
            "close": order.status
            in (PurchaseOrder.Status.RECEIVED, PurchaseOrder.Status.PARTIALLY_RECEIVED)
            and user.has_perm("purchasing.send_purchaseorder"),
            "cancel": order.status in (PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.SENT)
            and user.has_perm("purchasing.send_purchaseorder"),
        },
    }
    return render(request, "purchasing/purchase_order_detail.html", context, status=status)


def _act(request: HttpRequest, pk: int, call, done: str) -> HttpResponse:
    if not PurchaseOrder.objects.filter(pk=pk).exists():
        raise Http404(_("No such purchase order."))
    try:
        call()
    except DomainError as failure:
        return purchase_order_detail_view(request, pk, error=str(failure), status=422)
    messages.success(request, done)
    return redirect("purchasing:order", pk=pk)


@require_POST
@login_required
@permission_required("purchasing.send_purchaseorder", raise_exception=True)
def purchase_order_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: services.purchase_order_send(purchase_order_id=pk, actor=request.user),
        _("Purchase order sent. Print or e-mail the PDF to the supplier."),
    )


@require_POST
@login_required
@permission_required("purchasing.send_purchaseorder", raise_exception=True)
def purchase_order_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: services.purchase_order_close(purchase_order_id=pk, actor=request.user),
        _("Purchase order closed."),
    )


@require_POST
@login_required
@permission_required("purchasing.send_purchaseorder", raise_exception=True)
def purchase_order_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "").strip()
    if not reason:
        return purchase_order_detail_view(request, pk, error=_("Please give a reason."), status=422)
    return _act(
        request,
        pk,
        lambda: services.purchase_order_cancel(
            purchase_order_id=pk, actor=request.user, reason=reason
        ),
        _("Purchase order cancelled."),
    )


@require_POST
@login_required
@permission_required("purchasing.receive_purchaseorder", raise_exception=True)
def goods_receipt_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    quantities = {}
    for key, raw in request.POST.items():
        if not key.startswith("receive-"):
            continue
        line_id = int_or_none(key.removeprefix("receive-"))
        raw = raw.strip() or "0"
        if line_id is None or not raw.isdigit():
            return purchase_order_detail_view(
                request,
                pk,
                error=_("Quantities must be whole numbers of zero or more."),
                status=422,
            )
        quantities[line_id] = int(raw)
    holder = {}

    def receive():
        holder["receipt"] = services.goods_receipt_post(
            purchase_order_id=pk,
            actor=request.user,
            quantities=quantities,
            note=request.POST.get("note", "").strip()[:300],
        )

    return _act(request, pk, receive, _("Goods received into stock; backorders are reserved."))


@login_required
@permission_required("purchasing.view_purchaseorder", raise_exception=True)
def purchase_order_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(pk)
    return render_pdf(
        request,
        "purchasing/purchase_order_pdf.html",
        {"order": order},
        filename=f"{order.number}.pdf",
    )


@login_required
def expected_arrivals_view(request: HttpRequest) -> HttpResponse:
    """Fragment for the order page: open purchase order lines of backordered products."""
    product_ids = [int(v) for v in request.GET.getlist("product") if v.isdigit()][:50]
    lines = selectors.expected_arrivals(
        product_ids=product_ids, warehouse_id=int_or_none(request.GET.get("warehouse"))
    )
    return render(request, "purchasing/expected_arrivals.html", {"lines": lines})


@login_required
@permission_required("purchasing.view_supplier", raise_exception=True)
def supplier_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "purchasing/supplier_list.html", {"suppliers": list(selectors.supplier_list())}
    )
