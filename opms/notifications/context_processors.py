"""The bell in the header: the unread count, counted only when a page shows it."""

from django.utils.functional import SimpleLazyObject

from opms.notifications.selectors import notifications_unread_count


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: notifications_unread_count(user))}
