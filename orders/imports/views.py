"""Batch import pages: upload, preview with row errors, confirm, progress, reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opms.core.errors import DomainError
from opms.core.exports import export_response
from orders.imports import services
from orders.imports.models import ImportBatch
from orders.imports.plans import columns_for

Kind = ImportBatch.Kind
KIND_PERMISSIONS = {
    Kind.ORDERS: "orders.add_salesorder",
    Kind.CUSTOMERS: "customers.add_customer",
    Kind.PRODUCTS: "inventory.add_product",
    Kind.PRICE_RULES: "customers.add_pricerule",
    Kind.OPENING_STOCK: "inventory.add_stockmove",
}
PREVIEW_ROWS = 500
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _kinds_for(user) -> list[tuple[str, str]]:
    return [(kind, kind.label) for kind in Kind if user.has_perm(KIND_PERMISSIONS[kind])]


def _require_kind(user, kind: str) -> None:
    if kind not in Kind.values:
        raise Http404
    if not user.has_perm(KIND_PERMISSIONS[kind]):
        raise PermissionDenied


def _batch_for(request: HttpRequest, pk: int) -> ImportBatch:
    batch = ImportBatch.objects.filter(pk=pk).defer("content").first()
    if batch is None or (batch.created_by_id != request.user.pk and not request.user.is_superuser):
        raise Http404
    return batch


@login_required
def import_list_view(request: HttpRequest) -> HttpResponse:
    kinds = _kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    batches = ImportBatch.objects.filter(created_by=request.user).defer(
        "content", "outcomes", "errors"
    )[:20]
    return render(
        request,
        "orders/import_list.html",
        {"kinds": kinds, "batches": batches, "selected": request.GET.get("kind", Kind.ORDERS)},
    )


@login_required
@require_POST
def import_upload_view(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    _require_kind(request.user, kind)
    upload = request.FILES.get("file")
    if upload is None or upload.size == 0:
        messages.error(request, _("Choose a CSV or XLSX file."))
        return redirect("orders:imports")
    if upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, _("The file is larger than 50 MB."))
        return redirect("orders:imports")
    batch = services.import_upload(
        kind=kind, file_name=upload.name, content=upload.read(), actor=request.user
    )
    return redirect("orders:import", pk=batch.pk)


@login_required
def import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    errors = batch.errors
    rows_with_errors = {error["row"] for error in errors}
    context = {
        "batch": batch,
        "errors": errors[:PREVIEW_ROWS],
        "outcomes": [
            {"row": row, "outcome": outcome, "error": row in rows_with_errors}
            for row, outcome in batch.outcomes[:PREVIEW_ROWS]
        ],
        "more_rows": max(len(batch.outcomes) - PREVIEW_ROWS, 0),
        "progress": services.import_progress(batch_id=batch.pk),
    }
    template = "orders/import_detail.html"
    if request.htmx:
        template += "#status"
    return render(request, template, context)


@login_required
@require_POST
def import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    _require_kind(request.user, batch.kind)
    try:
        batch = services.import_confirm_start(batch_id=batch.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("orders:import", pk=pk)
    if batch.row_count <= services.SYNC_ROW_LIMIT:
        batch = services.import_confirm(batch_id=batch.pk)
        if batch.is_done:
            messages.success(request, _("Imported: %(rows)s rows.") % {"rows": batch.row_count})
    return redirect("orders:import", pk=pk)


@login_required
@require_POST
def import_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    if batch.kind != Kind.ORDERS or not batch.is_done:
        raise Http404
    result = services.import_orders_submit(batch_id=batch.pk, actor=request.user)
    messages.success(request, _("%(count)s orders submitted.") % {"count": len(result.submitted)})
    for number, reason in result.refused[:20]:
        messages.warning(request, f"{number}: {reason}")
    return redirect("orders:import", pk=pk)


@login_required
def import_error_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    return export_response(
        file_format="xlsx",
        filename=f"import-{batch.pk}-errors",
        headers=[_("Row"), _("Column"), _("Value in the file"), _("Message")],
        rows=[
            (error["row"], error["column"], error["value"], error["message"])
            for error in batch.errors
        ],
    )


@login_required
def import_template_view(request: HttpRequest, kind: str) -> HttpResponse:
    _require_kind(request.user, kind)
    columns = columns_for(kind)
    return export_response(
        file_format=request.GET.get("format", "xlsx"),
        filename=f"template-{kind}",
        headers=[column.header() for column in columns],
        rows=[],
    )
