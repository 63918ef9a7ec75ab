"""Sending one webhook delivery over HTTP, signed, and recording the attempt in the log."""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from orders.integration.models import WebhookDelivery

TIMEOUT_SECONDS = 10


def webhook_body(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": str(delivery.event_id),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode()


def webhook_signature(secret: str, body: bytes) -> str:
    """The value of X-OPMS-Signature: receivers recompute it over the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_attempt(*, delivery_id: int) -> WebhookDelivery:
    """Try to send a pending delivery once (no transaction is held during the request).

    A 2xx answer marks it delivered; anything else counts an attempt and, after the
    last allowed one, marks it failed. Delivered or failed deliveries are left alone.
    """
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if delivery.status != WebhookDelivery.Status.PENDING:
        return delivery
    body = webhook_body(delivery)
    request = urllib.request.Request(  # noqa: S310 (admins configure http(s) URLs only)
        delivery.subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "OPMS-Webhooks/1",
            "X-OPMS-Event": delivery.event,
            "X-OPMS-Event-Id": str(delivery.event_id),
            "X-OPMS-Signature": webhook_signature(delivery.subscription.secret, body),
        },
    )
    started = time.monotonic()
    status_code, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status_code = response.status
    except urllib.error.HTTPError as exc:
        status_code, error = exc.code, f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        error = str(exc)[:300] or exc.__class__.__name__
    delivery.response_ms = int((time.monotonic() - started) * 1000)
    delivery.response_status = status_code
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    delivery.last_error = error
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
    delivery.save(
        update_fields=[
            "status",
            "attempts",
            "response_status",
            "response_ms",
            "last_error",
            "last_attempt_at",
        ]
    )
    return delivery


def deliveries_stale(*, older_than_minutes: int = 15, limit: int = 1000) -> list[int]:
    """Pending deliveries long after their last attempt (a lost task or a broker outage)."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    stale = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).filter(
        Q(last_attempt_at__lt=cutoff) | Q(last_attempt_at__isnull=True, created_at__lt=cutoff)
    )
    return list(stale.order_by("pk").values_list("pk", flat=True)[:limit])
