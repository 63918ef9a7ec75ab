"""PDF documents (出库单, invoices) rendered by WeasyPrint from a Django template."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class RemoteFetchRefused(ValueError):
    pass


class LocalURLFetcher(URLFetcher):
    """Resources of a PDF come from our own static files (or data: URIs), never the network.

    WeasyPrint skips (and logs) a resource whose fetch raises, so a URL smuggled into a
    document cannot make the server call out, nor call itself back through the web server.
    """

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        found = static_file_for(url)
        if found is None:
            raise RemoteFetchRefused(f"PDF resources are local only: {url}")
        return URLFetcherResponse(
            url,
            found.read_bytes(),
            {"Content-Type": mimetypes.guess_type(str(found))[0] or "application/octet-stream"},
        )


def static_file_for(url: str) -> Path | None:
    """The file behind a URL of our static files (from the finders or STATIC_ROOT), if any."""
    path = unquote(urlparse(url).path)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if not path.startswith(prefix) or ".." in path:
        return None
    relative = path[len(prefix) :]
    found = finders.find(relative)
    if found:
        return Path(found)
    candidate = Path(settings.STATIC_ROOT) / relative
    return candidate if candidate.is_file() else None


def render_pdf(request, template: str, context: dict, *, filename: str) -> HttpResponse:
    """Render `template` to a PDF response; fonts come from fontconfig (a CJK font is installed)."""
    html = render_to_string(template, context, request=request)
    pdf = HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=LocalURLFetcher()
    ).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def pdf_bytes(template: str, context: dict) -> bytes:
    """Render `template` to PDF bytes outside a request (e-mail attachments, tasks)."""
    return HTML(string=render_to_string(template, context), base_url="/").write_pdf()
