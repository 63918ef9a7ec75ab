"""Celery wrappers of report services."""

from celery import shared_task
from django.db import OperationalError

from reports.services import report_subscriptions_run_due


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def report_subscriptions_run_due_task() -> int:
    """Send the scheduled reports that are due (idempotent: one run per subscription and period)."""
    return report_subscriptions_run_due()
