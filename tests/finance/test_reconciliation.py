"""Bank statement import and automatic reconciliation: reference, exact amount, oldest
first, ambiguous cases left for the workbench, the same statement twice, bad files."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from customers.models import Customer
from finance.errors import (
    AllocationTooLarge,
    StatementColumnMissing,
    StatementEncodingUnknown,
    StatementValueInvalid,
)
from finance.models import (
    BankStatement,
    BankStatementLine,
    Invoice,
    Payment,
    PaymentAllocation,
)
from finance.services import (
    bank_statement_import,
    payment_unallocate,
    statement_line_accept,
    statement_line_post,
)
from orders.models import SalesOrder
from tests.factories import CustomerFactory
from tests.finance.conftest import csv_statement

Status = BankStatementLine.Status
Rule = BankStatementLine.Rule


def do_import(bank_account, content: bytes, actor, file_name="statement.csv"):
    return bank_statement_import(
        bank_account_id=bank_account.pk, file_name=file_name, content=content, actor=actor
    )


def money_state():
    return (
        Payment.objects.count(),
        PaymentAllocation.objects.count(),
        BankStatementLine.objects.count(),
        BankStatement.objects.count(),
        list(Invoice.objects.order_by("pk").values_list("allocated_amount", "status")),
        list(
            Customer.objects.order_by("pk").values_list(
                "receivable_amount", "unallocated_payment_amount"
            )
        ),
    )


def test_reference_match_posts_the_payment_and_settles_the_named_invoice(
    users, customer, issue_invoice, bank_account
):
    older = issue_invoice(10)
    named = issue_invoice(20)
    content = csv_statement(
        [("2026-11-20", str(named.total_amount), "某某贸易", "622800001", f"货款 {named.number}")]
    )
    result = do_import(bank_account, content, users["finance"])

    assert (result.is_new, result.lines_created, result.posted, result.waiting) == (True, 1, 1, 0)
    line = BankStatementLine.objects.get()
    assert (line.status, line.rule, line.confidence) == (Status.POSTED, Rule.REFERENCE, 100)
    named.refresh_from_db()
    older.refresh_from_db()
    assert named.status == Invoice.Status.PAID
    assert older.allocated_amount == Decimal("0.00")
    assert line.payment.customer == customer
    assert line.payment.received_on.isoformat() == "2026-11-20"


def test_order_number_in_the_reference_settles_that_orders_invoice(
    users, issue_invoice, bank_account
):
    invoice = issue_invoice(3)
    content = csv_statement(
        [("2026-11-20", str(invoice.total_amount), "x", "", f"PO {invoice.order.number}")]
    )
    result = do_import(bank_account, content, users["finance"])
    assert result.posted == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_exact_amount_of_one_open_invoice_posts_automatically(
    users, customer, issue_invoice, bank_account
):
    issue_invoice(10)
    exact = issue_invoice(7)
    content = csv_statement(
        [("2026-11-21", str(exact.total_amount), customer.name, "622800002", "货款")]
    )
    result = do_import(bank_account, content, users["finance"])

    line = BankStatementLine.objects.get()
    assert (result.posted, line.rule, line.confidence) == (1, Rule.EXACT_AMOUNT, 90)
    exact.refresh_from_db()
    assert exact.status == Invoice.Status.PAID


def test_oldest_first_is_suggested_and_posts_partial_allocations_when_accepted(
    users, customer, issue_invoice, bank_account
):
    first = issue_invoice(10)  # 401.15
    second = issue_invoice(20)  # 802.30
    third = issue_invoice(15)
    amount = first.total_amount + Decimal("100.00")
    content = csv_statement([("2026-11-21", str(amount), customer.name, "", "货款")])
    result = do_import(bank_account, content, users["finance"])

    line = BankStatementLine.objects.get()
    assert (result.posted, result.waiting) == (0, 1)
    assert (line.status, line.rule, line.confidence) == (Status.SUGGESTED, Rule.OLDEST_FIRST, 60)
    assert line.suggestion == [
        {"invoice": first.pk, "amount": str(first.total_amount)},
        {"invoice": second.pk, "amount": "100.00"},
    ]
    assert Payment.objects.count() == 0

    statement_line_accept(line_id=line.pk, actor=users["finance"])
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.status == Invoice.Status.PAID
    assert (second.status, second.allocated_amount) == (
        Invoice.Status.PARTIALLY_PAID,
        Decimal("100.00"),
    )
    assert third.allocated_amount == Decimal("0.00")


def test_oldest_first_posts_by_itself_when_the_account_trusts_it(
    users, customer, issue_invoice, bank_account
):
    bank_account.auto_post_confidence = 60
    bank_account.save()
    first = issue_invoice(10)
    issue_invoice(20)
    amount = first.total_amount + Decimal("0.85")
    do_import(
        bank_account,
        csv_statement([("2026-11-21", str(amount), customer.name, "", "")]),
        users["finance"],
    )
    first.refresh_from_db()
    assert first.status == Invoice.Status.PAID
    assert Payment.objects.get().unallocated_amount == Decimal("0.00")


def test_two_invoices_of_the_same_amount_are_left_for_the_workbench(
    users, customer, issue_invoice, bank_account
):
    one = issue_invoice(10)
    issue_invoice(10)
    content = csv_statement([("2026-11-21", str(one.total_amount), customer.name, "", "")])
    result = do_import(bank_account, content, users["finance"])

    line = BankStatementLine.objects.get()
    assert (result.posted, line.status, line.rule, line.confidence) == (
        0,
        Status.SUGGESTED,
        Rule.AMBIGUOUS,
        30,
    )
    assert Payment.objects.count() == 0


def test_an_unknown_payer_waits_unmatched_and_is_posted_by_hand_with_a_split(
    users, customer, issue_invoice, bank_account
):
    first = issue_invoice(10)
    second = issue_invoice(20)
    content = csv_statement([("2026-11-21", "600.00", "不认识的公司", "", "")])
    do_import(bank_account, content, users["finance"])
    line = BankStatementLine.objects.get()
    assert (line.status, line.customer) == (Status.UNMATCHED, None)

    statement_line_post(
        line_id=line.pk,
        customer_id=customer.pk,
        allocations=[(first.pk, Decimal("300.00")), (second.pk, Decimal("250.00"))],
        actor=users["finance"],
    )
    line.refresh_from_db()
    assert line.status == Status.POSTED
    assert line.payment.allocated_amount == Decimal("550.00")
    assert line.payment.unallocated_amount == Decimal("50.00")
    customer.refresh_from_db()
    assert customer.unallocated_payment_amount == Decimal("50.00")


def test_a_hand_allocation_larger_than_the_invoice_owes_changes_nothing(
    users, customer, issue_invoice, bank_account
):
    invoice = issue_invoice(10)
    do_import(
        bank_account, csv_statement([("2026-11-21", "900.00", "陌生", "", "")]), users["finance"]
    )
    line = BankStatementLine.objects.get()
    before = money_state()
    with pytest.raises(AllocationTooLarge):
        statement_line_post(
            line_id=line.pk,
            customer_id=customer.pk,
            allocations=[(invoice.pk, Decimal("500.00"))],
            actor=users["finance"],
        )
    assert money_state() == before


def test_a_payer_account_seen_before_is_recognised(users, customer, issue_invoice, bank_account):
    first = issue_invoice(10)
    second = issue_invoice(12)
    do_import(
        bank_account,
        csv_statement([("2026-11-20", str(first.total_amount), "张三", "6228-77", first.number)]),
        users["finance"],
    )
    do_import(
        bank_account,
        csv_statement([("2026-11-22", str(second.total_amount), "张三", "6228-77", "")]),
        users["finance"],
    )
    line = BankStatementLine.objects.order_by("pk").last()
    assert (line.customer, line.rule, line.status) == (customer, Rule.EXACT_AMOUNT, Status.POSTED)


def test_importing_the_same_statement_twice_changes_nothing_the_second_time(
    users, customer, issue_invoice, bank_account
):
    invoice = issue_invoice(10)
    content = csv_statement(
        [
            ("2026-11-20", str(invoice.total_amount), customer.name, "", invoice.number),
            ("2026-11-20", "123.00", "陌生", "", ""),
            ("2026-11-20", "-50.00", "电费", "", "代扣"),
        ]
    )
    first = do_import(bank_account, content, users["finance"])
    assert (first.lines_created, first.posted, first.waiting) == (3, 1, 1)
    before = money_state()

    again = do_import(bank_account, content, users["finance"], file_name="again.csv")
    assert (again.is_new, again.lines_created) == (False, 0)
    assert money_state() == before


def test_an_overlapping_export_stores_only_its_new_lines(users, customer, bank_account):
    day_one = [("2026-11-20", "10.00", "甲", "", "a"), ("2026-11-20", "10.00", "甲", "", "a")]
    do_import(bank_account, csv_statement(day_one), users["finance"])
    both_days = [*day_one, ("2026-11-21", "20.00", "乙", "", "b")]
    result = do_import(bank_account, csv_statement(both_days), users["finance"])
    assert result.lines_created == 1
    assert BankStatementLine.objects.count() == 3


def test_gbk_and_xlsx_statements_are_read(users, customer, issue_invoice, bank_account):
    invoice = issue_invoice(10)
    gbk = csv_statement(
        [("2026/11/20", str(invoice.total_amount), customer.name, "", "货款")], encoding="gbk"
    )
    assert do_import(bank_account, gbk, users["finance"]).posted == 1

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["中国建设银行 账户明细"])
    sheet.append(["记账日期", "交易金额", "对方户名", "附言"])
    sheet.append(["2026-11-22", 88.5, "乙公司", "预付款"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = do_import(bank_account, buffer.getvalue(), users["finance"], file_name="ccb.xlsx")
    line = BankStatementLine.objects.get(statement=result.statement)
    assert (line.amount, line.counterparty_name, line.reference) == (
        Decimal("88.50"),
        "乙公司",
        "预付款",
    )


def test_the_saved_column_mapping_of_the_account_is_used(users, bank_account):
    bank_account.column_mapping = {"booked_on": "Buchungstag", "amount": "Betrag"}
    bank_account.save()
    content = b"Buchungstag,Betrag,Text\n2026-11-20,12.30,x\n"
    result = do_import(bank_account, content, users["finance"])
    assert BankStatementLine.objects.get(statement=result.statement).amount == Decimal("12.30")


def test_a_statement_without_an_amount_column_is_refused_and_changes_nothing(users, bank_account):
    before = money_state()
    content = "交易日期,对方户名,摘要\n2026-11-20,甲,货款\n".encode()
    with pytest.raises(StatementColumnMissing) as refused:
        do_import(bank_account, content, users["finance"])
    assert "amount" in str(refused.value)
    assert money_state() == before


def test_a_file_in_an_unknown_encoding_is_refused_and_changes_nothing(users, bank_account):
    before = money_state()
    content = "交易日期,贷方发生额\n2026-11-20,1.00\n".encode("utf-16")
    with pytest.raises(StatementEncodingUnknown):
        do_import(bank_account, content, users["finance"])
    assert money_state() == before


def test_a_bad_amount_names_its_row_and_changes_nothing(users, bank_account):
    before = money_state()
    content = "交易日期,交易金额\n2026-11-20,1.00\n2026-11-21,一百\n".encode()
    with pytest.raises(StatementValueInvalid) as refused:
        do_import(bank_account, content, users["finance"])
    assert "Row 3" in str(refused.value)
    assert money_state() == before


def test_statement_errors_are_translated(users, bank_account):
    with translation.override("zh-hans"):
        with pytest.raises(StatementColumnMissing) as refused:
            do_import(bank_account, "交易日期,摘要\n2026-11-20,x\n".encode(), users["finance"])
        assert "没有" in str(refused.value)


def test_unallocating_reopens_the_invoice_and_keeps_the_record(
    users, customer, issue_invoice, bank_account
):
    invoice = issue_invoice(10)
    do_import(
        bank_account,
        csv_statement([("2026-11-20", str(invoice.total_amount), "x", "", invoice.number)]),
        users["finance"],
    )
    allocation = PaymentAllocation.objects.get()
    payment_unallocate(allocation_id=allocation.pk, actor=users["finance"], reason="错付")

    invoice.refresh_from_db()
    allocation.refresh_from_db()
    customer.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert invoice.allocated_amount == Decimal("0.00")
    assert (allocation.reversed_by, allocation.reverse_reason) == (users["finance"], "错付")
    assert allocation.payment.unallocated_amount == invoice.total_amount
    assert customer.receivable_amount == invoice.total_amount
    assert customer.unallocated_payment_amount == invoice.total_amount
    assert allocation.history.count() == 2
    order = SalesOrder.objects.get(pk=invoice.order_id)
    assert order.paid_amount == Decimal("0.00")


def test_a_customer_with_a_twin_name_is_not_guessed(users, issue_invoice, bank_account, customer):
    CustomerFactory(name=customer.name.upper() + " ")
    CustomerFactory(name="重名公司")
    CustomerFactory(name="重名公司")
    do_import(
        bank_account, csv_statement([("2026-11-20", "10.00", "重名公司", "", "")]), users["finance"]
    )
    assert BankStatementLine.objects.get().customer is None
