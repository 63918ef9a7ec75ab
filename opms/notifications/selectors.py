"""Reads of notifications for the bell and the list."""

from opms.notifications.events import Channel, Event
from opms.notifications.models import Notification, NotificationPreference


def notifications_unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True).count()


def notifications_for(user):
    return Notification.objects.filter(recipient=user, in_app=True).order_by("-id")


def notification_channels(user) -> list[tuple[str, str, str]]:
    """(event, label, channel) for every event, with the default where none is stored."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("event", "channel"))
    return [(event, label, stored.get(event, Channel.BOTH)) for event, label in Event.choices]
