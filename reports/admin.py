"""Admin of the reports app: sales targets are set here; runs and summaries are read-only."""

from django.contrib import admin

from reports.models import ReportRun, ReportSubscription, SalesSummaryRun, SalesTarget


@admin.register(SalesTarget)
class SalesTargetAdmin(admin.ModelAdmin):
    list_display = ["sales_rep", "month", "target_amount"]
    list_filter = ["month"]
    raw_id_fields = ["sales_rep"]


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "report", "frequency", "send_at", "file_format", "is_active"]
    list_filter = ["report", "frequency", "is_active"]
    raw_id_fields = ["user"]


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["subscription", "period_key", "status", "started_at", "sent_at"]
    list_filter = ["status"]
    exclude = ["content"]
    readonly_fields = ["subscription", "period_key", "status", "file_name", "error", "sent_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SalesSummaryRun)
class SalesSummaryRunAdmin(admin.ModelAdmin):
    list_display = ["refreshed_at", "since"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
