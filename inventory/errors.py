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


class QuantityInvalid(InventoryError):
    code = "quantity_invalid"
    message = _("The quantity must be a whole number above zero (got %(quantity)s).")


class AdjustmentInvalid(InventoryError):
    code = "adjustment_invalid"
    message = _("An adjustment needs a quantity other than zero and a reason code.")


class TransferToSameWarehouse(InventoryError):
    code = "transfer_same_warehouse"
    message = _("A transfer needs two different warehouses.")
