"""Spreadsheet downloads (XLSX and CSV) of any list, safe to open in Excel.

Text cells that start with = + - @ (or a tab / carriage return) are prefixed with an
apostrophe so that a spreadsheet shows them as text instead of running a formula
(CSV / formula injection). Numbers and dates stay typed.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "csv")


def safe_cell(value):
    """The value as a spreadsheet cell: text that would start a formula is escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "") -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or "Sheet1")[:31])
    sheet.append([safe_cell(header) for header in headers])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(header) for header in headers])
    for row in rows:
        writer.writerow([_csv_text(safe_cell(value)) for value in row])
    # A BOM so that Excel opens the UTF-8 file with its Chinese text intact.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_text(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def export_response(
    *, file_format: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    """A download of `rows` as XLSX or CSV; `filename` without extension."""
    if file_format == "csv":
        response = HttpResponse(csv_bytes(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        file_format = "xlsx"
        response = HttpResponse(xlsx_bytes(headers, rows, title=filename), content_type=XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{file_format}"'
    return response


def export_format(request) -> str | None:
    """ "xlsx" or "csv" when the list was asked for as a download (?export=xlsx)."""
    wanted = request.GET.get("export", "")
    return wanted if wanted in FORMATS else None


EXPORT_ROW_LIMIT = 100_000


def export_queryset(
    *, file_format: str, filename: str, columns: Sequence[tuple[str, object]], queryset
) -> HttpResponse:
    """Download a filtered list: `columns` are (header, getter) pairs, a getter a callable
    of the row or an attribute path with dots. At most EXPORT_ROW_LIMIT rows."""

    def get(row, getter):
        if callable(getter):
            return getter(row)
        value = row
        for part in str(getter).split("."):
            value = getattr(value, part, None) if value is not None else None
        return value() if callable(value) else value

    rows = (
        [get(row, getter) for _, getter in columns]
        for row in queryset[:EXPORT_ROW_LIMIT].iterator(chunk_size=2000)
    )
    return export_response(
        file_format=file_format,
        filename=filename,
        headers=[str(header) for header, _ in columns],
        rows=rows,
    )
