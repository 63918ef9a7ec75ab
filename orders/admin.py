"""Admin for orders: read-mostly; approval rules are configured on the app's own page."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from orders.models import (
    ApprovalRule,
    OrderEvent,
    RoleDiscountLimit,
    SalesOrder,
    SalesOrderLine,
    Shipment,
)


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(SimpleHistoryAdmin):
    """Read-mostly: rules are edited on the app's Approval rules page (it validates them)."""

    list_display = ("name", "position", "is_active", "approver_kind", "approver_group")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoleDiscountLimit)
class RoleDiscountLimitAdmin(SimpleHistoryAdmin):
    list_display = ("group", "max_discount_percent")


class LineInline(admin.TabularInline):
    model = SalesOrderLine
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in SalesOrderLine._meta.fields]


class EventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_status", "to_status", "actor", "comment", "created_at")
    fields = readonly_fields


@admin.register(SalesOrder)
class SalesOrderAdmin(SimpleHistoryAdmin):
    list_display = ("number", "customer", "status", "total_amount", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "customer__name", "customer__code")
    list_select_related = ("customer",)
    inlines = [LineInline, EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("number", "order", "status", "carrier", "tracking_number", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "order__number", "tracking_number")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
