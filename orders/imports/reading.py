"""Reading an uploaded CSV or XLSX into header keys and rows of text, whatever its encoding."""

import csv
import io
from dataclasses import dataclass

import openpyxl

from orders.imports.columns import Column

# UTF-8 first (with or without BOM); GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030")


class UnreadableFile(ValueError):
    pass


@dataclass
class Sheet:
    headers: list[str]  # as written in the file
    keys: list[str | None]  # the column each header means (None: not ours)
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells as text)
    encoding: str


def decode(content: bytes) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding), encoding.replace("-sig", "")
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("encoding")


def _cell_text(value) -> str:
    if type(value) is str:  # every CSV cell and most XLSX ones
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if not getattr(value, "hour", 0) else value.isoformat()
    return str(value).strip()


def _read_rows(content: bytes) -> tuple[list[list[str]], str]:
    if content[:2] == b"PK":  # a zip: XLSX
        try:
            # Formulas are kept as text (not evaluated) so that they can be refused.
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise UnreadableFile("xlsx") from exc
        rows = [
            [_cell_text(value) for value in row] for row in book.active.iter_rows(values_only=True)
        ]
        return rows, "xlsx"
    text, encoding = decode(content)
    # The csv module directly: tablib's Dataset (django-import-export's CSV format) checks
    # every appended row and took longer than the rest of the check at 100,000 rows.
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:  # e.g. a NUL byte or an unclosed quote at the end
        raise UnreadableFile("csv") from exc
    return rows, encoding


def header_key(header: str, columns: list[Column]) -> str | None:
    wanted = header.strip().lstrip("\ufeff").lower().replace(" ", "").replace("_", "")
    for column in columns:
        if wanted in column.aliases():
            return column.key
    return None


def sheet_read(content: bytes, columns: list[Column]) -> Sheet:
    """Headers may be the English or Chinese names (or the key); blank rows are skipped."""
    rows, encoding = _read_rows(content)
    if not rows:
        raise UnreadableFile("empty")
    headers = rows[0]
    while headers and not headers[-1]:
        headers = headers[:-1]
    width = len(headers)
    data = [
        (number, row[:width] + [""] * (width - len(row)))
        for number, row in enumerate(rows[1:], start=2)
        if any(cell for cell in row[:width])
    ]
    return Sheet(
        headers=headers,
        keys=[header_key(header, columns) for header in headers],
        rows=data,
        encoding=encoding,
    )
