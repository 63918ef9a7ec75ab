"""htmx helpers shared by every app's views."""

import json

from django.http import HttpResponse


def trigger(response: HttpResponse, *events: str) -> HttpResponse:
    """Ask the page to refresh the parts listening to `events` (HX-Trigger)."""
    response["HX-Trigger"] = json.dumps({event: True for event in events})
    return response


def redirect(url: str) -> HttpResponse:
    """A client-side redirect for htmx requests."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response
