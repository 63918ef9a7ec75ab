"""PDF documents (出库单, invoices) rendered by WeasyPrint from a Django template."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(request, template: str, context: dict, *, filename: str) -> HttpResponse:
    """Render `template` to a PDF response; fonts come from fontconfig (a CJK font is installed)."""
    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def pdf_bytes(template: str, context: dict) -> bytes:
    """Render `template` to PDF bytes outside a request (e-mail attachments, tasks)."""
    return HTML(string=render_to_string(template, context), base_url="/").write_pdf()
