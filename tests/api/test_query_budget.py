"""POST /api/v1/orders/ stays lean: the statements of order_place plus the API's own."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.services import stock_receive
from orders.integration.services import webhook_subscriptions_active
from orders.models import SalesOrder
from tests.factories import ProductFactory


def _statements(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


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
        return _statements(captured)

    first = post("EXT-1")
    statements = post("EXT-2")
    assert SalesOrder.objects.count() == 2
    # order_place's 14 less the products (the intake read them by SKU, with their
    # category) and the API's 6: claiming the idempotency key, the customer (with its
    # team), the SKUs, the warehouse, the lines read back for the answer, and the stored
    # answer. The key, the user's permissions and roles come from this process's memory
    # once the key was seen.
    assert len(statements) == 19
    # The first request with a key reads it, the user's permissions (2) and roles.
    assert len(first) == 23
    remembered = ('SELECT "orders_apikey"', 'SELECT "django_content_type"', 'SELECT "auth_group"')
    assert len([sql for sql in first if sql.startswith(remembered)]) == 4
    assert [sql for sql in statements if sql.startswith(remembered)] == []
