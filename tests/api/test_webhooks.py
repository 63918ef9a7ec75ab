"""Outbound webhooks against a real HTTP receiver on 127.0.0.1: signed, retried, once."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from orders.integration.models import WebhookDelivery, WebhookSubscription
from orders.integration.services import webhook_delivery_replay, webhook_subscription_save
from orders.integration.tasks import webhook_deliver_task
from orders.services import (
    order_submit,
    shipment_confirm,
    shipment_create,
    shipment_tracking_update,
)

Event = WebhookSubscription.Event
SECRET = "s3cret-for-tests"


class Receiver:
    """A local HTTP server that records requests and answers with the status we choose."""

    def __init__(self, status: int = 200):
        self.status = status
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": self.headers, "body": body})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def subscribe(channel):
    def make(url, events, **fields):
        return webhook_subscription_save(
            subscription=WebhookSubscription(
                channel=channel, url=url, secret=SECRET, events=list(events), **fields
            )
        )

    return make


@pytest.fixture
def api_order(api, customer, products):
    def make(external_id="EXT-1", submit=False):
        body = {
            "external_id": external_id,
            "customer": customer.code,
            "lines": [{"sku": products[0].sku, "quantity": 2}],
            "submit": submit,
        }
        return api.post("/api/v1/orders/", body, format="json").json()["number"]

    return make


def run_deliveries():
    for delivery in WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING):
        webhook_deliver_task.apply(args=[delivery.pk])


def test_a_status_change_is_delivered_signed_after_commit(
    receiver, subscribe, api_order, django_capture_on_commit_callbacks, settings
):
    subscribe(receiver.url, [Event.ORDER_STATUS_CHANGED])
    settings.CELERY_TASK_ALWAYS_EAGER = True
    number = api_order()
    assert not WebhookDelivery.objects.exists()  # creating a draft is no status change
    from orders.models import SalesOrder

    order = SalesOrder.objects.get(number=number)
    with django_capture_on_commit_callbacks() as callbacks:
        order_submit(order_id=order.pk, actor=order.sales_rep)
        assert receiver.requests == []  # nothing is sent before the commit
    assert len(callbacks) == 1
    run_deliveries()
    [request] = receiver.requests
    body, headers = request["body"], request["headers"]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-OPMS-Signature"], expected)
    envelope = json.loads(body)
    delivery = WebhookDelivery.objects.get()
    assert headers["X-OPMS-Event-Id"] == envelope["id"] == str(delivery.event_id)
    assert envelope["event"] == "order.status_changed"
    assert envelope["data"]["number"] == number
    assert (envelope["data"]["from_status"], envelope["data"]["to_status"]) == (
        "draft",
        "approved",
    )
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 1 and delivery.response_status == 200
    assert delivery.response_ms is not None


def test_a_failing_receiver_is_retried_then_marked_failed(subscribe, api_order, settings):
    failing = Receiver(status=500)
    try:
        settings.WEBHOOK_MAX_ATTEMPTS = 3
        settings.WEBHOOK_RETRY_BASE_SECONDS = 0
        subscribe(failing.url, [Event.ORDER_STATUS_CHANGED])
        api_order(submit=True)
        run_deliveries()
        delivery = WebhookDelivery.objects.get()
        assert len(failing.requests) == 3
        assert delivery.status == WebhookDelivery.Status.FAILED
        assert (delivery.attempts, delivery.response_status) == (3, 500)
        # Every attempt carried the same event id.
        assert {r["headers"]["X-OPMS-Event-Id"] for r in failing.requests} == {
            str(delivery.event_id)
        }
        # An admin replays it once the receiver is fixed.
        failing.status = 204
        webhook_delivery_replay(delivery_id=delivery.pk, actor=None)
        run_deliveries()
        delivery.refresh_from_db()
        assert delivery.status == WebhookDelivery.Status.DELIVERED
        assert len(failing.requests) == 4
    finally:
        failing.close()


def test_an_unreachable_receiver_is_logged(subscribe, api_order, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    subscribe("http://127.0.0.1:9/nowhere", [Event.ORDER_STATUS_CHANGED])
    api_order(submit=True)
    run_deliveries()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.response_status is None and delivery.last_error


def test_each_subscription_gets_an_event_once(receiver, subscribe, api_order):
    subscribe(receiver.url, [Event.ORDER_STATUS_CHANGED])
    subscribe(receiver.url, [Event.ORDER_STATUS_CHANGED, Event.SHIPMENT_CONFIRMED])
    subscribe(receiver.url, [Event.INVOICE_ISSUED])  # does not want this event
    api_order(submit=True)
    run_deliveries()
    run_deliveries()  # a second run (a redelivered task) sends nothing again
    ids = [r["headers"]["X-OPMS-Event-Id"] for r in receiver.requests]
    assert len(ids) == 2 and len(set(ids)) == 1
    delivery = WebhookDelivery.objects.first()
    webhook_deliver_task.apply(args=[delivery.pk])  # delivered already: not sent again
    assert len(receiver.requests) == 2


def test_other_channels_orders_reach_only_subscriptions_for_every_channel(
    receiver, subscribe, make_order, products, users
):
    subscribe(receiver.url, [Event.ORDER_STATUS_CHANGED])
    everything = subscribe(receiver.url, [Event.ORDER_STATUS_CHANGED], all_channels=True)
    order = make_order([(products[0], 1)])  # entered in the order form
    order_submit(order_id=order.pk, actor=users["sales"])
    assert [d.subscription for d in WebhookDelivery.objects.all()] == [everything]


def test_shipment_and_tracking_events(receiver, subscribe, api_order, users, carrier):
    subscribe(receiver.url, [Event.SHIPMENT_CONFIRMED, Event.TRACKING_UPDATED])
    from orders.models import SalesOrder

    order = SalesOrder.objects.get(number=api_order(submit=True))
    line = order.lines.get()
    shipment = shipment_create(order_id=order.pk, actor=users["warehouse"], quantities={line.pk: 2})
    shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"], carrier_id=carrier.pk)
    shipment_tracking_update(
        shipment_id=shipment.pk,
        actor=users["warehouse"],
        carrier_id=carrier.pk,
        tracking_number="SF9",
    )
    events = list(WebhookDelivery.objects.order_by("pk").values_list("event", "payload"))
    assert [event for event, _ in events] == [Event.SHIPMENT_CONFIRMED, Event.TRACKING_UPDATED]
    assert events[1][1]["tracking_number"] == "SF9" and events[1][1]["carrier"] == "SF"


def test_a_broker_outage_leaves_the_delivery_pending_for_the_sweep(
    receiver, subscribe, api_order, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from orders.integration.tasks import webhook_deliveries_sweep_task

    subscribe(receiver.url, [Event.ORDER_STATUS_CHANGED])

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(webhook_deliver_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        number = api_order(submit=True)
    assert number  # the order went through
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    monkeypatch.undo()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    assert webhook_deliveries_sweep_task.apply().get() == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert len(receiver.requests) == 1
