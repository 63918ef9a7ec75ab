"""Celery wrappers of order services."""

from celery import shared_task
from django.db import OperationalError

from orders.integration.tasks import (  # noqa: F401 (registered with the worker)
    idempotency_records_purge_task,
    webhook_deliver_task,
)
from orders.services import orders_close_completed
from orders.services.notices import approval_step_notify
from orders.services.reminders import approval_reminders_send


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def orders_close_completed_task() -> int:
    """Close orders that are shipped, invoiced and paid (idempotent: closed ones are skipped)."""
    return orders_close_completed()


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def approval_step_notify_task(step_id: int) -> int:
    """Tell a waiting level's approvers (idempotent: one notice per step and person)."""
    return approval_step_notify(step_id=step_id)


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def approval_reminders_send_task() -> dict:
    """Reminders, escalations, deadline actions and stuck-order reminders (idempotent per
    step or order and period)."""
    return vars(approval_reminders_send())
