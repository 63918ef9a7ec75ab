"""Requests per API key (or per user for sessions), counted in the shared counters.

A fixed window per key: one counter per period, incremented and given its expiry in one
Redis round trip. (DRF's SimpleRateThrottle keeps a list of every request's time in the
cache and rewrites it on each request: at 6,000/min that is a 50 kB value read and written
per request.) A key may send up to twice its rate across a window boundary, the usual
price of a fixed window and well inside what the limit is for.

A request with a key this process remembers is counted by the authentication, in the
same round trip that checks the key is still valid (`count_with`); the throttle then only
compares.
"""

import logging
import math

from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from opms.core.counters import counter_hit, counter_read
from orders.api.permissions import request_api_key

logger = logging.getLogger(__name__)
COUNTED = "opms_api_counted"  # attribute of the Django request: (counter name, count)


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_cache_key(self, request, view):
        api_key = request_api_key(request)
        if api_key is not None:
            ident = f"key:{api_key.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def _window(self, ident: str) -> str:
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends_at = (window + 1) * self.duration
        return f"{ident}:{window}"

    def count_with(self, request, *, ident: str, read: str) -> int | None:
        """Count this request for `ident` now and return the counter `read` from the same
        round trip; None when the shared counters cannot be reached."""
        if self.rate is None:
            try:
                return counter_read(read)
            except RedisError:
                return None
        name = self._window(self.cache_format % {"scope": self.scope, "ident": ident})
        try:
            count, value = counter_hit(name, expire_seconds=self.duration + 1, read=read)
        except RedisError:
            logger.warning("API counters unreachable: request not counted")
            return None
        setattr(request._request, COUNTED, (name, count))
        return value

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        name = self._window(self.get_cache_key(request, view))
        counted = getattr(request._request, COUNTED, None)
        if counted is not None and counted[0] == name:
            count = counted[1]
        else:
            try:
                count, _ = counter_hit(name, expire_seconds=self.duration + 1)
            except RedisError:  # the limit is a guard, not a reason to refuse work
                logger.warning("API counters unreachable: request not throttled")
                return True
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1, math.ceil(self.window_ends_at - self.now))
