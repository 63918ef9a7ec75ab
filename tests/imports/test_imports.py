"""Batch imports: encodings, headers in either language, row errors that write nothing,
all-or-nothing confirm, no duplicates on re-import, bulk submit."""

import io
from decimal import Decimal

import openpyxl
import pytest

from customers.models import Customer
from inventory.models import Product, StockLevel
from orders.imports.models import ImportBatch
from orders.imports.processing import import_confirm
from orders.imports.services import import_confirm_start, import_orders_submit, import_upload
from orders.models import SalesOrder
from tests.factories import CustomerFactory

Kind = ImportBatch.Kind
Status = ImportBatch.Status

EN_HEADER = "External order number,Customer code,SKU,Quantity,Unit price,Requested delivery date"
ZH_HEADER = "外部订单号,客户编码,SKU,数量,单价,要求交货日期"


def csv_file(header: str, rows: list[str], encoding="utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def upload(users, content: bytes, kind=Kind.ORDERS, actor=None) -> ImportBatch:
    return import_upload(
        kind=kind, file_name="orders.csv", content=content, actor=actor or users["sales"]
    )


def confirm(batch: ImportBatch) -> ImportBatch:
    import_confirm_start(batch_id=batch.pk, actor=batch.created_by)
    return import_confirm(batch_id=batch.pk)


def errors_of(batch: ImportBatch) -> list[tuple]:
    return [(e["row"], e["column"], e["value"], e["message"]) for e in batch.errors]


@pytest.fixture
def good_rows(customer, products):
    return [
        f"EXT-1,{customer.code},{products[0].sku},2,,2026-12-01",
        f"EXT-1,{customer.code},{products[1].sku},3,30.00,2026-12-01",
        f"EXT-2,{customer.code},{products[2].sku},1,,",
    ]


def test_a_utf8_file_with_a_bom_is_previewed_then_imported(users, good_rows):
    batch = upload(users, b"\xef\xbb\xbf" + csv_file(EN_HEADER, good_rows))
    assert batch.status == Status.READY, batch.errors
    assert batch.encoding == "utf-8"
    assert [outcome for _, outcome in batch.outcomes] == [
        "New order EXT-1, line 1",
        "New order EXT-1, line 2",
        "New order EXT-2, line 1",
    ]
    assert not SalesOrder.objects.exists()  # the preview writes nothing
    batch = confirm(batch)
    assert batch.status == Status.DONE
    orders = SalesOrder.objects.order_by("number")
    assert [o.external_id for o in orders] == ["EXT-1", "EXT-2"]
    first = orders[0]
    assert first.lines.count() == 2 and first.status == SalesOrder.Status.DRAFT
    assert first.lines.get(line_no=2).unit_price_amount == Decimal("30.00")
    assert str(first.requested_delivery_on) == "2026-12-01"


def test_a_gbk_file_with_chinese_headers_is_read(users, customer, products):
    customer.name = "华东贸易"
    rows = [f"外-1,{customer.code},{products[0].sku},2,,"]
    batch = upload(users, csv_file(ZH_HEADER, rows, encoding="gbk"))
    assert batch.status == Status.READY, batch.errors
    assert batch.encoding == "gb18030"
    confirm(batch)
    assert SalesOrder.objects.get().external_id == "外-1"


def test_an_xlsx_file_is_read(users, customer, products):
    book = openpyxl.Workbook()
    book.active.append(["External order number", "Customer code", "SKU", "Quantity"])
    book.active.append(["X-1", customer.code, products[0].sku, 4])
    buffer = io.BytesIO()
    book.save(buffer)
    batch = upload(users, buffer.getvalue())
    assert batch.status == Status.READY, batch.errors
    confirm(batch)
    assert SalesOrder.objects.get().lines.get().quantity == 4


def test_missing_columns_are_named(users, customer, products):
    batch = upload(users, csv_file("External order number,SKU", [f"E,{products[0].sku}"]))
    assert batch.status == Status.INVALID
    assert errors_of(batch) == [
        (1, "Customer code", "", "This column is missing."),
        (1, "Quantity", "", "This column is missing."),
    ]


def test_bad_numbers_and_dates_are_row_errors_and_nothing_is_written(
    users, customer, products, good_rows
):
    rows = [
        *good_rows,
        f"EXT-3,{customer.code},{products[0].sku},two,,",
        f"EXT-4,{customer.code},{products[0].sku},1.5,,",
        f"EXT-5,{customer.code},{products[0].sku},1,abc,",
        f"EXT-6,{customer.code},{products[0].sku},1,,31/12/2026",
    ]
    batch = upload(users, csv_file(EN_HEADER, rows))
    assert batch.status == Status.INVALID
    assert errors_of(batch) == [
        (5, "Quantity", "two", "Not a number."),
        (6, "Quantity", "1.5", "A whole number above zero."),
        (7, "Unit price", "abc", "Not a number."),
        (8, "Requested delivery date", "31/12/2026", "Not a date (write 2026-03-31)."),
    ]
    with pytest.raises(Exception, match="cannot be imported|only a checked file"):
        import_confirm_start(batch_id=batch.pk, actor=users["sales"])
    assert not SalesOrder.objects.exists()


def test_unknown_skus_and_customers_are_row_errors(users, customer, products, good_rows):
    other = CustomerFactory(code="NOT-MINE")  # exists, but not the sales user's
    rows = [
        *good_rows,
        f"EXT-3,NOBODY,{products[0].sku},1,,",
        f"EXT-4,{other.code},{products[0].sku},1,,",
        f"EXT-5,{customer.code},NO-SKU,1,,",
    ]
    batch = upload(users, csv_file(EN_HEADER, rows))
    assert errors_of(batch) == [
        (5, "Customer code", "NOBODY", "No customer with this code that you may order for."),
        (6, "Customer code", "NOT-MINE", "No customer with this code that you may order for."),
        (7, "SKU", "NO-SKU", "No active product with this SKU."),
    ]
    assert not SalesOrder.objects.exists()


def test_duplicate_external_numbers_in_the_file_and_in_the_database(
    users, customer, products, good_rows
):
    confirm(upload(users, csv_file(EN_HEADER, good_rows[2:])))  # EXT-2 imported before
    existing = SalesOrder.objects.get().number
    rows = [*good_rows, f"EXT-1,{customer.code},{products[2].sku},1,,"]
    batch = upload(users, csv_file(EN_HEADER, rows))
    assert errors_of(batch) == [
        (4, "External order number", "EXT-2", f"Already imported as order {existing}."),
        (
            5,
            "External order number",
            "EXT-1",
            "Order EXT-1 appears again after other orders (first at row 2).",
        ),
    ]
    assert SalesOrder.objects.count() == 1


def test_reimporting_the_same_file_creates_no_duplicates(users, good_rows):
    content = csv_file(EN_HEADER, good_rows)
    confirm(upload(users, content))
    again = upload(users, content)
    assert again.status == Status.INVALID
    assert {e["message"].split(" order ")[0] for e in again.errors} == {"Already imported as"}
    assert SalesOrder.objects.count() == 2


def test_a_formula_cell_is_refused(users, customer, products):
    header = EN_HEADER + ",Note"
    rows = [f'EXT-1,{customer.code},{products[0].sku},1,,,"=HYPERLINK(""http://x"",""y"")"']
    batch = upload(users, csv_file(header, rows))
    [(row, column, value, message)] = errors_of(batch)
    assert (row, column) == (2, "Note") and value.startswith("=HYPERLINK")
    assert "formula" in message
    assert not SalesOrder.objects.exists()


def test_a_header_that_differs_within_an_order_is_refused(users, customer, products):
    other = CustomerFactory(sales_rep=users["sales"])
    rows = [
        f"EXT-1,{customer.code},{products[0].sku},1,,",
        f"EXT-1,{other.code},{products[1].sku},1,,",
    ]
    batch = upload(users, csv_file(EN_HEADER, rows))
    assert errors_of(batch) == [
        (3, "Customer code", other.code, "Differs from row 2 of the same order.")
    ]


def test_a_file_that_changed_under_the_preview_writes_nothing(users, customer, products, good_rows):
    batch = upload(users, csv_file(EN_HEADER, good_rows))
    Product.objects.filter(pk=products[2].pk).update(is_active=False)
    batch = confirm(batch)
    assert batch.status == Status.INVALID
    assert not SalesOrder.objects.exists()


def test_imported_orders_are_submitted_in_bulk(users, good_rows):
    batch = confirm(upload(users, csv_file(EN_HEADER, good_rows)))
    result = import_orders_submit(batch_id=batch.pk, actor=users["sales"])
    assert len(result.submitted) == 2 and result.refused == []
    # EXT-1's typed price is 15 % under the list price: it waits for an approver.
    assert dict(SalesOrder.objects.values_list("external_id", "status")) == {
        "EXT-1": "pending_approval",
        "EXT-2": "approved",
    }
    assert StockLevel.objects.filter(reserved__gt=0).count() == 3


def test_customers_are_created_and_updated(users, customer):
    content = csv_file(
        "客户编码,客户名称,等级,信用额度",
        [f"{customer.code},改名公司,A,5000", "NEW-1,新客户,B,"],
    )
    batch = upload(users, content, kind=Kind.CUSTOMERS, actor=users["admin"])
    assert batch.status == Status.READY, batch.errors
    assert [o for _, o in batch.outcomes] == ["Update", "New"]
    confirm(batch)
    customer.refresh_from_db()
    assert customer.name == "改名公司" and customer.credit_limit_amount == Decimal("5000.00")
    assert Customer.objects.get(code="NEW-1").name == "新客户"


def test_products_with_an_unknown_category_write_nothing(users):
    content = csv_file(
        "SKU,Product name,Category code,List price",
        ["P-1,Bolt,GEN,1.50", "P-2,Nut,NOPE,0.80", "P-1,Again,GEN,1"],
    )
    from tests.factories import CategoryFactory

    CategoryFactory()
    batch = upload(users, content, kind=Kind.PRODUCTS, actor=users["admin"])
    assert errors_of(batch) == [
        (3, "Category code", "NOPE", "No category with this code."),
        (4, "SKU", "P-1", "Also on row 2 of this file."),
    ]
    assert not Product.objects.filter(sku__startswith="P-").exists()


def test_opening_stock_is_booked_once(users, warehouse):
    from tests.factories import ProductFactory

    product = ProductFactory(sku="OPEN-1")
    content = csv_file("SKU,Warehouse code,Quantity", [f"{product.sku},{warehouse.code},40"])
    batch = confirm(upload(users, content, kind=Kind.OPENING_STOCK, actor=users["admin"]))
    assert batch.status == Status.DONE
    assert StockLevel.objects.get(product=product).on_hand == 40
    again = upload(users, content, kind=Kind.OPENING_STOCK, actor=users["admin"])
    assert again.status == Status.INVALID
    assert StockLevel.objects.get(product=product).on_hand == 40


def test_an_unreadable_file_is_one_clear_error(users):
    batch = upload(users, b"\xff\xfe\x00garbage\x81\x00")
    assert batch.status == Status.INVALID
    assert "neither CSV" in batch.errors[0]["message"]
