"""Reads for purchasing: suppliers and what needs reordering."""

from django.db.models import QuerySet

from inventory.selectors import stock_levels_below_reorder_point
from purchasing.models import Supplier


def supplier_list() -> QuerySet[Supplier]:
    return Supplier.objects.order_by("code")


def reorder_candidates():
    """Stock levels whose available quantity fell below the product's reorder point."""
    return stock_levels_below_reorder_point()
