"""Receivables: ageing with drill-down, DSO, expected collections; customer statements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from customers.models import Customer
from finance import selectors
from finance.mailing import billing_recipients
from finance.models import Invoice
from finance.selectors.receivables import AGEING_BUCKETS, AGEING_GROUPS
from finance.tasks import document_email_task
from opms.core.pdf import render_pdf

DRILL_DOWN_SIZE = 200
# The ageing table shows the most overdue first; the totals row covers everyone.
AGEING_ROWS = 100


@require_safe
@login_required
@permission_required("finance.view_payment", raise_exception=True)
def receivables_view(request: HttpRequest) -> HttpResponse:
    by = request.GET.get("by", "customer")
    if by not in AGEING_GROUPS:
        by = "customer"
    context = {
        "ageing": selectors.ar_ageing(by=by, limit=AGEING_ROWS),
        "buckets": AGEING_BUCKETS,
        "groups": [
            ("customer", _("By customer")),
            ("sales_rep", _("By sales rep")),
            ("team", _("By team")),
        ],
        "dso": selectors.days_sales_outstanding(),
        "collections": selectors.collections_expected_by_week(),
    }
    return render(request, "finance/receivables.html", context)


@require_safe
@login_required
@permission_required("finance.view_payment", raise_exception=True)
def ageing_invoices_view(request: HttpRequest) -> HttpResponse:
    by = request.GET.get("by", "customer")
    bucket = request.GET.get("bucket", "")
    raw_key = request.GET.get("key", "")
    if by not in AGEING_GROUPS or bucket not in {"", *dict(AGEING_BUCKETS)}:
        raise Http404(_("No such ageing cell."))
    key = int(raw_key) if raw_key.isdigit() else None
    invoices = list(selectors.ar_ageing_invoices(by=by, key=key, bucket=bucket)[:DRILL_DOWN_SIZE])
    context = {
        "invoices": invoices,
        "bucket_label": dict(AGEING_BUCKETS).get(bucket, _("All open")),
        "limit": DRILL_DOWN_SIZE,
    }
    return render(request, "finance/ageing_invoices.html", context)


def _customer_or_404(pk: int) -> Customer:
    try:
        return Customer.objects.get(pk=pk)
    except Customer.DoesNotExist as missing:
        raise Http404(_("No such customer.")) from missing


@require_safe
@login_required
@permission_required("finance.view_payment", raise_exception=True)
def customer_statement_pdf_view(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = _customer_or_404(customer_pk)
    statement = selectors.customer_statement(customer_id=customer.pk)
    return render_pdf(
        request,
        "finance/customer_statement_pdf.html",
        {"statement": statement},
        filename=f"statement-{customer.code}.pdf",
    )


@require_POST
@login_required
@permission_required("finance.view_payment", raise_exception=True)
def document_email_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Queue the invoice or statement PDF to the customer's billing contact."""
    if kind not in ("invoice", "statement"):
        raise Http404(_("No such document."))
    if kind == "invoice":
        try:
            invoice = selectors.invoice_get(pk=pk, user=request.user)
        except Invoice.DoesNotExist as missing:
            raise Http404(_("No such invoice.")) from missing
        customer, back = invoice.customer, ("finance:invoice", pk)
    else:
        customer, back = _customer_or_404(pk), ("finance:receivables", None)
    recipients = billing_recipients(customer)
    if not recipients:
        messages.error(
            request,
            _("%(customer)s has no billing contact with an e-mail address.")
            % {"customer": customer.name},
        )
    else:
        document_email_task.delay_on_commit(kind, pk, recipients)
        messages.success(
            request, _("The PDF is on its way to %(to)s.") % {"to": ", ".join(recipients)}
        )
    return redirect(back[0], pk=back[1]) if back[1] else redirect(back[0])
