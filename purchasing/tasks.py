"""Celery wrappers of purchasing services."""

from dataclasses import asdict

from celery import shared_task
from django.db import OperationalError

from purchasing.services import suggestions_compute


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def suggestions_compute_task() -> dict:
    """Recompute reorder suggestions and low-stock alerts (idempotent)."""
    return asdict(suggestions_compute())
