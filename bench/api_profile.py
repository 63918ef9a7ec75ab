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
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    application = get_wsgi_application()
    raw_key = bench_api_key()
    _, customer, warehouse, products = bench_world()
    rng = random.Random(1)
    run_id = uuid.uuid4().hex[:12]

    def post(n: int) -> int:
        request_id = f"profile-{run_id}-{n}"
        body = json.dumps(
            {
                "external_id": request_id,
                "customer": customer.code,
                "warehouse": warehouse.code,
                "lines": [
                    {"sku": sku, "quantity": rng.randint(1, 5)}
                    for _, sku in rng.sample(products, 5)
                ],
                "submit": True,
            }
        ).encode()
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
    with CaptureQueriesContext(connection) as captured:
        post(args.warmup)
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    for index, sql in enumerate(statements, 1):
        print(f"{index:3} {sql[:150]}")
    print(f"{len(statements)} statements")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    if not args.no_profile:
        profiler.enable()
    for n in range(args.requests):
        post(args.warmup + 1 + n)
    if not args.no_profile:
        profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{args.requests} requests: {elapsed / args.requests * 1000:.2f} ms each")
    if not args.no_profile:
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
