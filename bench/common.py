"""Shared pieces of `make bench`: Django setup, the bench world, statistics, result files."""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opms_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
BENCH_PASSWORD = "opms-bench"
SALES_USER = "bench-sales-00"
BENCH_CHANNEL = "bench-api"


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opms.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    import django

    django.setup()


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def latency_summary(latencies_s: list[float]) -> dict:
    return {
        "samples": len(latencies_s),
        "p50_ms": round(percentile(latencies_s, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies_s, 0.95) * 1000, 1),
    }


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else 0.0


def result_write(name: str, payload: dict) -> Path:
    folder = RESULTS / "quick" if os.environ.get("OPMS_BENCH_QUICK") else RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    payload = {"benchmark": name, "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **payload}
    path = folder / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return path


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def bench_world(warehouse_code: str = "BW0", client: int = 0):
    """The sales rep, a customer of theirs (one per client: concurrent clients order for
    different customers, as a sales floor does), a warehouse and 200 bench products."""
    from customers.models import Customer
    from inventory.models import Product, Warehouse
    from opms.accounts.models import User

    user = User.objects.get(username=SALES_USER)
    customers = list(Customer.objects.filter(sales_rep=user, is_active=True).order_by("pk")[:64])
    customer = customers[client % len(customers)]
    warehouse = Warehouse.objects.get(code=warehouse_code)
    products = list(
        Product.objects.filter(sku__startswith="BENCH-P-")
        .order_by("pk")
        .values_list("pk", "sku")[:200]
    )
    return user, customer, warehouse, products


def bench_api_key() -> str:
    """A fresh API key (orders:write) of the bench channel, which acts as the bench sales rep.

    Idempotent: the channel is created once; the keys of earlier runs are revoked, so one
    key is active after any number of runs. Only the key's hash is stored, hence a new one.
    """
    from opms.accounts.models import User
    from orders.integration.models import ApiKey, IntegrationChannel
    from orders.integration.services import api_key_create, api_key_revoke, channel_create

    rep = User.objects.get(username=SALES_USER)
    channel = IntegrationChannel.objects.filter(code=BENCH_CHANNEL).first()
    if channel is None:
        channel = channel_create(code=BENCH_CHANNEL, name="Bench API client", acts_as=rep)
    manager = User.objects.get(username="bench-manager")
    for key_id in channel.api_keys.filter(revoked_at__isnull=True).values_list("pk", flat=True):
        api_key_revoke(api_key_id=key_id, actor=manager)
    return api_key_create(
        channel=channel, name="make bench", scopes=[ApiKey.Scope.WRITE_ORDERS], actor=manager
    ).raw_key
