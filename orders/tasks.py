"""Celery wrappers of order services."""

from celery import shared_task
from django.db import OperationalError

from orders.integration.tasks import (  # noqa: F401 (registered with the worker)
    idempotency_records_purge_task,
    webhook_deliver_task,
)
from orders.services import orders_close_completed


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
