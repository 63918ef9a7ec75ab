"""POST /api/v1/orders/ stays lean: the 14 statements of order_place plus the API's own."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.services import stock_receive
from orders.integration.services import webhook_subscriptions_active
from orders.models import SalesOrder
from tests.factories import ProductFactory


def test_posting_and_submitting_a_five_line_order_costs_a_fixed_number_of_statements(
    api, customer, warehouse
):
    products = [ProductFactory() for _ in range(5)]
    for product in products:
        stock_receive(product_id=product.pk, warehouse_id=warehouse.pk, quantity=1000)
    webhook_subscriptions_active()

    def post(external_id):
        body = {
            "external_id": external_id,
            "customer": customer.code,
            "lines": [{"sku": p.sku, "quantity": 1} for p in products],
            "submit": True,
        }
        with CaptureQueriesContext(connection) as captured:
            response = api.post(
                "/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=external_id
            )
        assert response.status_code == 201, response.content
        return [
            q["sql"]
            for q in captured.captured_queries
            if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
        ]

    post("warm-up")
    statements = post("EXT-2")
    assert SalesOrder.objects.count() == 2
    # 14 of order_place; key, 2 permission look-ups, idempotency insert, lock and
    # store, customer, warehouse, SKUs, and reading the order back (2).
    assert len(statements) == 25
