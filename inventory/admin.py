"""Admin for the catalogue: products, categories, warehouses, carriers; stock is read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from inventory.models import Carrier, Product, ProductCategory, StockLevel, StockMove, Warehouse


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ("sku", "name", "category", "unit", "list_price_amount", "reorder_point")
    list_filter = ("category", "is_active")
    search_fields = ("sku", "name")


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "vat_rate")
    list_editable = ("vat_rate",)


admin.site.register(Warehouse)
admin.site.register(Carrier)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ("product", "warehouse", "on_hand", "reserved")
    list_filter = ("warehouse",)
    search_fields = ("product__sku",)


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "product", "warehouse", "kind", "quantity", "reference")
    list_filter = ("kind", "warehouse")
    search_fields = ("product__sku", "reference")
