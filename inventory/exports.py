"""Columns of the product and stock list downloads (XLSX / CSV)."""

from django.utils.translation import gettext_lazy as _

PRODUCT_COLUMNS = [
    (_("SKU"), "sku"),
    (_("Product name"), "name"),
    (_("Category code"), "category.code"),
    (_("Unit"), "unit"),
    (_("List price"), "list_price_amount"),
    (_("On hand"), "on_hand_total"),
    (_("Reserved"), "reserved_total"),
    (_("Available"), "available_total"),
]

STOCK_COLUMNS = [
    (_("SKU"), "product.sku"),
    (_("Product name"), "product.name"),
    (_("Warehouse"), "warehouse.name"),
    (_("On hand"), "on_hand"),
    (_("Reserved"), "reserved"),
    (_("Available"), "available_quantity"),
]
