"""Requests per API key (or per user for sessions), counted in the shared cache."""

from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from orders.api.permissions import request_api_key


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"
    cache = caches["api"]

    def get_cache_key(self, request, view):
        api_key = request_api_key(request)
        if api_key is not None:
            ident = f"key:{api_key.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
