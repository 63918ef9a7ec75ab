"""Admin for suppliers, their prices, reorder policies; purchase orders read-mostly."""

from django.contrib import admin

from purchasing.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderPolicy,
    Supplier,
    SupplierContact,
    SupplierProduct,
)


class SupplierContactInline(admin.TabularInline):
    model = SupplierContact
    extra = 0


class SupplierProductInline(admin.TabularInline):
    model = SupplierProduct
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "contact_name", "phone", "lead_time_days", "is_active"]
    search_fields = ["code", "name"]
    inlines = [SupplierContactInline, SupplierProductInline]


@admin.register(ReorderPolicy)
class ReorderPolicyAdmin(admin.ModelAdmin):
    list_display = ["product", "warehouse", "reorder_point", "reorder_quantity", "maximum_quantity"]
    list_filter = ["warehouse"]
    search_fields = ["product__sku", "product__name"]
    autocomplete_fields = ["product"]


class PurchaseOrderLineInline(admin.TabularInline):
    model = PurchaseOrderLine
    extra = 0
    readonly_fields = ["line_no", "product", "quantity", "quantity_received", "unit_price_amount"]
    can_delete = False


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "supplier", "warehouse", "status", "expected_on", "total_amount"]
    list_filter = ["status", "warehouse"]
    search_fields = ["number", "supplier__name"]
    readonly_fields = ["status", "total_amount", "sent_at", "received_at", "closed_at"]
    inlines = [PurchaseOrderLineInline]

    def has_add_permission(self, request) -> bool:
        return False
