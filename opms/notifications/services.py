"""Notify users in the app and by e-mail, each in their own language, once per key."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from opms.core.queue import enqueue_on_commit
from opms.notifications.events import Channel, Event
from opms.notifications.models import Notification, NotificationPreference


def notify(
    recipients: Iterable,
    event: str,
    *,
    key: str,
    title: str,
    url: str = "",
    params: dict | None = None,
) -> list[Notification]:
    """Tell each recipient about ``event``. ``title`` is a message id marked with
    ``gettext_noop`` (rendered in each reader's language, ``%(name)s`` from ``params``);
    ``key`` identifies the occurrence (e.g. "approval:SO-2026-000123:level-2"), so calling
    twice, or from a redelivered task, notifies once. Returns the notifications created."""
    Event(event)  # an unknown event is a programming error
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not users:
        return []
    channels = dict(
        NotificationPreference.objects.filter(user_id__in=users, event=event).values_list(
            "user_id", "channel"
        )
    )
    created = []
    for user_id in sorted(users):
        channel = channels.get(user_id, Channel.BOTH)
        if channel == Channel.NONE:
            continue
        wants_mail = channel in (Channel.BOTH, Channel.EMAIL) and bool(users[user_id].email)
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient_id=user_id,
                    event=event,
                    key=key[:200],
                    title=str(title)[:300],
                    params=params or {},
                    url=url,
                    in_app=channel in (Channel.BOTH, Channel.IN_APP),
                    by_email=wants_mail,
                )
        except IntegrityError:
            continue  # already notified for this key
        created.append(notification)
        if wants_mail:
            from opms.notifications.tasks import notification_email_task

            enqueue_on_commit(notification_email_task, notification.pk)
    return created


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification in the recipient's language, once (``emailed_at``)."""
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.emailed_at is not None or not notification.by_email:
        return False
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = notification.text
        body = subject
        if notification.url:
            link = settings.SITE_URL.rstrip("/") + notification.url
            body = f"{subject}\n\n{gettext('Open it in OPMS:')} {link}\n"
        send_mail(f"[OPMS] {subject}", body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


def notifications_email_pending(*, older_than_seconds: int = 60) -> int:
    """Send the e-mails whose task was lost (broker down when they were created)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    pending = Notification.objects.filter(
        by_email=True, emailed_at__isnull=True, created_at__lt=cutoff
    ).values_list("pk", flat=True)[:500]
    return sum(notification_email_send(notification_id=pk) for pk in list(pending))


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_save(*, user, channels: dict[str, str], language: str) -> None:
    """Store the user's channel per event and the language of their e-mails."""
    for event, channel in channels.items():
        Event(event)
        Channel(channel)
        NotificationPreference.objects.update_or_create(
            user=user, event=event, defaults={"channel": channel}
        )
    if language != user.language:
        user.language = language
        user.save(update_fields=["language"])
