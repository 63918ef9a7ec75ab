"""Celery wrappers of finance: overdue reminders and documents e-mailed to customers."""

from smtplib import SMTPException

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from finance import mailing
from finance.services import (
    credit_note_for_return,
    overdue_reminders_send,
    returns_credit_pending,
)

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


@shared_task(**RETRY)
def return_credit_task(return_id: int, actor_id: int) -> bool:
    """Credit one received return (idempotent: one credit note per return number)."""
    actor = get_user_model().objects.get(pk=actor_id)
    return credit_note_for_return(return_id=return_id, actor=actor) is not None


@shared_task(acks_late=True)
def returns_credit_pending_task() -> int:
    """Credit received returns whose task was lost."""
    return returns_credit_pending()
