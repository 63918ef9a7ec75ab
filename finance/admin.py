"""Admin for finance: read-only; invoices and payments change through the finance pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from finance.models import BankAccount, CreditNote, Invoice, Payment, ReminderSchedule


@admin.register(Invoice)
class InvoiceAdmin(SimpleHistoryAdmin):
    list_display = ("number", "customer", "status", "total_amount", "allocated_amount", "due_on")
    list_filter = ("status",)
    search_fields = ("number", "customer__name")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    list_display = ("number", "customer", "amount", "allocated_amount", "received_on", "method")
    search_fields = ("number", "customer__name", "bank_reference")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(BankAccount)
class BankAccountAdmin(SimpleHistoryAdmin):
    """Bank accounts with the column mapping of their statement files."""

    list_display = ("name", "bank_name", "account_number", "currency", "auto_post_confidence")


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(SimpleHistoryAdmin):
    list_display = ("days_overdue", "remind_customer", "remind_sales_rep")

    def has_add_permission(self, request):
        return not ReminderSchedule.objects.exists()


@admin.register(CreditNote)
class CreditNoteAdmin(SimpleHistoryAdmin):
    list_display = ("number", "customer", "reason", "total_amount", "allocated_amount")
    search_fields = ("number", "customer__name", "source_reference")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
