"""API fixtures: a channel acting as a user, keys with chosen scopes, a client per key."""

import pytest
from rest_framework.test import APIClient

from orders.integration.models import ApiKey
from orders.integration.services import api_key_create, channel_create

ALL_SCOPES = list(ApiKey.Scope.values)


@pytest.fixture
def channel(users):
    return channel_create(code="shop", name="网店", acts_as=users["sales"])


@pytest.fixture
def make_key(users):
    """make_key(channel, scopes=[...]) -> raw key."""

    def make(channel, scopes=None):
        return api_key_create(
            channel=channel, name="key", scopes=scopes or ALL_SCOPES, actor=users["admin"]
        ).raw_key

    return make


def client_for(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw_key}")
    return client


@pytest.fixture
def api(channel, make_key) -> APIClient:
    """A client with every scope, acting as the sales user."""
    return client_for(make_key(channel))
