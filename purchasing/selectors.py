"""Reads for purchasing: suppliers, suggestions, alerts, purchase orders, expected arrivals."""

from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet

from inventory.selectors import stock_levels_below_reorder_point
from purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    LowStockAlert,
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderSuggestion,
    Supplier,
)


def supplier_list() -> QuerySet[Supplier]:
    return Supplier.objects.prefetch_related("contacts").order_by("code")


def reorder_candidates():
    """Stock levels whose available quantity fell below the product's reorder point."""
    return stock_levels_below_reorder_point()


@dataclass
class SupplierSuggestions:
    supplier: Supplier | None
    suggestions: list[ReorderSuggestion]


def suggestions_by_supplier() -> list[SupplierSuggestions]:
    """Open suggestions grouped by preferred supplier (those without one last)."""
    suggestions = (
        ReorderSuggestion.objects.filter(status=ReorderSuggestion.Status.OPEN)
        .select_related("product", "warehouse", "supplier")
        .order_by(F("supplier__code").asc(nulls_last=True), "product__sku", "warehouse__code")
    )
    groups: dict[int | None, SupplierSuggestions] = {}
    for suggestion in suggestions:
        group = groups.setdefault(
            suggestion.supplier_id, SupplierSuggestions(suggestion.supplier, [])
        )
        group.suggestions.append(suggestion)
    return list(groups.values())


def low_stock_alerts_open() -> QuerySet[LowStockAlert]:
    return (
        LowStockAlert.objects.filter(is_open=True)
        .select_related("product", "warehouse")
        .order_by("raised_at", "pk")
    )


def purchase_order_list(*, status: str = "") -> QuerySet[PurchaseOrder]:
    orders = PurchaseOrder.objects.select_related("supplier", "warehouse")
    if status == "to_receive":
        orders = orders.filter(status__in=PurchaseOrder.RECEIVABLE)
    elif status:
        orders = orders.filter(status=status)
    return orders


def purchase_order_get(*, pk: int) -> PurchaseOrder:
    return (
        PurchaseOrder.objects.select_related("supplier", "warehouse", "created_by")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=PurchaseOrderLine.objects.select_related("product").order_by("line_no"),
            ),
            Prefetch(
                "receipts",
                queryset=GoodsReceipt.objects.select_related("received_by").prefetch_related(
                    Prefetch(
                        "lines",
                        queryset=GoodsReceiptLine.objects.select_related("purchase_line__product"),
                    )
                ),
            ),
            "supplier__contacts",
        )
        .get(pk=pk)
    )


def expected_arrivals(
    *, product_ids: list[int], warehouse_id: int | None
) -> list[PurchaseOrderLine]:
    """Open purchase order lines of these products (for a warehouse), earliest arrival first."""
    lines = PurchaseOrderLine.objects.filter(
        product_id__in=product_ids,
        purchase_order__status__in=PurchaseOrder.OPEN,
        quantity_received__lt=F("quantity"),
    )
    if warehouse_id:
        lines = lines.filter(purchase_order__warehouse_id=warehouse_id)
    return list(
        lines.select_related(
            "product", "purchase_order__supplier", "purchase_order__warehouse"
        ).order_by(F("purchase_order__expected_on").asc(nulls_last=True), "pk")[:50]
    )
