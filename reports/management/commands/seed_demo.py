"""`manage.py seed_demo`: demo users and a year of orders, so every screen has something to show."""

from django.core.management.base import BaseCommand, CommandError

from reports.management.demo.seed import demo_present, seed_demo


class Command(BaseCommand):
    help = (
        "Seed demo data (users with password 'opms-demo', customers, products, stock and "
        "twelve months of orders in every state). Safe to run again: it only adds what is "
        "missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--orders", type=int, default=2000, help="number of sales orders (default 2000)"
        )

    def handle(self, *args, orders: int, **options):
        if orders < 0:
            raise CommandError("--orders must not be negative.")
        if demo_present(orders=orders):
            self.stdout.write("demo data already present")
            return
        result = seed_demo(orders=orders, write=self.stdout.write)
        message = f"demo data seeded: {result.created} orders created"
        if result.failures:
            self.stdout.write(self.style.WARNING(f"{message}, {len(result.failures)} refused"))
        else:
            self.stdout.write(self.style.SUCCESS(message))
