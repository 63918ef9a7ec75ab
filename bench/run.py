"""`make bench`: the OPMS benchmark suite on PostgreSQL and Redis.

    make bench                      # default sizes (1,000,000 orders), < 20 minutes
    make bench ARGS=--quick         # smoke run: 20,000 orders, short runs, a few minutes
    .venv/bin/python bench/run.py --only service,pages --repeat 5
    .venv/bin/python bench/run.py --only http --http-target api  # POST /api/v1/orders/ only

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/opms_bench (created, migrated
and seeded with `seed_bench` when it holds fewer orders than asked). Every benchmark writes
bench/results/<name>.json; the summary table ends the run. Figures are median over the
repeated runs (throughput) and p50/p95 over every sample (latency).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import (  # noqa: E402
    BENCH_PASSWORD,
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    ROOT,
    SALES_USER,
    latency_summary,
    median,
    progress,
    result_write,
)

PYTHON = sys.executable
HTTP_PORT = 8090 + 9  # beside the dev-server ports of the helpers (80NN)


@dataclass
class Config:
    orders: int
    seconds: float
    repeat: int
    page_samples: int
    http_targets: list[str]
    only: set[str] = field(default_factory=set)


@dataclass
class Row:
    name: str
    throughput: str = ""
    p50: str = ""
    p95: str = ""
    queries: str = ""
    target: str = ""
    note: str = ""


# ---------------------------------------------------------------------------- setup


def database_ensure(cfg: Config) -> None:
    from django.core.management import call_command
    from django.db import connection

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(
        ["psql", admin_url, "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        progress(f"creating database {name}")
        subprocess.run(["psql", admin_url, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders_salesorder")
        have = cursor.fetchone()[0]
    if have < cfg.orders * 0.95:
        progress(f"{have} orders present, seeding {cfg.orders - have} more (seed_bench)")
        started = time.perf_counter()
        call_command("seed_bench", orders=cfg.orders - have)
        result_write(
            "seed_bench",
            {"orders": cfg.orders - have, "seconds": round(time.perf_counter() - started, 1)},
        )
    else:
        progress(f"{have} orders present: no seeding needed")
    from reports.models import SalesSummaryRun
    from reports.services import sales_summary_refresh

    if not SalesSummaryRun.objects.exists():
        # In production beat keeps the report summaries current (every 10 minutes, nightly
        # in full); a freshly seeded database gets its first full refresh here.
        progress("building the report summaries (sales_summary_refresh)")
        started = time.perf_counter()
        sales_summary_refresh()
        result_write("sales_summary_refresh", {"seconds": round(time.perf_counter() - started, 1)})


def world_json() -> dict:
    from common import bench_world

    user, customer, warehouse, products = bench_world()
    return {
        "username": user.username,
        "password": BENCH_PASSWORD,
        "customers": [
            {"id": c.pk, "code": c.code} for c in (bench_world(client=n)[1] for n in range(8))
        ],
        "warehouse": {"id": warehouse.pk, "code": warehouse.code},
        "products": [list(p) for p in products],
    }


def processes_run(commands: list[list[str]], env=None) -> list[dict]:
    children = [
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=HERE, env=env)
        for command in commands
    ]
    outputs = []
    for child in children:
        out, _ = child.communicate(timeout=600)
        if child.returncode != 0:
            raise RuntimeError(f"bench client failed: {child.args}")
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    return outputs


def runs_summarise(runs: list[dict], seconds: float) -> dict:
    latencies = [value for run in runs for value in run["latencies"]]
    per_run = [len(run["latencies"]) / seconds for run in runs]
    return {"throughput_per_run": [round(v, 1) for v in per_run], **latency_summary(latencies)}


# ----------------------------------------------------------------- order submit


def statements_per_order() -> int:
    from common import bench_world
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orders.services import LineInput, order_place

    user, customer, warehouse, products = bench_world()
    with CaptureQueriesContext(connection) as queries:
        order_place(
            actor=user,
            customer=customer,
            warehouse=warehouse,
            lines=[LineInput(product_id=pk, quantity=1) for pk, _ in products[10:15]],
        )
    return len(queries)


def bench_service(cfg: Config, clients: int, statements: int) -> Row:
    name = f"order_submit_service_{clients}"
    runs = []
    for repeat in range(cfg.repeat):
        progress(f"{name}: run {repeat + 1}/{cfg.repeat}, {clients} process(es) × {cfg.seconds}s")
        start_at = time.time() + 6
        runs += [
            processes_run(
                [
                    [
                        PYTHON,
                        "service_worker.py",
                        "--start-at",
                        str(start_at),
                        "--seconds",
                        str(cfg.seconds),
                        "--seed",
                        str(repeat * 10 + n),
                    ]
                    for n in range(clients)
                ]
            )
        ]
    merged = [
        {
            "latencies": [v for out in run for v in out["latencies"]],
            "errors": [out["errors"] for out in run],
        }
        for run in runs
    ]
    summary = runs_summarise(merged, cfg.seconds)
    target = "≥ 300/s" if clients == 4 else ""
    result_write(
        name,
        {
            "clients": clients,
            "lines_per_order": 5,
            "seconds_per_run": cfg.seconds,
            "runs": cfg.repeat,
            "orders_per_second_median": median(summary["throughput_per_run"]),
            "sql_statements_per_order": statements,
            "errors": [run["errors"] for run in merged],
            **summary,
        },
    )
    return Row(
        name,
        f"{median(summary['throughput_per_run'])} orders/s",
        f"{summary['p50_ms']} ms",
        f"{summary['p95_ms']} ms",
        f"{statements}/order",
        target,
    )


# ------------------------------------------------------------------------ HTTP


def gunicorn_env() -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": env.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            # The throttle still counts every request (its cost is measured); only the limit
            # (6,000/min per key by default) is lifted so that it does not cap the figure.
            "API_THROTTLE_RATE": "1000000/min",
        }
    )
    return env


def static_stale() -> bool:
    """collectstatic compresses every file again (minutes on this machine): only when a
    static source is newer than the manifest it wrote last time."""
    manifest = ROOT / "var" / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    written = manifest.stat().st_mtime
    sources = [ROOT / "static", *ROOT.glob("*/static")]
    return any(
        path.stat().st_mtime > written
        for folder in sources
        for path in folder.rglob("*")
        if path.is_file()
    )


HTTP_TARGET_NOTES = {
    "api": "POST /api/v1/orders/, API key, Idempotency-Key",
    "form": "order entry form, session + CSRF",
}


def bench_http(cfg: Config, world: dict) -> list[Row]:
    """Each target of cfg.http_targets with 1 and 4 clients against one gunicorn."""
    env = gunicorn_env()
    if static_stale():
        progress("collectstatic (the pages need the manifest)")
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    if "api" in cfg.http_targets:
        from common import bench_api_key

        world = {**world, "api_key": bench_api_key()}
    log = Path(f"/tmp/opms-bench-gunicorn-{HTTP_PORT}.log")
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "opms.wsgi",
                "--config",
                str(ROOT / "opms" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{HTTP_PORT}",
                "--workers",
                "4",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
    rows = []
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{HTTP_PORT}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        for target in cfg.http_targets:
            for clients in (1, 4):
                rows.append(http_target_measure(cfg, world, target, clients))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


def http_target_measure(cfg: Config, world: dict, target: str, clients: int) -> Row:
    name = f"order_submit_http_{target}_{clients}"
    runs = []
    for repeat in range(cfg.repeat):
        progress(f"{name}: run {repeat + 1}/{cfg.repeat}, {clients} client(s)")
        start_at = time.time() + 3
        outputs = processes_run(
            [
                [
                    PYTHON,
                    "http_worker.py",
                    "--port",
                    str(HTTP_PORT),
                    "--target",
                    target,
                    "--start-at",
                    str(start_at),
                    "--seconds",
                    str(cfg.seconds),
                    "--seed",
                    str(repeat * 100 + n),
                    "--world",
                    json.dumps(world),
                ]
                for n in range(clients)
            ]
        )
        runs.append(
            {
                "latencies": [v for out in outputs for v in out["latencies"]],
                "errors": [out["errors"] for out in outputs],
            }
        )
    summary = runs_summarise(runs, cfg.seconds)
    refused = sum(count for run in runs for out in run["errors"] for count in out.values())
    result_write(
        name,
        {
            "target": target,
            "request": HTTP_TARGET_NOTES[target],
            "server": gunicorn_description(),
            "clients": clients,
            "seconds_per_run": cfg.seconds,
            "runs": cfg.repeat,
            "orders_per_second_median": median(summary["throughput_per_run"]),
            "errors": [run["errors"] for run in runs],
            **summary,
        },
    )
    note = HTTP_TARGET_NOTES[target] + (f"; {refused} refused" if refused else "")
    return Row(
        name,
        f"{median(summary['throughput_per_run'])} orders/s",
        f"{summary['p50_ms']} ms",
        f"{summary['p95_ms']} ms",
        "",
        ("≥ 160/s" if clients == 4 else "≥ 100/s") if target == "api" else "",
        note,
    )


def gunicorn_description() -> str:
    """What the bench server runs with, read from opms/gunicorn.conf.py."""
    settings = {}
    exec((ROOT / "opms" / "gunicorn.conf.py").read_text(), settings)  # noqa: S102 - our file
    threads = settings.get("threads", 1)
    return (
        f"gunicorn, 4 {settings.get('worker_class', 'sync')} workers"
        + (f" × {threads} threads" if threads > 1 else "")
        + (", preloaded" if settings.get("preload_app") else "")
    )


# ------------------------------------------------------------------ contention


HOT_SKUS = 10
HOT_STOCK = 100
CONTENTION_CLIENTS = 50


def hot_products(run: int, warehouse) -> list[int]:
    from inventory.models import Product
    from inventory.services import stock_receive

    stamp = f"{int(time.time())}-{run}"
    ids = []
    for n in range(HOT_SKUS):
        product = Product.objects.create(
            sku=f"BENCH-HOT-{stamp}-{n}", name=f"Hot {n}", list_price_amount="50.00"
        )
        stock_receive(product_id=product.pk, warehouse_id=warehouse.pk, quantity=HOT_STOCK)
        ids.append(product.pk)
    return ids


def oversold(ids: list[int], warehouse) -> dict:
    from django.db.models import Sum

    from inventory.models import StockLevel
    from orders.models import LineReservation

    over = 0
    mismatched = 0
    for level in StockLevel.objects.filter(product_id__in=ids, warehouse=warehouse):
        over += max(0, level.reserved - level.on_hand)
        held = (
            LineReservation.objects.filter(
                product_id=level.product_id, warehouse=warehouse
            ).aggregate(total=Sum("quantity"))["total"]
            or 0
        )
        mismatched += abs(held - level.reserved)
    return {"oversold_units": over, "reservation_mismatch_units": mismatched}


def bench_contention(cfg: Config) -> Row:
    from common import bench_world

    _, _, warehouse, _ = bench_world()
    name = "contention_hot_skus"
    runs, checks, refused, failures = [], [], 0, {}
    processes = 5
    for repeat in range(cfg.repeat):
        ids = hot_products(repeat, warehouse)
        progress(f"{name}: run {repeat + 1}/{cfg.repeat}, {CONTENTION_CLIENTS} clients")
        start_at = time.time() + 6
        outputs = processes_run(
            [
                [
                    PYTHON,
                    "contention_worker.py",
                    "--start-at",
                    str(start_at),
                    "--seconds",
                    str(cfg.seconds),
                    "--threads",
                    str(CONTENTION_CLIENTS // processes),
                    "--seed",
                    str(n),
                    "--hot",
                    json.dumps(ids),
                ]
                for n in range(processes)
            ]
        )
        latencies = [v for out in outputs for v in out["latencies"]]
        run_refused = sum(out["refused"] for out in outputs)
        refused += run_refused
        for out in outputs:
            for key, count in out["failures"].items():
                failures[key] = failures.get(key, 0) + count
        runs.append({"latencies": latencies, "attempts": len(latencies) + run_refused})
        checks.append(oversold(ids, warehouse))
    summary = runs_summarise(runs, cfg.seconds)
    attempts_per_second = [round(run["attempts"] / cfg.seconds, 1) for run in runs]
    oversell = sum(
        check["oversold_units"] + check["reservation_mismatch_units"] for check in checks
    )
    result_write(
        name,
        {
            "clients": CONTENTION_CLIENTS,
            "processes": processes,
            "hot_skus": HOT_SKUS,
            "stock_per_sku": HOT_STOCK,
            "seconds_per_run": cfg.seconds,
            "accepted_orders_per_second_median": median(summary["throughput_per_run"]),
            "attempts_per_second": attempts_per_second,
            "refused_for_stock": refused,
            "failures_seen_by_users": failures,
            "oversell_checks": checks,
            "oversell": oversell,
            **summary,
        },
    )
    return Row(
        name,
        f"{median(attempts_per_second)} attempts/s",
        f"{summary['p50_ms']} ms",
        f"{summary['p95_ms']} ms",
        "",
        "≥ 250/s, 0 oversell",
        f"oversell {oversell}, refused {refused}, user-visible failures {sum(failures.values())}",
    )


# ------------------------------------------------------------------------ pages


# (benchmark, user, URL name or candidates, kwargs or query) — add pages here.
SALES_REPORT_URLS = ["reports:detail"]
AGEING_URLS = ["finance:receivables"]


def page_specs(cfg: Config) -> list[tuple[str, str, list[str], dict, str]]:
    from datetime import timedelta

    from django.utils import timezone

    from orders.models import SalesOrderLine

    twenty = (
        SalesOrderLine.objects.filter(line_no=20)
        .order_by("-order_id")
        .values_list("order_id", flat=True)
        .first()
    )
    from opms.core.pagination import _encode
    from orders.models import SalesOrder

    deep = (timezone.localdate() - timedelta(days=900)).isoformat()
    # A keyset cursor two years down the list, as if the user had paged that far.
    row = (
        SalesOrder.objects.filter(created_at__lte=timezone.now() - timedelta(days=730))
        .order_by("-created_at", "-pk")
        .values_list("created_at", "pk")
        .first()
    )
    cursor = _encode(list(row)) if row else ""
    return [
        ("page_order_list_status", "bench-manager", ["orders:list"], {}, "status=approved"),
        ("page_order_list_deep_cursor", "bench-manager", ["orders:list"], {}, f"cursor={cursor}"),
        (
            "page_order_list_status_date_to",
            "bench-manager",
            ["orders:list"],
            {},
            f"status=closed&order_date_to={deep}",
        ),
        ("page_order_list_by_total", "bench-manager", ["orders:list"], {}, "sort=-total"),
        ("page_order_list_sales_rep", SALES_USER, ["orders:list"], {}, ""),
        ("page_order_detail_20_lines", "bench-manager", ["orders:detail"], {"pk": twenty}, ""),
        ("page_pending_approvals", "bench-approver", ["orders:approvals"], {}, ""),
        ("page_manager_dashboard", "bench-manager", ["reports:dashboard"], {}, ""),
        ("page_home_sales", SALES_USER, ["home"], {}, ""),
        (
            "report_sales_year",
            "bench-manager",
            SALES_REPORT_URLS,
            {"slug": "sales"},
            "period=last_year&group_by=month",
        ),
        (
            "report_sales_year_by_customer",
            "bench-manager",
            SALES_REPORT_URLS,
            {"slug": "sales"},
            "period=last_year&group_by=customer",
        ),
        (
            "report_sales_year_by_rep",
            "bench-manager",
            SALES_REPORT_URLS,
            {"slug": "sales"},
            "period=last_year&group_by=sales_rep",
        ),
        ("report_ar_ageing", "bench-finance", AGEING_URLS, {}, ""),
    ]


def bench_pages(cfg: Config) -> list[Row]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from opms.accounts.models import User

    budgets = {
        "page_manager_dashboard": "p95 < 500 ms",
        "report_sales_year": "p95 < 2 s",
        "report_sales_year_by_customer": "p95 < 2 s",
        "report_sales_year_by_rep": "p95 < 2 s",
        "report_ar_ageing": "p95 < 2 s",
    }
    rows = []
    for name, username, candidates, kwargs, query in page_specs(cfg):
        url = None
        for candidate in candidates:
            try:
                url = reverse(candidate, kwargs=kwargs or None)
                break
            except NoReverseMatch:
                continue
        if url is None:
            note = f"skipped: no URL named {' / '.join(candidates)} yet"
            result_write(name, {"skipped": note})
            rows.append(Row(name, note=note))
            progress(f"{name}: {note}")
            continue
        if query:
            url += "?" + query
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(url)  # warm-up: templates, connection, caches
        reset_queries()  # each request resets the log; start the capture from zero
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        latencies = []
        progress(f"{name}: {cfg.page_samples} × GET {url}")
        for _ in range(cfg.page_samples):
            started = time.perf_counter()
            client.get(url)
            latencies.append(time.perf_counter() - started)
        summary = latency_summary(latencies)
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
        result_write(
            name,
            {
                "url": url,
                "user": username,
                "status": status,
                "queries": len(queries),
                "slowest_queries": slowest,
                **summary,
            },
        )
        rows.append(
            Row(
                name,
                "",
                f"{summary['p50_ms']} ms",
                f"{summary['p95_ms']} ms",
                str(len(queries)),
                budgets.get(name, "p95 < 100 ms"),
                "" if status == 200 else f"HTTP {status}",
            )
        )
    return rows


# ----------------------------------------------------------------------- import


def bench_import(cfg: Config) -> Row:
    """Check and import an order file through the import service (the path of the upload
    page and its Celery task): 100,000 lines (2,000 in --quick), against the target of
    100,000 lines in 60 s (1,667 lines/s)."""
    from import_orders import main as import_run

    lines = 2_000 if cfg.orders <= 20_000 else 100_000
    progress(f"import_lines: {lines} lines ({lines // 5} orders)")
    result = import_run(lines)
    result_write("import_lines", result)
    return Row(
        "import_lines",
        f"{result['lines_per_s']} lines/s",
        "",
        f"{result['total_s']} s",
        "",
        "100k lines < 60 s (1,667/s)",
        f"{lines} lines: check {result['check_s']} s, import {result['import_s']} s",
    )


# ---------------------------------------------------------------------- pgbench


def bench_pgbench(cfg: Config) -> list[Row]:
    from pgbench_script import script_write, variables

    path = script_write(HERE / "order_tx.sql")
    rows = []
    url = os.environ["DATABASE_URL"]
    for clients in (1, 4):
        name = f"pgbench_order_tx_{clients}"
        tps_runs, latencies = [], []
        for repeat in range(cfg.repeat):
            progress(f"{name}: run {repeat + 1}/{cfg.repeat}")
            logs = Path(f"/tmp/opms-pgbench-{os.getpid()}")
            shutil.rmtree(logs, ignore_errors=True)
            logs.mkdir()
            command = [
                "pgbench",
                "-n",
                "-M",
                "prepared",
                "-f",
                str(path),
                "-c",
                str(clients),
                "-j",
                str(clients),
                "-T",
                str(int(cfg.seconds)),
                "-l",
                "--log-prefix",
                str(logs / "tx"),
            ]
            for key, value in variables().items():
                command += ["-D", f"{key}={value}"]
            output = subprocess.run(
                [*command, url], capture_output=True, text=True, check=True
            ).stdout
            tps_runs.append(float(re.search(r"tps = ([\d.]+)", output).group(1)))
            for log in logs.glob("tx*"):
                for line in log.read_text().splitlines():
                    latencies.append(int(line.split()[2]) / 1e6)
            shutil.rmtree(logs, ignore_errors=True)
        summary = latency_summary(latencies)
        result_write(
            name,
            {
                "clients": clients,
                "script": "bench/order_tx.sql",
                "tps_per_run": tps_runs,
                "orders_per_second_median": median(tps_runs),
                **summary,
            },
        )
        rows.append(
            Row(
                name,
                f"{median(tps_runs)} orders/s",
                f"{summary['p50_ms']} ms",
                f"{summary['p95_ms']} ms",
                "",
                "ceiling",
                "raw SQL, same order transaction",
            )
        )
    return rows


# ------------------------------------------------------------------------- main


def table(rows: list[Row]) -> str:
    headers = ["benchmark", "throughput", "p50", "p95", "queries", "target", "note"]
    data = [[r.name, r.throughput, r.p50, r.p95, r.queries, r.target, r.note] for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *data, strict=False)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in data]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run in a few minutes")
    parser.add_argument("--orders", type=int, help="orders in the bench database")
    parser.add_argument("--seconds", type=float, help="length of each throughput run")
    parser.add_argument("--repeat", type=int, help="runs per throughput benchmark")
    parser.add_argument(
        "--http-target",
        default="api,form",
        help="comma list of HTTP targets (bench/targets.py): api, form; default both",
    )
    parser.add_argument(
        "--only", default="", help="comma list: service,http,contention,pages,import,pgbench"
    )
    args = parser.parse_args()
    from targets import TARGETS

    unknown = set(args.http_target.split(",")) - set(TARGETS) - {""}
    if unknown:
        parser.error(f"unknown HTTP target(s): {', '.join(sorted(unknown))}")
    cfg = Config(
        orders=args.orders or (20_000 if args.quick else 1_000_000),
        seconds=args.seconds or (4 if args.quick else 15),
        repeat=args.repeat or (1 if args.quick else 3),
        page_samples=5 if args.quick else 30,
        http_targets=[target for target in args.http_target.split(",") if target],
        only={part for part in args.only.split(",") if part},
    )
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    if args.quick:  # smoke figures go to bench/results/quick/, never over the real ones
        os.environ["OPMS_BENCH_QUICK"] = "1"
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    started = time.perf_counter()
    from common import django_setup

    django_setup()
    progress(f"bench on {os.environ['DATABASE_URL']} ({'quick' if args.quick else 'full'})")
    database_ensure(cfg)

    rows: list[Row] = []
    world = world_json()

    def run(part: str, benchmark) -> None:
        """One failing benchmark is reported in the table; the others still run."""
        if cfg.only and part not in cfg.only:
            return
        try:
            result = benchmark()
        except Exception as error:  # noqa: BLE001 - reported, not fatal
            progress(f"{part}: failed: {error!r}")
            rows.append(Row(part, note=f"FAILED: {error!r}"[:120]))
            return
        rows.extend(result if isinstance(result, list) else [result])

    def service():
        statements = statements_per_order()
        return [bench_service(cfg, 1, statements), bench_service(cfg, 4, statements)]

    run("service", service)
    run("http", lambda: bench_http(cfg, world))
    run("contention", lambda: bench_contention(cfg))
    run("pages", lambda: bench_pages(cfg))
    run("import", lambda: bench_import(cfg))
    run("pgbench", lambda: bench_pgbench(cfg))
    elapsed = time.perf_counter() - started
    print()
    print(table(rows))
    folder = "bench/results/quick/" if args.quick else "bench/results/"
    print(f"\n{len(rows)} benchmarks in {elapsed / 60:.1f} min; JSON in {folder}")


if __name__ == "__main__":
    main()
