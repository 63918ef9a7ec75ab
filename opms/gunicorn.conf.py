"""gunicorn settings for production and `make bench` (override on the command line).

Sync workers: one request per process, each keeping its PostgreSQL connection between
requests (CONN_MAX_AGE), so order entry pays no connection set-up. Two workers per core
is the usual sizing; on the 2-core bench machine that is 4. Order entry is CPU-bound in
Python: threads (gthread) would only share one core's GIL, and keep-alive saves no more
than a loopback connect per request.

The app is loaded once in the master and forked (preload_app): workers start, and are
recycled after max_requests, in milliseconds instead of re-importing Django each. Loading
opens no database or Redis connection (both are opened lazily by each worker), so nothing
is shared across the fork.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "sync"
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
