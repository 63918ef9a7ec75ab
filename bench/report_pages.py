"""Timings of the manager dashboard and of every report for a year (p50 / p95, ms).

Usage:
  DATABASE_URL=postgres://... python bench/report_pages.py \
      [--synthetic ORDERS] [--runs N] [--no-refresh]

Against a migrated PostgreSQL database. With --synthetic it first adds ORDERS booked
orders with five lines each over the last two years by SQL (a rough stand-in until
`manage.py seed_bench` of the performance issue is there), then refreshes the sales
summaries (timed). Requests go through Django's test client as a manager, so the
figures include rendering but not the network.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opms.settings")

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from customers.models import Customer  # noqa: E402
from inventory.models import Product, ProductCategory, Warehouse  # noqa: E402
from reports.selectors import REPORTS  # noqa: E402
from reports.services import sales_summary_refresh  # noqa: E402

SQL_ORDERS = """
INSERT INTO orders_salesorder (number, status, held_from_status, currency, order_date,
  requested_delivery_on, customer_reference, note, tax_rate, lines_amount, discount_amount,
  tax_amount, total_amount, invoiced_amount, paid_amount, approval_reason, reject_reason,
  cancel_reason, version, created_at, submitted_at, approved_at, shipped_at, customer_id,
  sales_rep_id, warehouse_id)
SELECT 'BN-' || %(tag)s || '-' || g, 'shipped', '', 'CNY', d, d + 5, '', '', 0.13,
  1000, 0, 130, 1130, 0, 0, '', '', '', 1, d::timestamptz, d::timestamptz,
  d::timestamptz + interval '3 hours', d::timestamptz + interval '2 days',
  %(c0)s + (g %% %(nc)s), %(rep)s, %(wh)s
FROM (SELECT g, (current_date - (g %% 730))::date AS d FROM generate_series(1, %(n)s) g) s
"""
SQL_LINES = """
INSERT INTO orders_salesorderline (line_no, quantity, unit_price_amount, list_price_amount,
  discount_percent, lines_amount, discount_amount, net_amount, tax_amount, quantity_shipped,
  quantity_invoiced, order_id, product_id, price_rule_name)
SELECT l, 2, 100, 100, 0, 200, 0, 200, 26, 2, 0, o.id, %(p0)s + ((o.id * 7 + l) %% %(np)s), ''
FROM orders_salesorder o CROSS JOIN generate_series(1, 5) l
WHERE o.number LIKE 'BN-' || %(tag)s || '-%%'
"""


def synthetic(orders: int) -> None:
    started = time.monotonic()
    warehouse, _ = Warehouse.objects.get_or_create(code="BN", defaults={"name": "Bench"})
    category, _ = ProductCategory.objects.get_or_create(code="BN", defaults={"name": "Bench"})
    rep, _ = get_user_model().objects.get_or_create(username="bench-rep")
    Customer.objects.bulk_create(
        [Customer(code=f"BN{i:05d}", name=f"Bench customer {i}") for i in range(2000)],
        ignore_conflicts=True,
    )
    Product.objects.bulk_create(
        [
            Product(
                sku=f"BN-{i:04d}",
                name=f"Bench product {i}",
                category=category,
                list_price_amount=Decimal("100"),
                cost_amount=Decimal("60"),
            )
            for i in range(500)
        ],
        ignore_conflicts=True,
    )
    customers = Customer.objects.filter(code__startswith="BN").order_by("pk")
    products = Product.objects.filter(sku__startswith="BN-").order_by("pk")
    tag = str(int(time.time()))[-6:]
    with connection.cursor() as cursor:
        cursor.execute(
            SQL_ORDERS,
            {
                "tag": tag,
                "n": orders,
                "c0": customers.first().pk,
                "nc": customers.count(),
                "rep": rep.pk,
                "wh": warehouse.pk,
            },
        )
        cursor.execute(SQL_LINES, {"tag": tag, "p0": products.first().pk, "np": products.count()})
        cursor.execute("ANALYZE")
    print(f"synthetic: {orders} orders, {orders * 5} lines in {time.monotonic() - started:.1f} s")


def timed(client: Client, url: str, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=0)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-refresh", action="store_true")
    args = parser.parse_args()
    if args.synthetic:
        synthetic(args.synthetic)
    if not args.no_refresh:
        started = time.monotonic()
        sales_summary_refresh()
        print(f"sales summaries, full refresh: {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        sales_summary_refresh(since=timezone.localdate() - timedelta(days=40))
        print(f"sales summaries, recent refresh: {time.monotonic() - started:.1f} s")
    setup_test_environment()
    manager, _ = get_user_model().objects.get_or_create(username="bench-manager")
    manager.groups.add(Group.objects.get(name="manager"))
    client = Client()
    client.force_login(manager)
    print(f"{'page':40} {'p50 ms':>8} {'p95 ms':>8}")
    p50, p95 = timed(client, "/reports/dashboard/", args.runs)
    print(f"{'dashboard':40} {p50:8.0f} {p95:8.0f}")
    for slug in REPORTS:
        p50, p95 = timed(client, f"/reports/{slug}/?period=this_year", max(args.runs // 3, 2))
        print(f"{slug:40} {p50:8.0f} {p95:8.0f}")


if __name__ == "__main__":
    main()
