"""Admin for customers (credit limits and terms; every change is in the history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "tier", "credit_limit_amount", "receivable_amount", "sales_rep")
    list_filter = ("tier", "team", "is_active")
    search_fields = ("code", "name", "tax_id")
    readonly_fields = ("receivable_amount", "open_order_amount")
