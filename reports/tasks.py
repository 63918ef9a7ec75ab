"""Celery wrappers of report services."""

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from reports.services import report_subscriptions_run_due, sales_summary_refresh


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


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def sales_summary_refresh_task(full: bool = False) -> int:
    """Re-materialise the sales summaries: recent months (default) or everything (nightly)."""
    since = None if full else timezone.localdate() - timedelta(days=SUMMARY_RECENT_DAYS)
    return sales_summary_refresh(since=since).pk


# Orders entered, changed or cancelled within this many days are picked up every 10 minutes.
SUMMARY_RECENT_DAYS = 40
