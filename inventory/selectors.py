"""Reads about products and stock."""

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from inventory.models import Carrier, Product, ProductCategory, StockLevel, StockMove, Warehouse
from opms.core.sql import column, columns, placeholders, rows_fetch, table


def products_with_category(product_ids: set[int] | list[int]) -> dict[int, Product]:
    """{pk: product} with its category loaded (in_bulk + select_related), for pricing.

    Hand-written (opms.core.sql): every order entered reads its products here.
    """
    ids = sorted(product_ids)
    if not ids:
        return {}
    sql = (
        f"SELECT {columns(Product, 'p')}, {columns(ProductCategory, 'c')} "  # noqa: S608
        f"FROM {table(Product)} p LEFT JOIN {table(ProductCategory)} c "
        f"ON c.{column(ProductCategory, 'id')} = p.{column(Product, 'category')} "
        f"WHERE p.{column(Product, 'id')} IN ({placeholders(len(ids))})"
    )
    products = rows_fetch(Product, sql, ids, related=[("category", ProductCategory)])
    return {product.pk: product for product in products}


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


def stock_take_sheet(*, warehouse_id: int, category_id: int | None = None) -> list[StockLevel]:
    """The levels to count in a warehouse (optionally one category), by SKU."""
    levels = StockLevel.objects.filter(warehouse_id=warehouse_id, product__is_active=True)
    if category_id:
        levels = levels.filter(product__category_id=category_id)
    return list(levels.select_related("product").order_by("product__sku")[:500])


def ledger_moves_recent(*, limit: int = 30) -> list[StockMove]:
    """The latest adjustments and transfers (what people booked by hand)."""
    return list(
        StockMove.objects.filter(
            kind__in=[
                StockMove.Kind.ADJUSTMENT,
                StockMove.Kind.TRANSFER_IN,
                StockMove.Kind.TRANSFER_OUT,
            ]
        )
        .select_related("product", "warehouse", "actor")
        .order_by("-created_at", "-pk")[:limit]
    )


def product_moves_with_balance(*, product: Product, limit: int = 100) -> list[dict]:
    """The latest moves of a product, each with the balance of its warehouse after it.

    The balance runs backwards from today's on hand, so it needs no scan of old moves.
    """
    moves = product_moves(product=product, limit=limit)
    balance = dict(product.stock_levels.values_list("warehouse_id", "on_hand"))
    rows = []
    for move in moves:
        after = balance.get(move.warehouse_id, 0)
        rows.append({"move": move, "balance": after})
        balance[move.warehouse_id] = after - move.quantity
    return rows


def product_monthly_shipped(*, product: Product, months: int = 12) -> list[dict]:
    """Units shipped per month (from the ledger), newest first."""
    return list(
        StockMove.objects.filter(product=product, kind=StockMove.Kind.SHIPMENT)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(quantity=Sum("quantity"))
        .order_by("-month")[:months]
    )
