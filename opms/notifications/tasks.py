"""Celery tasks of notifications: e-mail one, and sweep the ones whose task was lost."""

from celery import shared_task
from django.db import OperationalError

from opms.notifications.services import notification_email_send, notifications_email_pending


@shared_task(
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    acks_late=True,
)
def notification_email_task(notification_id: int) -> bool:
    return notification_email_send(notification_id=notification_id)


@shared_task(acks_late=True)
def notifications_email_pending_task() -> int:
    return notifications_email_pending()
