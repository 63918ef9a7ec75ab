"""HTML views of products and stock levels."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from inventory import selectors
from inventory.exports import PRODUCT_COLUMNS, STOCK_COLUMNS
from inventory.models import Product
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
        "moves": selectors.product_moves(product=product),
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
