"""Celery wrappers of finance: overdue reminders and documents e-mailed to customers."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from finance import mailing
from finance.services import overdue_reminders_send

RETRY = {
    "autoretry_for": (OperationalError, SMTPException, ConnectionError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(**RETRY)
def overdue_reminders_send_task() -> int:
    """Daily: record the reminders due today (idempotent per invoice and step), then queue
    the delivery of every one not sent yet."""
    pending = overdue_reminders_send()
    for reminder_id in pending:
        overdue_reminder_deliver_task.delay(reminder_id)
    return len(pending)


@shared_task(**RETRY)
def overdue_reminder_deliver_task(reminder_id: int) -> bool:
    """Send one recorded reminder (skipped when it was sent already)."""
    return mailing.overdue_reminder_deliver(reminder_id=reminder_id)


@shared_task(**RETRY)
def document_email_task(kind: str, pk: int, recipients: list[str]) -> None:
    """E-mail an invoice or a customer statement PDF."""
    mailing.document_email_send(kind=kind, pk=pk, recipients=recipients)
