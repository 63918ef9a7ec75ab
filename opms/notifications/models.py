"""In-app notifications and each user's choice of channel per event."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from opms.notifications.events import Channel, Event


class Notification(models.Model):
    """One message to one user. ``title`` is an untranslated message id with
    ``%(name)s`` placeholders filled from ``params``, rendered in the reader's language.
    ``key`` makes notifying idempotent: one row per recipient and key."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    key = models.CharField(_("key"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    in_app = models.BooleanField(_("shown in the app"), default=True)
    by_email = models.BooleanField(_("sent by e-mail"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-id"],
                condition=models.Q(in_app=True, read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "-id"], name="notification_recent"),
            models.Index(
                fields=["id"],
                condition=models.Q(by_email=True, emailed_at__isnull=True),
                name="notification_mail_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The title in the active language, with its parameters filled in."""
        message = gettext(self.title)
        try:
            return message % self.params if self.params else message
        except (KeyError, TypeError, ValueError):
            return message


class NotificationPreference(models.Model):
    """How one user wants to hear of one event; without a row: in the app and by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="one_preference_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_event_display()}: {self.get_channel_display()}"
