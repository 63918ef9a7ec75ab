"""Celery wrappers of customer services."""

from celery import shared_task
from django.db import OperationalError

from customers.credit import credit_alert_notify


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def credit_alert_notify_task(alert_id: int) -> bool:
    """E-mail finance and the sales rep about a credit alert (idempotent: notified_at)."""
    return credit_alert_notify(alert_id=alert_id)
