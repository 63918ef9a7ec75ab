"""HTML views of products, stock levels and the stock ledger (adjust, transfer, count)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from inventory import selectors, services
from inventory.exports import PRODUCT_COLUMNS, STOCK_COLUMNS
from inventory.forms import StockAdjustmentForm, StockTakeScopeForm, StockTransferForm
from inventory.models import Product
from opms.core.errors import DomainError
from opms.core.exports import export_format, export_queryset
from opms.core.pagination import int_or_none, page_from_request


@login_required
@permission_required("inventory.view_product", raise_exception=True)
def product_list_view(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    if file_format := export_format(request):
        return export_queryset(
            file_format=file_format,
            filename="products",
            columns=PRODUCT_COLUMNS,
            queryset=selectors.product_list(search=search).order_by("sku"),
        )
    page = page_from_request(request, selectors.product_list(search=search), ordering="sku")
    return render(request, "inventory/product_list.html", {"page": page, "search": search})


@login_required
@permission_required("inventory.view_product", raise_exception=True)
def product_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        product = selectors.product_get(pk=pk)
    except Product.DoesNotExist as missing:
        raise Http404(_("No such product.")) from missing
    context = {
        "product": product,
        "levels": selectors.product_stock_levels(product=product),
        "moves": selectors.product_moves_with_balance(product=product),
        "monthly": selectors.product_monthly_shipped(product=product),
    }
    return render(request, "inventory/product_detail.html", context)


@login_required
@permission_required("inventory.view_stocklevel", raise_exception=True)
def stock_list_view(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    warehouse_id = int_or_none(request.GET.get("warehouse"))
    if file_format := export_format(request):
        return export_queryset(
            file_format=file_format,
            filename="stock",
            columns=STOCK_COLUMNS,
            queryset=selectors.stock_level_list(warehouse_id=warehouse_id, search=search).order_by(
                "product__sku", "warehouse__code"
            ),
        )
    page = page_from_request(
        request,
        selectors.stock_level_list(warehouse_id=warehouse_id, search=search),
        ordering="product_id",
    )
    context = {
        "page": page,
        "search": search,
        "warehouses": selectors.warehouse_list(),
        "warehouse_id": warehouse_id,
    }
    return render(request, "inventory/stock_list.html", context)


@login_required
@permission_required("inventory.add_stockmove", raise_exception=True)
def ledger_view(request: HttpRequest) -> HttpResponse:
    """Adjustments and transfers: one page, two forms, the latest hand bookings."""
    adjustment = StockAdjustmentForm(prefix="adjust")
    transfer = StockTransferForm(prefix="transfer")
    error = ""
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "transfer":
            transfer = StockTransferForm(request.POST, prefix="transfer")
            form = transfer
        else:
            adjustment = StockAdjustmentForm(request.POST, prefix="adjust")
            form = adjustment
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is transfer:
                    result = services.stock_transfer(
                        product_id=data["product"].pk,
                        from_warehouse_id=data["from_warehouse"].pk,
                        to_warehouse_id=data["to_warehouse"].pk,
                        quantity=data["quantity"],
                        comment=data["comment"],
                        actor=request.user,
                    )
                    done = _("Transfer %(reference)s booked.") % {"reference": result.reference}
                else:
                    services.stock_adjust(
                        product_id=data["product"].pk,
                        warehouse_id=data["warehouse"].pk,
                        quantity=data["quantity"],
                        reason_code=data["reason_code"],
                        comment=data["comment"],
                        actor=request.user,
                    )
                    done = _("Adjustment booked.")
            except DomainError as failure:
                error = str(failure)
            else:
                messages.success(request, done)
                return redirect("inventory:ledger")
        status = 422
    context = {
        "adjustment": adjustment,
        "transfer": transfer,
        "error": error,
        "moves": selectors.ledger_moves_recent(),
        "scope": StockTakeScopeForm(),
    }
    return render(request, "inventory/ledger.html", context, status=status)


@login_required
@permission_required("inventory.add_stockmove", raise_exception=True)
def stock_take_view(request: HttpRequest) -> HttpResponse:
    """Count a warehouse (or one category): enter counts, preview differences, post them."""
    scope = StockTakeScopeForm(request.POST or request.GET or None)
    if not scope.is_valid():
        return redirect("inventory:ledger")
    warehouse = scope.cleaned_data["warehouse"]
    category = scope.cleaned_data["category"]
    sheet = selectors.stock_take_sheet(
        warehouse_id=warehouse.pk, category_id=category.pk if category else None
    )
    error = ""
    rows = []
    counts: dict[int, int] = {}
    for level in sheet:
        raw = request.POST.get(f"count-{level.product_id}", "").strip()
        counted = int(raw) if raw.isdigit() else None
        if raw and counted is None:
            error = _("Counts must be whole numbers of zero or more.")
        if counted is not None:
            counts[level.product_id] = counted
        difference = counted - level.on_hand if counted is not None else None
        rows.append({"level": level, "raw": raw, "difference": difference})
    differences = [row for row in rows if row["difference"]]
    if request.method == "POST" and request.POST.get("action") == "post" and not error:
        try:
            moves = services.stock_take_post(
                warehouse_id=warehouse.pk,
                counts=counts,
                comment=request.POST.get("comment", "").strip()[:200],
                actor=request.user,
            )
        except DomainError as failure:
            error = str(failure)
        else:
            messages.success(
                request,
                _("Stock take posted: %(count)s adjustments.") % {"count": len(moves)},
            )
            return redirect("inventory:ledger")
    context = {
        "scope": scope,
        "warehouse": warehouse,
        "category": category,
        "rows": rows,
        "differences": differences,
        "error": error,
    }
    return render(request, "inventory/stock_take.html", context, status=422 if error else 200)
