"""Credit notes, VAT per category, receivables (ageing, DSO, collections), reminders, PDFs."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from customers.models import CustomerContact
from finance.errors import AmountNotPositive, CreditNoteTooLarge, FinancePermissionDenied
from finance.mailing import overdue_reminder_deliver
from finance.models import (
    CreditNote,
    Invoice,
    OverdueReminder,
    PaymentAllocation,
    ReminderSchedule,
)
from finance.selectors import (
    ar_ageing,
    ar_ageing_invoices,
    collections_expected_by_week,
    customer_balance,
    days_sales_outstanding,
)
from finance.services import (
    CreditLineInput,
    credit_note_create,
    invoice_create,
    invoice_issue,
    overdue_reminders_send,
    payment_record,
)
from inventory.models import ProductCategory
from opms.notifications.models import Notification
from orders.services import order_submit
from tests.conftest import stocked_product
from tests.factories import CustomerFactory

TODAY = date(2026, 11, 25)


def test_vat_comes_from_the_product_category_per_line_rounded_half_up(users, make_order, warehouse):
    food = ProductCategory.objects.create(code="FOOD", name="农产品", vat_rate=Decimal("0.09"))
    service = ProductCategory.objects.create(code="SVC", name="服务", vat_rate=Decimal("0.06"))
    rice = stocked_product(warehouse, 10, category=food, list_price_amount=Decimal("10.05"))
    repair = stocked_product(warehouse, 10, category=service, list_price_amount=Decimal("0.25"))
    order = make_order([(rice, 1), (repair, 1)])
    order_submit(order_id=order.pk, actor=users["sales"])
    invoice = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")

    lines = list(invoice.lines.order_by("pk").values_list("tax_rate", "net_amount", "tax_amount"))
    # 10.05 × 9 % = 0.9045 → 0.90; 0.25 × 6 % = 0.015 → 0.02 (half-up, not banker's)
    assert lines == [
        (Decimal("0.0900"), Decimal("10.05"), Decimal("0.90")),
        (Decimal("0.0600"), Decimal("0.25"), Decimal("0.02")),
    ]
    assert invoice.total_amount == Decimal("11.22")


def test_a_credit_note_for_a_price_adjustment_settles_the_invoice_and_lowers_the_receivable(
    users, customer, issue_invoice
):
    invoice = issue_invoice(10)  # 401.15
    note = credit_note_create(
        customer_id=customer.pk,
        invoice_id=invoice.pk,
        amount=Decimal("113.00"),
        reason=CreditNote.Reason.PRICE_ADJUSTMENT,
        actor=users["finance"],
    )
    assert (note.net_amount, note.tax_amount, note.allocated_amount) == (
        Decimal("100.00"),
        Decimal("13.00"),
        Decimal("113.00"),
    )
    invoice.refresh_from_db()
    customer.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTIALLY_PAID
    assert customer.receivable_amount == Decimal("288.15")
    balance = customer_balance(customer_id=customer.pk)
    assert balance.receivable_amount == Decimal("401.15") - Decimal("113.00")


def test_a_return_credit_note_is_made_once_per_source_and_the_rest_stays_as_credit(
    users, customer, issue_invoice
):
    invoice = issue_invoice(10)
    payment_record(
        customer=customer, amount=invoice.total_amount, actor=users["finance"], allocate_to=invoice
    )
    order_line = invoice.lines.get().order_line
    arguments = {
        "customer_id": customer.pk,
        "order_id": invoice.order_id,
        "invoice_id": invoice.pk,
        "lines": [CreditLineInput(order_line_id=order_line.pk, quantity=2)],
        "reason": CreditNote.Reason.RETURN,
        "source_reference": "RMA-2026-000001",
        "actor": users["finance"],
    }
    first = credit_note_create(**arguments)
    again = credit_note_create(**arguments)

    assert again.pk == first.pk
    assert CreditNote.objects.count() == 1
    assert first.total_amount == Decimal("80.23")  # 71.00 + 9.23
    assert first.allocated_amount == Decimal("0.00")  # the invoice is paid already
    customer.refresh_from_db()
    assert customer.unallocated_payment_amount == Decimal("80.23")


def test_a_credit_note_larger_than_the_invoice_or_not_positive_changes_nothing(
    users, customer, issue_invoice
):
    invoice = issue_invoice(1)
    with pytest.raises(CreditNoteTooLarge):
        credit_note_create(
            customer_id=customer.pk,
            invoice_id=invoice.pk,
            amount=Decimal("1000.00"),
            reason=CreditNote.Reason.OTHER,
            actor=users["finance"],
        )
    with pytest.raises(AmountNotPositive):
        credit_note_create(
            customer_id=customer.pk,
            amount=Decimal("-5"),
            reason=CreditNote.Reason.OTHER,
            actor=users["finance"],
        )
    assert CreditNote.objects.count() == 0


def _invoice_due(issue_invoice, quantity, due_days_ago: int):
    invoice = issue_invoice(quantity, issued_on=TODAY - timedelta(days=30 + due_days_ago))
    assert invoice.due_on == TODAY - timedelta(days=due_days_ago)
    return invoice


def test_ageing_puts_open_amounts_in_their_buckets_by_customer_rep_and_team(
    users, customer, issue_invoice, django_assert_num_queries
):
    current = _invoice_due(issue_invoice, 1, -5)
    early = _invoice_due(issue_invoice, 2, 1)
    late = _invoice_due(issue_invoice, 3, 45)
    ancient = _invoice_due(issue_invoice, 4, 91)
    payment_record(
        customer=customer, amount=Decimal("50.00"), actor=users["finance"], allocate_to=late
    )

    with django_assert_num_queries(1):
        ageing = ar_ageing(by="customer", as_of=TODAY)
    row = ageing.rows[0]
    assert row.buckets == {
        "current": current.total_amount,
        "1_30": early.total_amount,
        "31_60": late.total_amount - Decimal("50.00"),
        "61_90": Decimal("0.00"),
        "over_90": ancient.total_amount,
    }
    assert ageing.totals.total == row.total
    by_rep = ar_ageing(by="sales_rep", as_of=TODAY)
    assert [(r.key, r.total) for r in by_rep.rows] == [(users["sales"].pk, row.total)]
    drill = ar_ageing_invoices(by="customer", key=customer.pk, bucket="over_90", as_of=TODAY)
    assert list(drill) == [ancient]


def test_ageing_with_a_limit_shows_the_most_overdue_first_and_totals_over_everyone(
    users, customer, issue_invoice, django_assert_num_queries
):
    other = CustomerFactory(code="C-LATE", sales_rep=users["sales"])
    third = CustomerFactory(code="C-NONE")  # no rep
    mine = _invoice_due(issue_invoice, 1, 5)
    late = issue_invoice(2, customer_=other, issued_on=TODAY - timedelta(days=30 + 95))
    not_due = issue_invoice(3, customer_=third, issued_on=TODAY)

    with django_assert_num_queries(2):
        ageing = ar_ageing(by="customer", as_of=TODAY, limit=2)
    assert [(row.key, row.overdue, row.invoices) for row in ageing.rows] == [
        (other.pk, late.total_amount, 1),
        (customer.pk, mine.total_amount, 1),
    ]
    assert (ageing.groups, ageing.is_cut) == (3, True)
    assert ageing.totals.total == mine.total_amount + late.total_amount + not_due.total_amount
    assert ageing.totals.buckets["current"] == not_due.total_amount
    assert ageing.totals.invoices == 3
    # A rep's customers; customers without a rep are one "(none)" row by rep.
    of_rep = ar_ageing(as_of=TODAY, sales_rep_id=users["sales"].pk)
    assert {row.key for row in of_rep.rows} == {customer.pk, other.pk}
    by_rep = ar_ageing(by="sales_rep", as_of=TODAY, limit=1)
    assert (len(by_rep.rows), by_rep.groups) == (1, 2)
    assert by_rep.rows[0].key == users["sales"].pk
    assert days_sales_outstanding(as_of=TODAY, customer_id=third.pk) == Decimal("90.0")
    assert days_sales_outstanding(as_of=TODAY, customer_id=other.pk) is None  # issued long ago


def test_the_receivables_page_shows_the_most_overdue_first_and_says_when_it_cuts(
    client, users, customer, issue_invoice, monkeypatch
):
    from finance.views import receivables

    other = CustomerFactory(code="C-LATE", sales_rep=users["sales"])
    _invoice_due(issue_invoice, 1, 5)
    issue_invoice(2, customer_=other, issued_on=TODAY - timedelta(days=30 + 95))
    monkeypatch.setattr(receivables, "AGEING_ROWS", 1)
    client.force_login(users["finance"])
    page = client.get(reverse("finance:receivables")).content.decode()
    assert "C-LATE" in page and customer.code not in page
    assert 'data-testid="ageing-cut"' in page


def test_dso_and_expected_collections(users, customer, issue_invoice, django_assert_num_queries):
    overdue = _invoice_due(issue_invoice, 1, 3)
    this_week = _invoice_due(issue_invoice, 2, -2)
    in_two_weeks = _invoice_due(issue_invoice, 3, -14)

    with django_assert_num_queries(1):
        weeks = collections_expected_by_week(weeks=4, as_of=TODAY)
    assert [(w.starts_on, w.amount) for w in weeks] == [
        (None, overdue.total_amount),
        (date(2026, 11, 23), this_week.total_amount),
        (date(2026, 11, 30), Decimal("0.00")),
        (date(2026, 12, 7), in_two_weeks.total_amount),
        (date(2026, 12, 14), Decimal("0.00")),
    ]
    # All three issued within the last 90 days and all open: DSO = 90 days.
    assert days_sales_outstanding(days=90, as_of=TODAY) == Decimal("90.0")


def test_overdue_reminders_go_once_per_step_to_the_billing_contact_and_the_rep(
    users, customer, issue_invoice, django_capture_on_commit_callbacks
):
    users["sales"].email = "rep@example.com"
    users["sales"].save()
    CustomerContact.objects.create(
        customer=customer, name="王会计", email="billing@example.com", is_billing=True
    )
    ReminderSchedule.objects.create(days_overdue="1,15,30")
    invoice = _invoice_due(issue_invoice, 1, 16)
    _invoice_due(issue_invoice, 1, -3)  # not due yet

    pending = overdue_reminders_send(as_of=TODAY)
    assert overdue_reminders_send(as_of=TODAY) == pending
    reminder = OverdueReminder.objects.get()
    assert (reminder.invoice, reminder.days_overdue) == (invoice, 15)

    assert overdue_reminder_deliver(reminder_id=reminder.pk) is True
    assert overdue_reminder_deliver(reminder_id=reminder.pk) is False
    assert overdue_reminders_send(as_of=TODAY) == []
    assert [m.to for m in mail.outbox] == [["billing@example.com"]]
    customer_mail = mail.outbox[0]
    assert invoice.number in customer_mail.subject
    assert customer_mail.attachments[0][0] == f"{invoice.number}.pdf"
    rep_notes = Notification.objects.filter(recipient=users["sales"], event="overdue_invoice")
    assert list(rep_notes.values_list("key", flat=True)) == [f"overdue:{invoice.number}:15"]


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return "".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_invoice_and_statement_pdfs_carry_the_chinese_text_and_the_totals(
    client, users, customer, issue_invoice, tmp_path
):
    invoice = issue_invoice(10)
    credit_note_create(
        customer_id=customer.pk, amount=Decimal("20.00"), reason="other", actor=users["finance"]
    )
    client.force_login(users["finance"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    invoice_text = _pdf_text(client.get(f"/finance/invoices/{invoice.pk}/pdf/").content, tmp_path)
    assert customer.name in invoice_text
    assert "401.15" in invoice_text
    assert "深沟球轴承" in invoice_text or "产品" in invoice_text

    response = client.get(f"/finance/customers/{customer.pk}/statement.pdf")
    assert response["Content-Type"] == "application/pdf"
    statement_text = _pdf_text(response.content, tmp_path)
    assert customer.name in statement_text
    assert invoice.number in statement_text
    assert "381.15" in statement_text  # 401.15 open − 20.00 credit note


def test_a_foreign_currency_payment_records_its_rate_and_the_exchange_difference(
    users, make_order, products
):
    buyer = CustomerFactory(
        currency="USD", sales_rep=users["sales"], credit_limit_amount=Decimal("1000000")
    )
    order = make_order([(products[1], 10)], customer_=buyer)
    order_submit(order_id=order.pk, actor=users["sales"])
    draft = invoice_create(order_id=order.pk, actor=users["finance"], basis="ordered")
    invoice = invoice_issue(
        invoice_id=draft.pk, actor=users["finance"], exchange_rate=Decimal("7.000000")
    )
    payment = payment_record(
        customer=buyer,
        amount=Decimal("100.00"),
        currency="USD",
        exchange_rate=Decimal("7.125000"),
        actor=users["finance"],
        allocate_to=invoice,
    )
    allocation = PaymentAllocation.objects.get(payment=payment)
    assert (invoice.currency, payment.currency, payment.exchange_rate) == (
        "USD",
        "USD",
        Decimal("7.125000"),
    )
    assert allocation.exchange_difference_amount == Decimal("12.50")  # 100 × (7.125 − 7.000)


def test_a_return_received_by_the_warehouse_credits_the_invoice_by_system(
    users, customer, issue_invoice
):
    invoice = issue_invoice(4)
    order_line = invoice.lines.get().order_line
    with pytest.raises(FinancePermissionDenied):
        credit_note_create(
            customer_id=customer.pk,
            invoice_id=invoice.pk,
            lines=[CreditLineInput(order_line_id=order_line.pk, quantity=1)],
            reason=CreditNote.Reason.RETURN,
            source_reference="RMA-2026-000009",
            actor=users["warehouse"],
        )
    note = credit_note_create(
        customer_id=customer.pk,
        invoice_id=invoice.pk,
        lines=[CreditLineInput(order_line_id=order_line.pk, quantity=1)],
        reason=CreditNote.Reason.RETURN,
        source_reference="RMA-2026-000009",
        actor=users["warehouse"],
        by_system=True,
    )
    assert (note.created_by, note.total_amount, note.allocated_amount) == (
        users["warehouse"],
        Decimal("40.12"),  # 35.50 + 13 % of it (4.615, half-up to 4.62)
        Decimal("40.12"),
    )
