"""The order-intake API: scopes and roles, orders through the services, problems, paging."""

import json

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import StockLevel
from orders.api.serializers import OrderSerializer, represent
from orders.api.throttling import ApiKeyRateThrottle
from orders.integration.models import ApiKey
from orders.integration.selectors import api_order_get
from orders.integration.services import api_key_revoke, channel_create
from orders.models import IdempotencyRecord, SalesOrder
from orders.services import order_submit, shipment_confirm, shipment_create
from tests.api.conftest import client_for
from tests.factories import UserFactory

Scope = ApiKey.Scope
PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert {"type", "title", "detail", "errors"} <= set(body)
    return body


def order_body(customer, products, external_id="EXT-1", **extra) -> dict:
    return {
        "external_id": external_id,
        "customer": customer.code,
        "lines": [{"sku": products[0].sku, "quantity": 2}, {"sku": products[1].sku, "quantity": 1}],
        **extra,
    }


# ---------------------------------------------------------------- authentication


def test_requests_without_a_key_are_refused_as_problems(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/orders/")
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_key_stops_working_at_once(users, channel, make_key):
    raw = make_key(channel)
    client = client_for(raw)
    assert client.get("/api/v1/products/").status_code == 200
    key = ApiKey.objects.get()
    api_key_revoke(api_key_id=key.pk, actor=users["admin"])
    assert_problem(client.get("/api/v1/products/"), 401, "authentication_failed")
    assert_problem(
        client_for("opms_nonsense").get("/api/v1/products/"), 401, "authentication_failed"
    )


def test_a_remembered_key_is_read_again_once_any_key_is_revoked(users, channel, make_key):
    """Each process remembers the keys it saw; a revoke (in any process) moves the shared
    generation, so every process reads its keys again at the next request."""
    kept, revoked = make_key(channel), make_key(channel)
    client = client_for(kept)
    assert client.get("/api/v1/products/").status_code == 200
    with CaptureQueriesContext(connection) as remembered:
        assert client.get("/api/v1/products/").status_code == 200
    assert not [q for q in remembered.captured_queries if "orders_apikey" in q["sql"]]
    api_key_revoke(api_key_id=ApiKey.objects.get(prefix=revoked[:11]).pk, actor=users["admin"])
    with CaptureQueriesContext(connection) as read_again:
        assert client.get("/api/v1/products/").status_code == 200
    assert len([q for q in read_again.captured_queries if "orders_apikey" in q["sql"]]) == 1
    assert_problem(client_for(revoked).get("/api/v1/products/"), 401, "authentication_failed")


def test_the_api_works_without_its_shared_counters(settings, api, customer, products):
    """Redis away: keys are read from the database each time and nothing is throttled."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    for external_id in ("EXT-1", "EXT-2"):
        response = api.post(
            "/api/v1/orders/", order_body(customer, products, external_id), format="json"
        )
        assert response.status_code == 201, response.content
    assert SalesOrder.objects.count() == 2


def test_keys_are_stored_hashed(channel, make_key):
    raw = make_key(channel)
    key = ApiKey.objects.get()
    assert raw not in (key.key_hash, key.prefix) and raw.startswith(key.prefix)
    assert len(key.key_hash) == 64


def test_sessions_work_for_signed_in_users(client, users, customer, products):
    client.force_login(users["sales"])
    response = client.get("/api/v1/products/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


# ---------------------------------------------------------------- scopes and roles

ENDPOINTS = [
    ("get", "/api/v1/products/", Scope.READ_CATALOGUE),
    ("get", "/api/v1/customers/", Scope.READ_ORDERS),
    ("get", "/api/v1/orders/", Scope.READ_ORDERS),
    ("post", "/api/v1/orders/", Scope.WRITE_ORDERS),
]


@pytest.mark.parametrize("method,url,scope", ENDPOINTS)
def test_each_endpoint_needs_its_scope(channel, make_key, customer, products, method, url, scope):
    others = [other for other in Scope.values if other != scope and other != Scope.WRITE_ORDERS]
    if scope == Scope.READ_ORDERS and url.endswith("customers/"):
        others = [Scope.READ_CATALOGUE, Scope.UPDATE_TRACKING]
    without = client_for(make_key(channel, scopes=others))
    body = order_body(customer, products) if method == "post" else None
    assert_problem(getattr(without, method)(url, body, format="json"), 403, "permission_denied")
    with_scope = client_for(make_key(channel, scopes=[scope]))
    assert getattr(with_scope, method)(url, body, format="json").status_code in (200, 201)


def test_a_channel_acting_as_a_warehouse_user_cannot_create_orders(
    users, make_key, customer, products
):
    depot = channel_create(code="wms", name="WMS", acts_as=users["warehouse"])
    client = client_for(make_key(depot))
    response = client.post("/api/v1/orders/", order_body(customer, products), format="json")
    assert_problem(response, 403, "permission_denied")
    assert not SalesOrder.objects.exists()


def test_team_scoping_holds_in_the_api(users, make_key, customer, products, make_order):
    order = make_order([(products[0], 1)])
    outsider = UserFactory(username="sales9", roles=["sales"], sales_scope="own")
    other = channel_create(code="other", name="Other", acts_as=outsider)
    client = client_for(make_key(other))
    assert client.get("/api/v1/orders/").json()["results"] == []
    assert_problem(client.get(f"/api/v1/orders/{order.number}/"), 404, "not_found")
    assert client.get("/api/v1/customers/").json()["results"] == []
    # The customer exists but is not the outsider's to order for.
    response = client.post("/api/v1/orders/", order_body(customer, products), format="json")
    body = assert_problem(response, 422, "unknown_reference")
    assert "customer" in body["errors"]
    manager = channel_create(code="mgr", name="Manager", acts_as=users["manager"])
    assert client_for(make_key(manager)).get(f"/api/v1/orders/{order.number}/").status_code == 200


# ---------------------------------------------------------------- catalogue and customers


def test_products_show_availability_per_warehouse(api, products, make_order):
    order = make_order([(products[0], 30)])
    order_submit(order_id=order.pk, actor=order.sales_rep)
    response = api.get("/api/v1/products/", {"sku": products[0].sku})
    [product] = response.json()["results"]
    assert product["availability"] == [
        {"warehouse": "SH", "on_hand": 100, "reserved": 30, "available": 70}
    ]
    assert product["list_price"] == "320.00"
    later = api.get("/api/v1/products/", {"updated_since": "2999-01-01T00:00:00Z"})
    assert later.json()["results"] == []
    assert_problem(api.get("/api/v1/products/", {"updated_since": "yesterday"}), 400, "invalid")


def test_customers_are_looked_up_by_code_and_created(users, api, customer):
    found = api.get("/api/v1/customers/", {"code": customer.code}).json()["results"]
    assert [c["code"] for c in found] == [customer.code]
    assert api.get(f"/api/v1/customers/{customer.code}/").json()["name"] == customer.name
    # The sales role may not create customers in the UI, so not through the API either.
    assert_problem(
        api.post("/api/v1/customers/", {"code": "NEW1", "name": "新客户"}, format="json"),
        403,
        "permission_denied",
    )


def test_a_user_allowed_to_add_customers_creates_one_owned_by_them(users, make_key):
    from django.contrib.auth.models import Permission

    users["sales"].user_permissions.add(Permission.objects.get(codename="add_customer"))
    shop = channel_create(code="shop2", name="Shop", acts_as=users["sales"])
    client = client_for(make_key(shop))
    response = client.post("/api/v1/customers/", {"code": "NEW1", "name": "新客户"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "NEW1"
    again = client.post("/api/v1/customers/", {"code": "NEW1", "name": "x"}, format="json")
    assert_problem(again, 409, "customer_exists")


# ---------------------------------------------------------------- orders


def test_an_order_is_created_and_priced_by_the_engine(api, customer, products, channel):
    response = api.post("/api/v1/orders/", order_body(customer, products), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    order = SalesOrder.objects.get()
    assert body["number"] == order.number and body["status"] == "draft"
    assert order.channel == channel and order.external_id == "EXT-1"
    assert [line["unit_price"] for line in body["lines"]] == ["320.00", "35.50"]
    assert body["total_amount"] == str(order.total_amount) == "763.32"


def test_submit_true_reserves_stock_through_the_same_services(api, customer, products):
    body = order_body(customer, products, submit=True)
    response = api.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "approved"
    assert StockLevel.objects.get(product=products[0]).reserved == 2


def test_a_given_unit_price_overrides_the_engine(api, customer, products):
    body = order_body(customer, products)
    body["lines"][0]["unit_price"] = "300.00"
    response = api.post("/api/v1/orders/", body, format="json")
    assert response.json()["lines"][0]["unit_price"] == "300.00"


def test_a_duplicate_external_id_is_refused_with_the_existing_number(api, customer, products):
    first = api.post("/api/v1/orders/", order_body(customer, products), format="json").json()
    again = api.post("/api/v1/orders/", order_body(customer, products), format="json")
    body = assert_problem(again, 409, "duplicate_external_id")
    assert body["existing_number"] == first["number"]
    assert SalesOrder.objects.count() == 1


def test_short_stock_becomes_a_backorder_on_the_line(api, customer, products):
    body = order_body(customer, products, submit=True)
    body["lines"][0]["quantity"] = 500
    response = api.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 201, response.content
    stocked = StockLevel.objects.get(product=products[0])
    line = response.json()["lines"][0]
    assert line["quantity"] == 500
    assert line["quantity_backordered"] == 500 - stocked.reserved
    assert stocked.reserved == stocked.on_hand  # all there is, and no more


def test_unknown_skus_and_bad_fields_name_each_field(api, customer, products):
    body = order_body(customer, products)
    body["lines"][1]["sku"] = "NOPE"
    problem = assert_problem(
        api.post("/api/v1/orders/", body, format="json"), 422, "unknown_reference"
    )
    assert problem["errors"] == {"lines": {"1": {"sku": ["No active product with SKU NOPE."]}}}
    bad = {"external_id": "", "customer": customer.code, "lines": [{"sku": "X", "quantity": 0}]}
    problem = assert_problem(api.post("/api/v1/orders/", bad, format="json"), 400, "invalid")
    assert set(problem["errors"]) == {"external_id", "lines"}
    malformed = api.post("/api/v1/orders/", "{", content_type="application/json")
    assert_problem(malformed, 400, "parse_error")
    assert not SalesOrder.objects.exists()


def test_currency_must_be_the_customers(api, customer, products):
    body = order_body(customer, products, currency="USD")
    assert_problem(api.post("/api/v1/orders/", body, format="json"), 422, "currency_mismatch")


def test_orders_are_submitted_and_cancelled_by_number(api, customer, products):
    number = api.post("/api/v1/orders/", order_body(customer, products), format="json").json()[
        "number"
    ]
    submitted = api.post(f"/api/v1/orders/{number}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "approved"
    assert_problem(api.post(f"/api/v1/orders/{number}/submit/"), 409, "transition_not_allowed")
    assert_problem(api.post(f"/api/v1/orders/{number}/cancel/", {}, format="json"), 400, "invalid")
    cancelled = api.post(f"/api/v1/orders/{number}/cancel/", {"reason": "买家取消"}, format="json")
    assert cancelled.json()["status"] == "cancelled"
    assert StockLevel.objects.get(product=products[0]).reserved == 0
    assert_problem(api.post("/api/v1/orders/SO-0/submit/"), 404, "not_found")


def test_orders_list_filters(api, customer, products, make_order):
    make_order([(products[0], 1)])
    api.post("/api/v1/orders/", order_body(customer, products, submit=True), format="json")
    approved = api.get("/api/v1/orders/", {"status": "approved"}).json()["results"]
    assert [order["status"] for order in approved] == ["approved"]
    assert len(api.get("/api/v1/orders/", {"customer": customer.code}).json()["results"]) == 2
    assert api.get("/api/v1/orders/", {"customer": "NOBODY"}).json()["results"] == []
    assert_problem(api.get("/api/v1/orders/", {"status": "bogus"}), 400, "invalid")


def test_cursor_pages_stay_stable_while_orders_arrive(api, products, make_order):
    originals = {make_order([(products[0], 1)]).number for _ in range(7)}
    seen: list[str] = []
    url, params = "/api/v1/orders/", {"page_size": 3}
    while url:
        page = api.get(url, params).json()
        seen += [order["number"] for order in page["results"]]
        make_order([(products[1], 1)])  # a new order arrives between pages
        url, params = page["next"], None
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == originals
    assert_problem(api.get("/api/v1/orders/", {"page_size": 0}), 400, "invalid")


# ---------------------------------------------------------------- idempotency


def test_a_retry_with_the_same_key_replays_the_first_response(api, customer, products):
    body = order_body(customer, products)
    first = api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (retry.status_code, retry.json()) == (first.status_code, first.json())
    assert retry["Idempotent-Replayed"] == "true"
    assert SalesOrder.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(api, customer, products):
    api.post(
        "/api/v1/orders/", order_body(customer, products), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    other = order_body(customer, products, external_id="EXT-2")
    response = api.post("/api/v1/orders/", other, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert_problem(response, 422, "idempotency_key_reused")
    assert SalesOrder.objects.count() == 1


def test_keys_are_scoped_per_api_key(channel, make_key, customer, products):
    first, second = client_for(make_key(channel)), client_for(make_key(channel))
    body = order_body(customer, products)
    first.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    # Same idempotency key under another API key: not a replay; the external id decides.
    response = second.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert_problem(response, 409, "duplicate_external_id")
    assert IdempotencyRecord.objects.count() == 1


def test_a_refused_request_is_not_remembered(api, customer, products):
    body = order_body(customer, products, submit=True, currency="USD")
    api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert not IdempotencyRecord.objects.exists()


# ---------------------------------------------------------------- shipments


@pytest.fixture
def shipped(users, api, customer, products, carrier):
    number = api.post(
        "/api/v1/orders/", order_body(customer, products, submit=True), format="json"
    ).json()["number"]
    order = SalesOrder.objects.get(number=number)
    line = order.lines.get(line_no=1)
    shipment = shipment_create(order_id=order.pk, actor=users["warehouse"], quantities={line.pk: 2})
    shipment_confirm(
        shipment_id=shipment.pk,
        actor=users["warehouse"],
        carrier_id=carrier.pk,
        tracking_number="SF1",
    )
    return order, shipment


def test_an_orders_shipments_show_carrier_tracking_and_state(api, shipped):
    order, shipment = shipped
    [row] = api.get(f"/api/v1/orders/{order.number}/shipments/").json()
    assert row == {
        "number": shipment.number,
        "order": order.number,
        "warehouse": "SH",
        "delivery_state": "confirmed",
        "carrier": "SF",
        "tracking_number": "SF1",
        "confirmed_at": row["confirmed_at"],
        "delivered_at": None,
    }


def test_a_logistics_key_updates_tracking(users, make_key, shipped):
    order, shipment = shipped
    logistics = channel_create(code="tms", name="TMS", acts_as=users["warehouse"])
    client = client_for(make_key(logistics, scopes=[Scope.UPDATE_TRACKING]))
    url = f"/api/v1/shipments/{shipment.number}/"
    response = client.patch(url, {"tracking_number": "SF2", "delivered": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["tracking_number"] == "SF2"
    assert response.json()["delivery_state"] == "delivered"
    assert_problem(
        client.patch(url, {"carrier": "NOPE", "tracking_number": "x"}, format="json"),
        400,
        "invalid",
    )
    # Tracking scope only: no orders.
    assert_problem(client.get("/api/v1/orders/"), 403, "permission_denied")


def test_a_sales_key_cannot_change_tracking(api, shipped):
    _, shipment = shipped
    response = api.patch(
        f"/api/v1/shipments/{shipment.number}/", {"tracking_number": "X"}, format="json"
    )
    assert_problem(response, 403, "permission_denied")
    shipment.refresh_from_db()
    assert shipment.tracking_number == "SF1"


# ---------------------------------------------------------------- throttling and docs


def test_throttling_answers_429_with_retry_after(api, monkeypatch):
    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "3/min"})
    caches["api"].clear()
    for _ in range(3):
        assert api.get("/api/v1/products/").status_code == 200
    response = api.get("/api/v1/products/")
    assert_problem(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_throttle_counts_each_key_in_its_own_window(channel, make_key, monkeypatch):
    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "2/min"})
    first, second = client_for(make_key(channel)), client_for(make_key(channel))
    assert [first.get("/api/v1/products/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/products/").status_code == 200


def test_the_order_answer_is_what_the_serializer_gives(api, customer, products):
    number = api.post(
        "/api/v1/orders/", order_body(customer, products, submit=True), format="json"
    ).json()["number"]
    order = api_order_get(user=customer.sales_rep, number=number)
    assert represent(OrderSerializer, order) == OrderSerializer(order).data
    assert api.get(f"/api/v1/orders/{number}/").json() == json.loads(
        json.dumps(OrderSerializer(order).data)
    )


def test_api_answers_carry_no_page_policy_but_pages_do(client, users, api):
    response = api.get("/api/v1/products/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(users["sales"])
    assert "Content-Security-Policy" in client.get("/api/docs/")
    assert "Content-Security-Policy" in client.get("/orders/")


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/orders/" in paths and "/api/v1/shipments/{number}/" in paths
    docs = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs or "/static/" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()
