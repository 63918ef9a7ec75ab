"""Rough throughput of order entry through the service layer (create + submit, 5 lines).

Usage: DATABASE_URL=postgres://... python bench/order_entry.py [orders_per_client]
Runs against a migrated database of its own (it adds a bench customer, 50 products
and stock). Threads share one process, so the 4-client figure is GIL-bound; the
full benchmark suite (`make bench`, processes and gunicorn) is its own issue.
"""

import os
import random
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opms.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402

from customers.models import Customer  # noqa: E402
from inventory.models import Product, Warehouse  # noqa: E402
from inventory.services import stock_receive  # noqa: E402
from opms.accounts.models import User  # noqa: E402
from orders.services import LineInput, order_create, order_submit  # noqa: E402


def world():
    user, _ = User.objects.get_or_create(username="bench-sales")
    user.groups.add(Group.objects.get(name="sales"))
    warehouse, _ = Warehouse.objects.get_or_create(code="BW", defaults={"name": "bench"})
    customer, _ = Customer.objects.get_or_create(code="BENCH", defaults={"name": "bench"})
    products = []
    for index in range(50):
        product, created = Product.objects.get_or_create(
            sku=f"BENCH-{index}",
            defaults={"name": f"bench {index}", "list_price_amount": Decimal("10.00")},
        )
        if created:
            stock_receive(product_id=product.pk, warehouse_id=warehouse.pk, quantity=10**8)
        products.append(product)
    return user, customer, warehouse, products


def client(count, latencies, seed, user, customer, warehouse, products):
    rng = random.Random(seed)
    actor = User.objects.get(pk=user.pk)
    for _ in range(count):
        started = time.perf_counter()
        lines = [LineInput(product_id=p.pk, quantity=1) for p in rng.sample(products, 5)]
        order = order_create(actor=actor, customer=customer, warehouse=warehouse, lines=lines)
        order_submit(order_id=order.pk, actor=actor)
        latencies.append(time.perf_counter() - started)
    connection.close()


def main():
    per_client = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    setup = world()
    for clients in (1, 4):
        latencies: list[float] = []
        threads = [
            threading.Thread(target=client, args=(per_client, latencies, seed, *setup))
            for seed in range(clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        latencies.sort()
        print(
            f"{clients} client(s): {len(latencies) / elapsed:.0f} orders/s, "
            f"p50 {statistics.median(latencies) * 1000:.1f} ms, "
            f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
