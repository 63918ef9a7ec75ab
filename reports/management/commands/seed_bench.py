"""`manage.py seed_bench --orders N`: bulk data for `make bench` (PostgreSQL only)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from reports.management.bench.seed import seed_bench


class Command(BaseCommand):
    help = (
        "Add N sales orders (about 5 lines each, over three years, in every state) with their "
        "shipments, invoices, payments, events, reservations and stock ledger, written set-wise "
        "in PostgreSQL. Users bench-sales-00…49, bench-approver, bench-manager, bench-finance, "
        "bench-warehouse have the password 'opms-bench'. Run it on a database of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=1_000_000)

    def handle(self, *args, orders: int, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_bench writes with PostgreSQL SQL; set DATABASE_URL.")
        if orders < 1:
            raise CommandError("--orders must be at least 1.")
        started = time.perf_counter()
        self.stdout.write(f"seeding {orders} orders into {connection.settings_dict['NAME']}")
        seed_bench(orders=orders, write=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(f"seeded {orders} orders in {time.perf_counter() - started:.0f} s")
        )
