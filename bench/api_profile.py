"""Profile POST /api/v1/orders/ in-process: the WSGI application called directly (no server,
no socket), as gunicorn's worker calls it, against the bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/opms_bench \\
    REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/api_profile.py --requests 200 [--sort tottime] [--top 40]

Prints the statements of one request, the mean time per request, and the cProfile table of
the measured requests (after a warm-up).
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def environ_for(body: bytes, raw_key: str, request_id: str) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/orders/",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Token {raw_key}",
        "HTTP_IDEMPOTENCY_KEY": request_id,
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--no-profile", action="store_true", help="time only")
    parser.add_argument(
        "--skip-middleware", default="", help="comma list of middleware class names to drop"
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="alternate API requests with the bare service call (order_intake) and print the "
        "API layer's cost: the difference",
    )
    parser.add_argument("--dump", default="", help="write the pstats file here")
    parser.add_argument("--callees", default="", help="comma list: functions to break down")
    args = parser.parse_args()
    os.environ.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "API_THROTTLE_RATE": "1000000/min",
        }
    )
    from common import bench_api_key, bench_world, django_setup

    django_setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    skipped = set(filter(None, args.skip_middleware.split(",")))
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m.rsplit(".", 1)[1] not in skipped]
    application = get_wsgi_application()
    raw_key = bench_api_key()
    _, customer, warehouse, products = bench_world()
    rng = random.Random(1)
    run_id = uuid.uuid4().hex[:12]

    def payload(request_id: str) -> dict:
        return {
            "external_id": request_id,
            "customer": customer.code,
            "warehouse": warehouse.code,
            "lines": [
                {"sku": sku, "quantity": rng.randint(1, 5)} for _, sku in rng.sample(products, 5)
            ],
            "submit": True,
        }

    def post(n: int) -> int:
        request_id = f"profile-{run_id}-{n}"
        body = json.dumps(payload(request_id)).encode()
        statuses = []
        response = application(
            environ_for(body, raw_key, request_id), lambda status, headers: statuses.append(status)
        )
        b"".join(response)
        response.close()
        if not statuses[0].startswith("201"):
            raise RuntimeError(f"HTTP {statuses[0]}: {b''.join(response)[:500]!r}")
        return n

    for n in range(args.warmup):
        post(n)
    if args.compare:
        compare(args.requests, post, payload, run_id)
        return
    with CaptureQueriesContext(connection) as captured:
        post(args.warmup)
    statements = [q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    for index, query in enumerate(statements, 1):
        sql = " ".join(query["sql"].split())
        print(f"{index:3} {float(query['time']) * 1000:7.2f} ms  {sql[:140]}")
    print(f"{len(statements)} statements")
    profiler = cProfile.Profile()
    started, cpu_started = time.perf_counter(), time.process_time()
    if not args.no_profile:
        profiler.enable()
    for n in range(args.requests):
        post(args.warmup + 1 + n)
    if not args.no_profile:
        profiler.disable()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(
        f"{args.requests} requests: {elapsed / args.requests * 1000:.2f} ms each, "
        f"{cpu / args.requests * 1000:.2f} ms of this process's CPU"
    )
    if not args.no_profile:
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)
        by_package: dict[str, float] = {}
        for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
            parts = filename.split("site-packages/")
            package = parts[1].split("/")[0] if len(parts) > 1 else filename.split("/")[-2:][0]
            by_package[package] = by_package.get(package, 0.0) + tottime
        total = sum(by_package.values())
        print("own time by package (ms per request):")
        for package, seconds in sorted(by_package.items(), key=lambda item: -item[1])[:20]:
            print(f"  {package:30} {seconds / args.requests * 1000:7.2f}  {seconds / total:6.1%}")
        if args.dump:
            stats.dump_stats(args.dump)
        for name in filter(None, args.callees.split(",")):
            stats.print_callees(name)


def compare(requests: int, post, payload, run_id: str) -> None:
    """The same orders through the API and through the service alone, alternately, so that
    the machine's load falls on both alike."""
    from orders.integration.models import ApiKey
    from orders.services import IntakeLine, order_intake

    channel = ApiKey.objects.select_related("channel__acts_as").latest("pk").channel

    def service(n: int) -> None:
        values = payload(f"service-{run_id}-{n}")
        order_intake(
            actor=channel.acts_as,
            channel=channel,
            external_id=values["external_id"],
            customer_code=values["customer"],
            warehouse_code=values["warehouse"],
            lines=[
                IntakeLine(sku=line["sku"], quantity=line["quantity"]) for line in values["lines"]
            ],
            submit=True,
        )

    totals = {"api": [0.0, 0.0], "service": [0.0, 0.0]}
    for n in range(requests):
        for name, call in (("api", post), ("service", service)):
            wall, cpu = time.perf_counter(), time.process_time()
            call(10_000 + n)
            totals[name][0] += time.perf_counter() - wall
            totals[name][1] += time.process_time() - cpu
    for name, (wall, cpu) in totals.items():
        print(f"{name:8} {wall / requests * 1000:7.2f} ms wall {cpu / requests * 1000:7.2f} ms CPU")
    api, service_only = totals["api"], totals["service"]
    print(
        f"API layer {(api[0] - service_only[0]) / requests * 1000:7.2f} ms wall "
        f"{(api[1] - service_only[1]) / requests * 1000:7.2f} ms CPU per order"
    )


if __name__ == "__main__":
    main()
