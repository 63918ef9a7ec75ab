"""Celery wrappers of the integration side: webhook deliveries, idempotency clean-up."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from orders.integration.delivery import deliveries_stale, webhook_attempt
from orders.integration.models import IdempotencyRecord, WebhookDelivery


@shared_task(bind=True, acks_late=True, max_retries=None)
def webhook_deliver_task(self, delivery_id: int) -> str:
    """Send one delivery; retry with exponential back-off until delivered or out of attempts."""
    delivery = webhook_attempt(delivery_id=delivery_id)
    if delivery.status == WebhookDelivery.Status.PENDING:
        countdown = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1)
        raise self.retry(countdown=countdown)
    return delivery.status


@shared_task(acks_late=True)
def idempotency_records_purge_task() -> int:
    """Drop idempotency records past the kept period (at least 24 hours)."""
    cutoff = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task(acks_late=True)
def webhook_deliveries_sweep_task() -> int:
    """Queue again deliveries left pending (sending twice is harmless: delivered ones are
    skipped, and receivers de-duplicate by X-OPMS-Event-Id)."""
    stale = deliveries_stale()
    for delivery_id in stale:
        webhook_deliver_task.delay(delivery_id)
    return len(stale)
