"""The integrations page: admins create channels, keys shown once, revoke, webhooks."""

from orders.integration.models import ApiKey, IntegrationChannel, WebhookSubscription
from tests.api.conftest import client_for


def test_only_admins_reach_the_integrations_page(client, users):
    client.force_login(users["sales"])
    assert client.get("/orders/integrations/").status_code == 403
    client.force_login(users["admin"])
    assert client.get("/orders/integrations/").status_code == 200


def test_an_admin_creates_a_channel_and_a_key_shown_once(client, users):
    client.force_login(users["admin"])
    response = client.post(
        "/orders/integrations/",
        {"code": "tmall", "name": "天猫", "acts_as": users["sales"].pk},
    )
    channel = IntegrationChannel.objects.get(code="tmall")
    assert response.url == f"/orders/integrations/{channel.pk}/"
    page = client.post(
        f"/orders/integrations/{channel.pk}/keys/",
        {"name": "shop", "scopes": ["orders:write", "orders:read"]},
    ).content.decode()
    key = ApiKey.objects.get()
    start = page.index("opms_")
    raw = page[start : start + 48].split("<")[0].strip()
    assert raw.startswith(key.prefix) and key.key_hash != raw
    assert client_for(raw).get("/api/v1/orders/").status_code == 200
    again = client.get(f"/orders/integrations/{channel.pk}/").content.decode()
    assert raw not in again  # never shown again
    client.post(f"/orders/integrations/keys/{key.pk}/revoke/")
    assert client_for(raw).get("/api/v1/orders/").status_code == 401


def test_an_admin_adds_a_webhook(client, users, channel):
    client.force_login(users["admin"])
    client.post(
        f"/orders/integrations/{channel.pk}/webhooks/",
        {"url": "https://shop.example/hook", "secret": "s", "events": ["order.status_changed"]},
    )
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["order.status_changed"]
