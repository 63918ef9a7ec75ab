"""Writes of the integration side of orders: API keys, idempotent API requests, webhooks."""

import hashlib
import json
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone

from opms.core.counters import counter_bump
from orders.errors import ApiKeyScopesRequired, IdempotencyKeyReused
from orders.integration.models import (
    ApiKey,
    IdempotencyRecord,
    IntegrationChannel,
    WebhookDelivery,
    WebhookSubscription,
)
from orders.integration.tasks import webhook_deliver_task

logger = logging.getLogger(__name__)
KEY_PREFIX = "opms_"


def api_key_hash(raw_key: str) -> str:
    # Keys are 256 random bits: a fast hash is enough and keeps authentication one lookup.
    return hashlib.sha256(raw_key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    raw_key: str  # shown to the admin once, never stored


@transaction.atomic
def api_key_create(
    *, channel: IntegrationChannel, name: str, scopes: list[str], actor
) -> IssuedKey:
    """Issue a key for a channel; the caller shows `raw_key` once. Raises ApiKeyScopesRequired."""
    scopes = sorted({scope for scope in scopes if scope in ApiKey.Scope.values})
    if not scopes:
        raise ApiKeyScopesRequired()
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        channel=channel,
        name=name,
        prefix=raw_key[: len(KEY_PREFIX) + 6],
        key_hash=api_key_hash(raw_key),
        scopes=scopes,
        created_by=actor,
    )
    return IssuedKey(api_key=api_key, raw_key=raw_key)


@transaction.atomic
def api_key_revoke(*, api_key_id: int, actor) -> ApiKey:
    """Revoke a key at once; requests with it are refused from now on."""
    api_key = ApiKey.objects.select_for_update().get(pk=api_key_id)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        api_keys_changed()
    return api_key


API_KEYS_GENERATION = "api-keys-generation"


def api_keys_changed() -> None:
    """Make every web process drop the keys it remembers (orders.api.authentication).

    The generation moves now and again once the transaction commits: a process that
    read the key in between (still active, not yet committed) drops it once more.
    """
    _api_keys_generation_bump()
    transaction.on_commit(_api_keys_generation_bump)


def _api_keys_generation_bump() -> None:
    counter_bump(API_KEYS_GENERATION)


@transaction.atomic
def channel_create(*, code: str, name: str, acts_as) -> IntegrationChannel:
    channel = IntegrationChannel(code=code, name=name, acts_as=acts_as)
    channel.full_clean()
    channel.save()
    return channel


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """What must match for a retry to be 'the same request': method, path and JSON body."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict
    replayed: bool


# One statement claims the key or finds its record, and locks the row either way: a new key
# is inserted; a known one is "updated" to itself, which waits for a concurrent first request
# to commit (or roll back) and then returns the stored response (or claims the key anew).
_IDEMPOTENCY_CLAIM = """
    INSERT INTO orders_idempotencyrecord (owner, key, request_hash, created_at)
    VALUES (%s, %s, %s, %s)
    ON CONFLICT (owner, key) DO UPDATE SET owner = EXCLUDED.owner
    RETURNING id, request_hash, response_status, response_body
"""


@transaction.atomic
def idempotent_response(
    *, owner: str, key: str, fingerprint: str, produce: Callable[[], tuple[int, dict]]
) -> StoredResponse:
    """Run `produce` once per (owner, key) and remember its response.

    The record is claimed first in the same transaction as the work: a concurrent
    duplicate blocks on that claim until the first commits, then replays its
    response. If the work raises, everything rolls back and a retry runs it again.
    Raises IdempotencyKeyReused when the key came with a different request.
    """
    with connection.cursor() as cursor:
        cursor.execute(_IDEMPOTENCY_CLAIM, [owner, key, fingerprint, timezone.now()])
        record_id, request_hash, response_status, response_body = cursor.fetchone()
    if request_hash != fingerprint:
        raise IdempotencyKeyReused()
    if response_status is not None:
        if isinstance(response_body, str):  # a driver that hands jsonb back as text
            response_body = json.loads(response_body)
        return StoredResponse(response_status, response_body, replayed=True)
    status, body = produce()
    IdempotencyRecord.objects.filter(pk=record_id).update(
        response_status=status, response_body=body
    )
    return StoredResponse(status, body, replayed=False)


# ---------------------------------------------------------------- webhooks


SUBSCRIPTIONS_CACHE_KEY = "opms:webhook-subscriptions"


def webhook_subscriptions_active() -> list[tuple[int, int, bool, list[str]]]:
    """(id, channel id, every channel?, events) of the active subscriptions.

    Kept in the shared cache so that order entry spends no statement on it; the
    services that change subscriptions drop the cached list.
    """
    cache = caches["api"]
    active = cache.get(SUBSCRIPTIONS_CACHE_KEY)
    if active is None:
        active = [
            (pk, channel_id, all_channels, list(events))
            for pk, channel_id, all_channels, events in WebhookSubscription.objects.filter(
                is_active=True, channel__is_active=True
            ).values_list("pk", "channel_id", "all_channels", "events")
        ]
        cache.set(SUBSCRIPTIONS_CACHE_KEY, active, timeout=300)
    return active


def webhook_subscriptions_changed() -> None:
    transaction.on_commit(partial(caches["api"].delete, SUBSCRIPTIONS_CACHE_KEY))
    caches["api"].delete(SUBSCRIPTIONS_CACHE_KEY)


@transaction.atomic
def webhook_subscription_save(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """Create or change a subscription (URL, secret, events, active)."""
    subscription.events = sorted(
        {event for event in subscription.events if event in WebhookSubscription.Event.values}
    )
    subscription.full_clean()
    subscription.save()
    webhook_subscriptions_changed()
    return subscription


def webhook_event_publish(*, event: str, payload: dict, channel_id: int | None = None) -> int:
    """Record one event for every active subscription that wants it, in the caller's
    transaction (an outbox), and queue the deliveries once it commits.

    Subscriptions of the document's channel get it, and those that want every channel.
    Returns how many deliveries were queued.
    """
    subscription_ids = [
        pk
        for pk, subscription_channel_id, all_channels, events in webhook_subscriptions_active()
        if event in events and (all_channels or subscription_channel_id == channel_id)
    ]
    if not subscription_ids:
        return 0
    event_id = uuid.uuid4()
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(subscription_id=pk, event_id=event_id, event=event, payload=payload)
            for pk in subscription_ids
        ]
    )
    for delivery in deliveries:
        transaction.on_commit(partial(_delivery_enqueue, delivery.pk))
    return len(deliveries)


def _delivery_enqueue(delivery_id: int) -> None:
    # A broker outage must not fail the request that changed the order: the delivery
    # stays pending and webhook_deliveries_sweep queues it again.
    try:
        webhook_deliver_task.apply_async((delivery_id,), retry=False)
    except Exception:  # kombu raises many kinds of connection errors
        logger.exception("webhook delivery %s not queued; the sweep retries it", delivery_id)


@transaction.atomic
def webhook_delivery_replay(*, delivery_id: int, actor) -> WebhookDelivery:
    """Send a delivery again (an admin's replay): same event id, attempts start over."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.attempts = 0
    delivery.last_error = ""
    delivery.save(update_fields=["status", "attempts", "last_error"])
    transaction.on_commit(partial(_delivery_enqueue, delivery.pk))
    return delivery
