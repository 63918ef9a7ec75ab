"""List downloads: what is filtered, as XLSX or CSV, formulas escaped."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from opms.core.exports import csv_bytes, safe_cell, xlsx_bytes


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+86 21", "'+86 21"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("普通文字", "普通文字"),
        (Decimal("-5.00"), Decimal("-5.00")),
        (None, ""),
    ],
)
def test_cells_that_would_start_a_formula_are_escaped(value, expected):
    assert safe_cell(value) == expected


def test_xlsx_and_csv_keep_text_as_text():
    rows = [['=HYPERLINK("http://evil")', Decimal("12.50"), "华东"]]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(["a", "b", "c"], rows))).active
    assert [cell.value for cell in sheet[2]] == ['\'=HYPERLINK("http://evil")', 12.5, "华东"]
    assert sheet["A2"].data_type == "s"
    content = csv_bytes(["a", "b", "c"], rows)
    assert content.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert parsed[1] == ['\'=HYPERLINK("http://evil")', "12.50", "华东"]


LISTS = [
    ("sales", "/orders/"),
    ("warehouse", "/orders/shipments/"),
    ("sales", "/customers/"),
    ("sales", "/inventory/products/"),
    ("sales", "/inventory/stock/"),
    ("finance", "/finance/invoices/"),
    ("finance", "/finance/payments/"),
]


@pytest.mark.parametrize("role,url", LISTS)
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_every_list_downloads(client, users, make_order, products, role, url, file_format):
    make_order([(products[0], 1)])
    client.force_login(users[role])
    response = client.get(url, {"export": file_format})
    assert response.status_code == 200
    assert f".{file_format}" in response["Content-Disposition"]
    page = client.get(url)
    assert f"export={file_format}" in page.content.decode()


def test_the_order_download_holds_what_is_filtered(client, users, customer, make_order, products):
    from orders.services import order_submit

    draft = make_order([(products[0], 1)])
    submitted = make_order([(products[1], 1)])
    order_submit(order_id=submitted.pk, actor=users["sales"])
    customer.name = "=cmd|' /C calc'!A0"
    customer.save()
    client.force_login(users["sales"])
    response = client.get("/orders/", {"export": "xlsx", "status": "draft"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [draft.number]
    assert rows[0][3] == "'=cmd|' /C calc'!A0"
