"""Reads about products and stock."""

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from inventory.models import Carrier, Product, StockLevel, StockMove, Warehouse


def product_list(*, search: str = "", category_id: int | None = None) -> QuerySet[Product]:
    products = (
        Product.objects.select_related("category")
        .annotate(
            on_hand_total=Coalesce(Sum("stock_levels__on_hand"), 0),
            reserved_total=Coalesce(Sum("stock_levels__reserved"), 0),
        )
        .annotate(available_total=F("on_hand_total") - F("reserved_total"))
    )
    if search:
        products = products.filter(Q(sku__icontains=search) | Q(name__icontains=search))
    if category_id:
        products = products.filter(category_id=category_id)
    return products


def product_search(*, term: str, limit: int = 15) -> list[Product]:
    """Active products whose SKU or name contains `term`, for the order form."""
    products = Product.objects.filter(is_active=True)
    if term:
        products = products.filter(Q(sku__icontains=term) | Q(name__icontains=term))
    return list(products.order_by("sku")[:limit])


def product_get(*, pk: int) -> Product:
    return Product.objects.select_related("category").get(pk=pk)


def product_stock_levels(*, product: Product) -> list[StockLevel]:
    return list(product.stock_levels.select_related("warehouse").order_by("warehouse__code"))


def product_moves(*, product: Product, limit: int = 50) -> list[StockMove]:
    return list(
        product.stock_moves.select_related("warehouse", "actor").order_by("-created_at", "-pk")[
            :limit
        ]
    )


def stock_level_list(*, warehouse_id: int | None = None, search: str = "") -> QuerySet[StockLevel]:
    levels = StockLevel.objects.select_related("product", "warehouse").annotate(
        available_quantity=F("on_hand") - F("reserved")
    )
    if warehouse_id:
        levels = levels.filter(warehouse_id=warehouse_id)
    if search:
        levels = levels.filter(
            Q(product__sku__icontains=search) | Q(product__name__icontains=search)
        )
    return levels


def stock_levels_below_reorder_point() -> QuerySet[StockLevel]:
    """Levels under the product's reorder point; suggest refilling to twice that point."""
    return (
        StockLevel.objects.select_related("product", "warehouse")
        .annotate(available_quantity=F("on_hand") - F("reserved"))
        .annotate(suggested_quantity=F("product__reorder_point") * 2 - F("available_quantity"))
        .filter(available_quantity__lt=F("product__reorder_point"))
        .order_by("available_quantity", "product__sku")
    )


def available_by_product(*, product_ids: list[int], warehouse_id: int) -> dict[int, int]:
    return {
        level.product_id: level.available
        for level in StockLevel.objects.filter(
            product_id__in=product_ids, warehouse_id=warehouse_id
        )
    }


def warehouse_list() -> QuerySet[Warehouse]:
    return Warehouse.objects.order_by("code")


def carrier_list() -> QuerySet[Carrier]:
    return Carrier.objects.order_by("code")
