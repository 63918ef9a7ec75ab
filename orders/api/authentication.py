"""`Authorization: Token <key>`: an integration channel's API key acts as the channel's user.

Each web process remembers the keys it has seen for settings.API_KEY_CACHE_SECONDS, with
their channel and user (whose role and permission caches come along), so that a request
with a known key spends no statement on authentication and permissions. Every request
still reads the keys generation from Redis, in the same round trip that counts it for the
throttle: revoking a key moves the generation, and every process drops what it remembers
at its next request.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from redis.exceptions import RedisError
from rest_framework import authentication, exceptions

from orders.api.throttling import ApiKeyRateThrottle
from orders.integration.models import ApiKey
from orders.integration.selectors import api_key_authenticate, api_keys_generation
from orders.integration.services import API_KEYS_GENERATION, api_key_hash


@dataclass(frozen=True)
class _Remembered:
    api_key: ApiKey
    generation: int
    until: float


_remembered: dict[str, _Remembered] = {}
_REMEMBERED_MAX = 1000


def api_keys_forget() -> None:
    """Drop every key this process remembers."""
    _remembered.clear()


def _key_remembered(request, key_hash: str) -> ApiKey | None:
    entry = _remembered.get(key_hash)
    if entry is None or entry.until < time.monotonic():
        return None
    generation = ApiKeyRateThrottle().count_with(
        request, ident=f"key:{entry.api_key.pk}", read=API_KEYS_GENERATION
    )
    if generation != entry.generation:
        _remembered.pop(key_hash, None)
        return None
    return entry.api_key


def _key_look_up(raw_key: str, key_hash: str) -> ApiKey | None:
    seconds = settings.API_KEY_CACHE_SECONDS
    generation = None
    if seconds > 0:
        try:
            generation = api_keys_generation()  # read before the key: a revoke in between
        except RedisError:  # moves it, and the entry is dropped at the next request
            generation = None
    api_key = api_key_authenticate(raw_key=raw_key)
    if api_key is not None and generation is not None:
        if len(_remembered) >= _REMEMBERED_MAX:
            _remembered.clear()
        _remembered[key_hash] = _Remembered(api_key, generation, time.monotonic() + seconds)
    return api_key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as: Authorization: Token <key>."))
        try:
            raw_key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("The API key is not valid.")) from exc
        key_hash = api_key_hash(raw_key)
        api_key = _key_remembered(request, key_hash) or _key_look_up(raw_key, key_hash)
        if api_key is None or not api_key.channel.acts_as.is_active:
            raise exceptions.AuthenticationFailed(_("The API key is not valid or was revoked."))
        return api_key.channel.acts_as, api_key

    def authenticate_header(self, request) -> str:
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "orders.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; keys are issued per channel by an administrator.",
        }
