"""seed_bench: orders in every state whose documents, stock and money add up."""

from django.core.management import call_command
from django.db import connection

from customers.models import Customer
from orders.models import SalesOrder
from orders.services import LineInput, order_create, order_submit
from tests.core.test_backup import INVARIANTS

MONEY_INVARIANTS = {
    "receivable is owed invoices less allocations": """
        SELECT c.id FROM customers_customer c WHERE c.receivable_amount <> COALESCE((
          SELECT sum(i.total_amount - i.allocated_amount) FROM finance_invoice i
          WHERE i.customer_id = c.id AND i.status IN ('issued', 'partially_paid', 'paid')), 0)""",
    "open orders are submitted orders not yet invoiced": """
        SELECT c.id FROM customers_customer c WHERE c.open_order_amount <> COALESCE((
          SELECT sum(o.total_amount - o.invoiced_amount) FROM orders_salesorder o
          WHERE o.customer_id = c.id AND o.status NOT IN ('draft', 'cancelled')), 0)""",
    "invoices add up from their lines": """
        SELECT i.id FROM finance_invoice i WHERE i.net_amount <> (
          SELECT sum(l.net_amount) FROM finance_invoiceline l WHERE l.invoice_id = i.id)""",
    "allocations never exceed invoices": """
        SELECT i.id FROM finance_invoice i WHERE i.allocated_amount <> COALESCE((
          SELECT sum(a.amount) FROM finance_paymentallocation a WHERE a.invoice_id = i.id), 0)
          OR i.allocated_amount > i.total_amount""",
    "reservations hold what open lines still have to ship": """
        SELECT l.id FROM orders_salesorderline l JOIN orders_salesorder o ON o.id = l.order_id
        LEFT JOIN orders_linereservation r ON r.line_id = l.id
        WHERE (o.status IN ('pending_approval', 'approved') AND r.quantity IS DISTINCT FROM
               l.quantity - l.quantity_shipped)
           OR (o.status IN ('draft', 'cancelled', 'shipped', 'closed') AND r.id IS NOT NULL)""",
}


def test_seed_bench_writes_orders_in_every_state_that_add_up(migrated_data, capsys):
    call_command("seed_bench", orders=400)

    statuses = set(SalesOrder.objects.values_list("status", flat=True).distinct())
    assert {"closed", "shipped", "cancelled", "approved", "pending_approval", "draft"} <= statuses
    assert SalesOrder.objects.count() == 400
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders_salesorderline")
        lines = cursor.fetchone()[0]
        assert 1800 <= lines <= 2200  # about five per order
        for name, query in {**INVARIANTS, **MONEY_INVARIANTS}.items():
            cursor.execute(query)
            assert cursor.fetchall() == [], name


def test_the_app_keeps_working_after_the_seed(migrated_data):
    call_command("seed_bench", orders=100)
    from opms.accounts.models import User

    rep = User.objects.get(username="bench-sales-00")
    customer = Customer.objects.filter(sales_rep=rep).order_by("pk").first()
    seeded = set(SalesOrder.objects.values_list("number", flat=True))
    product_ids = list(
        SalesOrder.objects.filter(status="closed").values_list("lines__product_id", flat=True)[:3]
    )
    order = order_create(
        actor=rep,
        customer=customer,
        warehouse=SalesOrder.objects.filter(status="closed").first().warehouse,
        lines=[LineInput(product_id=pk, quantity=1) for pk in dict.fromkeys(product_ids)],
    )
    order = order_submit(order_id=order.pk, actor=rep)

    assert order.number not in seeded
    assert order.status in ("approved", "pending_approval")
