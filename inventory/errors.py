"""Refusals of the inventory app."""

from django.utils.translation import gettext_lazy as _

from opms.core.errors import DomainError


class InventoryError(DomainError):
    code = "inventory_error"


class InsufficientStock(InventoryError):
    """Not enough available stock; `shortages` lists (product, warehouse, wanted, available)."""

    code = "insufficient_stock"
    message = _("Not enough stock: %(details)s.")

    def __init__(self, shortages: list[dict]):
        self.shortages = shortages
        details = "; ".join(
            str(
                _("%(sku)s %(name)s needs %(wanted)s, %(available)s available in %(warehouse)s")
                % shortage
            )
            for shortage in shortages
        )
        super().__init__(details=details)


class StockLevelCorrupted(InventoryError):
    code = "stock_level_corrupted"
    message = _("Stock of %(sku)s in %(warehouse)s cannot be issued: %(problem)s.")
