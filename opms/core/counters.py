"""Counters that every web process shares: in Redis when REDIS_URL is set, one round trip
per call; without Redis in the local-memory "api" cache, which only one process sees.

Used for API request windows (throttling) and for change generations (a process that
remembers something compares the generation it saw with the current one).
"""

import redis
from django.conf import settings
from django.core.cache import caches

CACHE_ALIAS = "api"
PREFIX = "opms:counter:"
_clients: dict[str, redis.Redis] = {}


def _redis() -> redis.Redis | None:
    if not settings.REDIS_URL:
        return None
    location = settings.REDIS_URL
    client = _clients.get(location)
    if client is None:
        client = _clients[location] = redis.Redis.from_url(
            location, socket_connect_timeout=2, socket_timeout=5
        )
    return client


def counter_bump(name: str) -> int:
    """Add one to a counter that never expires and return its new value."""
    client = _redis()
    if client is not None:
        return client.incr(PREFIX + name)
    cache = caches[CACHE_ALIAS]
    cache.add(PREFIX + name, 0, timeout=None)
    return cache.incr(PREFIX + name)


def counter_read(name: str) -> int:
    """The counter's value (0 when it was never bumped)."""
    client = _redis()
    if client is not None:
        return int(client.get(PREFIX + name) or 0)
    return caches[CACHE_ALIAS].get(PREFIX + name, 0)


def counter_hit(name: str, *, expire_seconds: int, read: str = "") -> tuple[int, int]:
    """Add one to `name`, which expires `expire_seconds` after its last hit, and return
    its new value with the value of the counter `read` (0 without one), in one round trip."""
    client = _redis()
    if client is not None:
        pipeline = client.pipeline(transaction=False)
        pipeline.incr(PREFIX + name)
        pipeline.expire(PREFIX + name, expire_seconds)
        if read:
            pipeline.get(PREFIX + read)
        results = pipeline.execute()
        return results[0], int(results[2] or 0) if read else 0
    cache = caches[CACHE_ALIAS]
    if cache.add(PREFIX + name, 1, timeout=expire_seconds):
        count = 1
    else:
        try:
            count = cache.incr(PREFIX + name)
        except ValueError:  # expired between add and incr
            cache.set(PREFIX + name, 1, timeout=expire_seconds)
            count = 1
    return count, counter_read(read) if read else 0
