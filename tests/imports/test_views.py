"""Import pages: who may use them, upload → preview → confirm, reports and templates."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from orders.imports.models import ImportBatch
from orders.models import SalesOrder

HEADER = "External order number,Customer code,SKU,Quantity\n"


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("orders.csv", text.encode("utf-8"), content_type="text/csv")


def test_roles_see_only_the_import_types_they_may_use(client, users):
    client.force_login(users["sales"])
    page = client.get("/orders/imports/").content.decode()
    assert 'value="orders"' in page and 'value="customers"' not in page
    client.force_login(users["approver"])
    assert client.get("/orders/imports/").status_code == 403
    client.force_login(users["sales"])
    response = client.post(
        "/orders/imports/upload/", {"kind": "customers", "file": csv_upload("x")}
    )
    assert response.status_code == 403


def test_upload_preview_confirm_and_submit(client, users, customer, products):
    client.force_login(users["sales"])
    text = (
        "External order number,Customer code,SKU,Quantity\n"
        f"W-1,{customer.code},{products[0].sku},2\n"
        f"W-1,{customer.code},NOPE,1\n"
    )
    response = client.post("/orders/imports/upload/", {"kind": "orders", "file": csv_upload(text)})
    batch = ImportBatch.objects.get()
    assert response.url == f"/orders/imports/{batch.pk}/"
    page = client.get(response.url).content.decode()
    assert "NOPE" in page and "No active product with this SKU." in page
    report = client.get(f"/orders/imports/{batch.pk}/errors/")
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        (3, "SKU", "NOPE", "No active product with this SKU.")
    ]
    assert client.post(f"/orders/imports/{batch.pk}/confirm/").status_code == 302
    assert not SalesOrder.objects.exists()

    fixed = text.replace("NOPE", products[1].sku)
    response = client.post("/orders/imports/upload/", {"kind": "orders", "file": csv_upload(fixed)})
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch.status == ImportBatch.Status.READY
    client.post(f"/orders/imports/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    order = SalesOrder.objects.get()
    assert order.lines.count() == 2
    client.post(f"/orders/imports/{batch.pk}/submit/")
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.APPROVED


def test_the_status_fragment_is_served_to_htmx(client, users, customer, products):
    client.force_login(users["sales"])
    text = HEADER + f"W-1,{customer.code},{products[0].sku},2\n"
    client.post("/orders/imports/upload/", {"kind": "orders", "file": csv_upload(text)})
    batch = ImportBatch.objects.get()
    fragment = client.get(f"/orders/imports/{batch.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-status"' in fragment and "<html" not in fragment


def test_someone_elses_import_is_not_found(client, users, customer, products):
    client.force_login(users["sales"])
    text = HEADER + f"W-1,{customer.code},{products[0].sku},2\n"
    client.post("/orders/imports/upload/", {"kind": "orders", "file": csv_upload(text)})
    batch = ImportBatch.objects.get()
    client.force_login(users["manager"])
    assert client.get(f"/orders/imports/{batch.pk}/").status_code == 404


def test_templates_list_the_columns_in_the_users_language(client, users):
    client.force_login(users["sales"])
    response = client.get("/orders/imports/template/orders/")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["External order number", "Customer code", "SKU", "Quantity"]
    assert client.get("/orders/imports/template/customers/").status_code == 403
    assert client.get("/orders/imports/template/bogus/").status_code == 404
