"""A report result as an XLSX workbook or a PDF (WeasyPrint, Chinese fonts via fontconfig)."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from weasyprint import HTML

from opms.core.templatetags.opms import money
from reports.selectors.common import ReportResult

# A text cell starting with one of these would run as a formula in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {"money": "#,##0.00", "percent": "0.0", "hours": "0.0", "days": "0.0"}


def safe_cell(value):
    """Numbers and dates stay typed; text that looks like a formula is quoted."""
    if isinstance(value, Decimal | int | float | date | datetime) or value is None:
        if isinstance(value, datetime):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def report_xlsx(*, title: str, result: ReportResult, filters_text: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report")[:31]
    sheet.append([safe_cell(str(title))])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([safe_cell(filters_text)])
    sheet.append(
        [
            _("Data computed at"),
            timezone.localtime(result.computed_at).strftime("%Y-%m-%d %H:%M:%S"),
        ]
    )
    for label, value, _kind in result.figures:
        sheet.append([safe_cell(str(label)), safe_cell(value)])
    sheet.append([])
    sheet.append([safe_cell(str(column.label)) for column in result.columns])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in result.rows:
        if row.get("heading"):
            sheet.append([safe_cell(str(row["label"]))])
            continue
        sheet.append([safe_cell(row.get(column.key)) for column in result.columns])
        for cell, column in zip(sheet[sheet.max_row], result.columns, strict=False):
            if column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
    sheet.column_dimensions["A"].width = 40
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_pdf(*, title: str, result: ReportResult, filters_text: str) -> bytes:
    html = render_to_string(
        "reports/report_pdf.html",
        {
            "title": title,
            "result": result,
            "rows": table_cells(result),
            "filters_text": filters_text,
        },
    )
    return HTML(string=html).write_pdf()


def cell_text(value, kind: str) -> str:
    """A report value as the table shows it (the same in the page and the PDF)."""
    if value is None:
        return "—"
    if kind == "money":
        return money(value)
    if kind == "percent":
        return f"{value} %"
    if kind == "date":
        return value.strftime("%Y-%m-%d")
    if kind in ("hours", "days"):
        return f"{Decimal(value):.1f}"
    return str(value)


def table_cells(result: ReportResult) -> list[dict]:
    """Rows of formatted cells: one pass over the rows the report returned (no template
    include per cell, which cost seconds for thousands of customers)."""
    rows = []
    for row in result.rows:
        if row.get("heading"):
            rows.append({"heading": str(row["label"])})
            continue
        cells = []
        for column in result.columns:
            css = "text-nowrap" if column.kind == "date" else "" if column.kind == "text" else "num"
            cells.append((cell_text(row.get(column.key), column.kind), css))
        rows.append({"cells": cells, "url": row.get("url", "")})
    return rows
