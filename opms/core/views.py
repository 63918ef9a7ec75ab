"""The health check (database and broker reachable?) and the server-error pages."""

import sys

from django import db
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from kombu import Connection


def healthz_view(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {error.__class__.__name__}"
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as error:  # noqa: BLE001
        checks["broker"] = f"error: {error.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


# Errors of the database connection itself (server restarting, unreachable): the request
# could not be served now but will be shortly, so the answer is 503, not 500.
UNAVAILABLE = (db.OperationalError, db.InterfaceError)


def server_error_view(request, template_name="500.html"):
    """handler500: a 503 page with Retry-After when the database is away, else a plain 500.

    Neither page touches the database (no navigation, no session): the base layout's
    context would fail while PostgreSQL restarts. Django closes the broken connection at
    the end of the request, so the next one reconnects without manual action.
    """
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "10"
        return response
    return HttpResponseServerError(render_to_string("500.html"))
