from django.contrib import admin

from opms.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by the services, never by hand."""

    list_display = ["created_at", "recipient", "event", "key", "read_at", "emailed_at"]
    list_filter = ["event"]
    search_fields = ["key", "recipient__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
