"""The statement import page, the workbench (htmx), unallocation, credit notes, receivables."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from finance.models import BankStatement, BankStatementLine, CreditNote, Payment, PaymentAllocation
from finance.services import bank_statement_import
from tests.finance.conftest import csv_statement


@pytest.fixture
def finance_client(client, users):
    client.force_login(users["finance"])
    return client


def upload(content: bytes, name="statement.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_import_page_posts_confident_lines_and_sends_finance_to_the_workbench(
    finance_client, customer, issue_invoice, bank_account
):
    invoice = issue_invoice(10)
    content = csv_statement(
        [
            ("2026-11-20", str(invoice.total_amount), "x", "", invoice.number),
            ("2026-11-20", "77.00", "陌生", "", ""),
        ]
    )
    response = finance_client.post(
        reverse("finance:statements"), {"bank_account": bank_account.pk, "file": upload(content)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:workbench")
    page = finance_client.get(reverse("finance:workbench"))
    assert "1 waiting in the workbench" in str(list(page.context["messages"])[0])
    assert [row[0].line.amount for row in page.context["rows"]] == [Decimal("77.00")]


def test_a_statement_without_an_amount_column_is_refused_with_a_message(
    finance_client, bank_account
):
    content = "交易日期,对方户名\n2026-11-20,甲\n".encode()
    response = finance_client.post(
        reverse("finance:statements"), {"bank_account": bank_account.pk, "file": upload(content)}
    )
    assert response.status_code == 422
    assert "has no “amount” column" in response.context["error"]
    assert BankStatement.objects.count() == 0


def test_workbench_posts_a_split_by_htmx_and_refuses_too_much(
    finance_client, users, customer, issue_invoice, bank_account
):
    first = issue_invoice(10)
    second = issue_invoice(5)
    bank_statement_import(
        bank_account_id=bank_account.pk,
        file_name="s.csv",
        content=csv_statement([("2026-11-20", "500.00", "陌生", "", "")]),
        actor=users["finance"],
    )
    line = BankStatementLine.objects.get()
    url = reverse("finance:workbench_post", args=[line.pk])
    prefix = f"l{line.pk}"
    too_much = {
        f"{prefix}-customer": customer.pk,
        f"{prefix}-amount_{first.pk}": "450.00",
    }
    response = finance_client.post(url, too_much, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "more than the invoice still owes" in response.content.decode()
    assert Payment.objects.count() == 0

    split = {
        f"{prefix}-customer": customer.pk,
        f"{prefix}-amount_{first.pk}": str(first.total_amount),
        f"{prefix}-amount_{second.pk}": "50.00",
    }
    response = finance_client.post(url, split, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "workbench-changed"
    assert 'data-testid="line-done"' in response.content.decode()
    payment = Payment.objects.get()
    assert payment.allocated_amount == first.total_amount + Decimal("50.00")


def test_workbench_fetches_the_same_number_of_queries_for_more_lines(
    finance_client, users, customer, issue_invoice, bank_account, django_assert_max_num_queries
):
    issue_invoice(10)
    issue_invoice(20)

    def make(count, start):
        rows = [(f"2026-11-{start + n:02d}", "1.23", customer.name, "", "") for n in range(count)]
        bank_statement_import(
            bank_account_id=bank_account.pk,
            file_name=f"{start}.csv",
            content=csv_statement(rows),
            actor=users["finance"],
        )

    make(2, 1)
    with django_assert_max_num_queries(40) as few:
        finance_client.get(reverse("finance:workbench"))
    make(6, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = finance_client.get(reverse("finance:workbench"))
    assert len(response.context["rows"]) == 8


def test_unallocate_from_the_payment_page_needs_a_reason(
    finance_client, users, customer, issue_invoice
):
    from finance.services import payment_record

    invoice = issue_invoice(10)
    payment = payment_record(
        customer=customer, amount=invoice.total_amount, actor=users["finance"], allocate_to=invoice
    )
    allocation = PaymentAllocation.objects.get()
    url = reverse("finance:allocation_reverse", args=["payment", allocation.pk])
    back = reverse("finance:payment", args=[payment.pk])
    finance_client.post(url, {"reason": "", "next": back})
    allocation.refresh_from_db()
    assert allocation.is_reversed is False

    response = finance_client.post(url, {"reason": "客户付错", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    allocation.refresh_from_db()
    assert allocation.is_reversed is True
    page = finance_client.get(back).content.decode()
    assert "taken back by finance" in page


def test_credit_note_from_the_invoice_page(finance_client, customer, issue_invoice):
    invoice = issue_invoice(10)
    page = finance_client.get(reverse("finance:invoice", args=[invoice.pk])).content.decode()
    assert 'data-testid="new-credit-note"' in page
    response = finance_client.post(
        reverse("finance:credit_note_create", args=[invoice.pk]),
        {"amount": "-1", "reason": "price_adjustment"},
    )
    assert response.status_code == 422
    assert CreditNote.objects.count() == 0
    response = finance_client.post(
        reverse("finance:credit_note_create", args=[invoice.pk]),
        {"amount": "11.30", "reason": "price_adjustment", "note": "折让"},
    )
    note = CreditNote.objects.get()
    assert response["Location"] == reverse("finance:credit_note", args=[note.pk])
    assert note.allocated_amount == Decimal("11.30")


def test_receivables_page_and_drill_down(finance_client, customer, issue_invoice):
    invoice = issue_invoice(10)
    page = finance_client.get(reverse("finance:receivables"))
    assert page.status_code == 200
    assert page.context["ageing"].totals.total == invoice.total_amount
    for by in ("sales_rep", "team"):
        assert finance_client.get(reverse("finance:receivables"), {"by": by}).status_code == 200
    drill = finance_client.get(
        reverse("finance:ageing_invoices"), {"by": "customer", "key": customer.pk, "bucket": ""}
    )
    assert [i.pk for i in drill.context["invoices"]] == [invoice.pk]


def test_sales_users_do_not_reach_the_workbench_or_receivables(client, users):
    client.force_login(users["sales"])
    assert client.get(reverse("finance:workbench")).status_code == 403
    assert client.get(reverse("finance:receivables")).status_code == 403
    assert client.get(reverse("finance:statements")).status_code == 403
