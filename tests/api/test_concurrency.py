"""Concurrent duplicate API requests on PostgreSQL, real threads: exactly one order."""

import threading

import pytest
from django.db import connection

from orders.models import IdempotencyRecord, SalesOrder
from tests.api.conftest import client_for
from tests.conftest import stocked_product
from tests.factories import CustomerFactory, WarehouseFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migrated_data")]


def post_together(clients, bodies, keys) -> list:
    barrier = threading.Barrier(len(clients))
    responses: list = [None] * len(clients)

    def run(index):
        try:
            barrier.wait(timeout=30)
            responses[index] = clients[index].post(
                "/api/v1/orders/",
                bodies[index],
                format="json",
                **({"HTTP_IDEMPOTENCY_KEY": keys[index]} if keys[index] else {}),
            )
        except Exception as exc:  # asserted below
            responses[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


@pytest.fixture
def order_request(users):
    warehouse = WarehouseFactory(code="SH")
    product = stocked_product(warehouse, 1000)
    customer = CustomerFactory(sales_rep=users["sales"], credit_limit_amount=10**7)
    return {
        "external_id": "TB-20260001",
        "customer": customer.code,
        "lines": [{"sku": product.sku, "quantity": 3}],
        "submit": True,
    }


def test_twenty_concurrent_duplicates_with_one_key_create_one_order(
    channel, make_key, order_request
):
    raw = make_key(channel)
    clients = [client_for(raw) for _ in range(20)]
    responses = post_together(clients, [order_request] * 20, ["retry-1"] * 20)
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["number"] for r in responses}) == 1
    assert SalesOrder.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_twenty_concurrent_duplicates_without_a_key_create_one_order(
    channel, make_key, order_request
):
    raw = make_key(channel)
    clients = [client_for(raw) for _ in range(20)]
    responses = post_together(clients, [order_request] * 20, [None] * 20)
    assert all(not isinstance(r, Exception) for r in responses), responses
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 19
    number = SalesOrder.objects.get().number
    assert {r.json().get("existing_number") for r in responses if r.status_code == 409} == {number}
