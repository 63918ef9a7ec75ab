"""Demo finance data: a bank account, an imported statement (some lines reconciled by the
matcher, some waiting in the workbench), a credit note and the reminder schedule."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from finance.models import BankAccount, CreditNote, Invoice, ReminderSchedule
from finance.services import bank_statement_import, credit_note_create
from reports.management.demo.masterdata import Directory


def finance_demo_ensure(directory: Directory) -> None:
    """Once: the statement of the main bank account for the last days."""
    if BankAccount.objects.exists():
        return
    finance = directory.users["finance"]
    with transaction.atomic():
        ReminderSchedule.objects.get_or_create(pk=1)
        account = BankAccount.objects.create(
            name="工商银行 上海分行 基本户",
            bank_name="中国工商银行",
            account_number="1001244309300012345",
        )
        open_invoices = list(
            Invoice.objects.filter(status=Invoice.Status.ISSUED)
            .select_related("customer")
            .order_by("due_on", "pk")[:12]
        )
        if len(open_invoices) < 8:
            return
        today = timezone.localdate().isoformat()
        rows = [
            "账号,1001244309300012345",
            "币种,人民币",
            "交易日期,借方发生额,贷方发生额,对方户名,对方账号,摘要",
        ]
        for invoice in open_invoices[:4]:
            rows.append(
                f"{today},,{invoice.total_amount},{invoice.customer.name},,货款 {invoice.number}"
            )
        for invoice in open_invoices[4:6]:
            rows.append(f"{today},,{invoice.total_amount},{invoice.customer.name},,货款")
        rows.append(f"{today},,{open_invoices[6].total_amount},李四个人账户,6222021001,代付货款")
        rows.append(f"{today},,12000.00,{open_invoices[7].customer.name},,预付款")
        rows.append(f"{today},52.00,,中国工商银行,,手续费")
        bank_statement_import(
            bank_account_id=account.pk,
            file_name="工行流水-本周.csv",
            content="\r\n".join(rows).encode("gb18030"),
            actor=finance,
        )
        target = open_invoices[8] if len(open_invoices) > 8 else open_invoices[-1]
        if not CreditNote.objects.exists():
            credit_note_create(
                customer_id=target.customer_id,
                invoice_id=target.pk,
                amount=min(Decimal("226.00"), target.total_amount),
                reason=CreditNote.Reason.PRICE_ADJUSTMENT,
                note="包装破损，协商折让",
                actor=finance,
            )
