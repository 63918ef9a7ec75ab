"""Bank statements: read a bank's CSV or XLSX export, store its lines once, reconcile them.

Reading happens before any write, so a file with a missing column, a bad value or an
unknown encoding changes nothing. The same file (or the same lines in a later,
overlapping export) is never stored twice: a fingerprint per line is unique per account.
"""

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import openpyxl
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from finance.errors import (
    ReconciliationSplitTooLarge,
    StatementColumnMissing,
    StatementEmpty,
    StatementEncodingUnknown,
    StatementLineNotWaiting,
    StatementValueInvalid,
)
from finance.models import BankAccount, BankStatement, BankStatementLine, Invoice
from finance.selectors.matching import StatementMatch, statement_line_match
from finance.services.allocation import payment_allocate, payment_record
from finance.services.invoicing import require_permission
from opms.core.errors import DomainError
from opms.core.money import ZERO, round_money

# The headers Chinese banks (ICBC, CCB, BOC, ABC, CMB…) use, per field OPMS reads.
DEFAULT_HEADERS = {
    "booked_on": ["交易日期", "记账日期", "入账日期", "交易时间", "日期", "Date", "Booking date"],
    "amount": ["交易金额", "发生额", "金额", "Amount"],
    "credit": ["贷方发生额", "贷方金额", "收入金额", "收入", "Credit"],
    "debit": ["借方发生额", "借方金额", "支出金额", "支出", "Debit"],
    "counterparty": [
        "对方户名",
        "对方账户名称",
        "对方名称",
        "付款人名称",
        "对方单位",
        "Counterparty",
    ],
    "account": ["对方账号", "对方账户", "付款人账号", "Counterparty account"],
    "reference": ["摘要", "用途", "附言", "交易附言", "备注", "Reference", "Memo"],
}
FIELD_LABELS = {
    "booked_on": _("date"),
    "amount": _("amount"),
    "credit": _("credit amount"),
    "debit": _("debit amount"),
    "counterparty": _("counterparty"),
    "account": _("counterparty account"),
    "reference": _("reference"),
}
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日"]


@dataclass(frozen=True)
class StatementRow:
    row: int
    booked_on: date
    amount: Decimal
    counterparty_name: str
    counterparty_account: str
    reference: str


@dataclass(frozen=True)
class StatementImport:
    statement: BankStatement
    is_new: bool
    lines_created: int
    posted: int
    waiting: int


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8"), "utf-8"
    if b"\x00" in content:
        raise StatementEncodingUnknown()
    for encoding in ("utf-8", "gb18030"):
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise StatementEncodingUnknown()


def _table(content: bytes, file_name: str) -> tuple[list[list], str]:
    if content.startswith(b"PK\x03\x04") or file_name.lower().endswith(".xlsx"):
        return _xlsx_rows(content), "xlsx"
    text, encoding = _decode(content)
    dialect = "excel-tab" if text.count("\t") > text.count(",") else "excel"
    return [row for row in csv.reader(io.StringIO(text), dialect=dialect)], encoding


def _xlsx_rows(content: bytes) -> list[list]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as unreadable:  # openpyxl raises many kinds for a damaged file
        raise StatementEncodingUnknown() from unreadable
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _cell(value) -> str:
    if value is None:
        return ""
    return str(value).strip().lstrip("\ufeff")


def _header_find(rows: list[list], mapping: dict) -> tuple[int, dict[str, int]]:
    """The first row naming a date and an amount (or credit) column; banks put an account
    summary above it. Returns its index and field → column index."""
    wanted = {
        name: ([mapping[name]] if mapping.get(name) else headers)
        for name, headers in DEFAULT_HEADERS.items()
    }
    for index, row in enumerate(rows[:30]):
        cells = [_cell(value) for value in row]
        columns = {}
        for name, headers in wanted.items():
            for header in headers:
                if header in cells:
                    columns[name] = cells.index(header)
                    break
        if "booked_on" in columns and ("amount" in columns or "credit" in columns):
            return index, columns
    seen_headers = {_cell(value) for row in rows[:30] for value in row}
    missing = "booked_on" if not seen_headers.intersection(wanted["booked_on"]) else "amount"
    raise StatementColumnMissing(field=FIELD_LABELS[missing], headers="、".join(wanted[missing]))


def _amount(value, row: int, name: str) -> Decimal:
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        # Excel stores numbers as binary floats; their shortest text is what the bank wrote.
        return Decimal(repr(value))
    text = re.sub(r"[,\s¥￥元]", "", _cell(value)).replace("+", "")
    if text in ("", "-", "--"):
        return ZERO
    try:
        return Decimal(text)
    except InvalidOperation as invalid:
        raise StatementValueInvalid(row=row, value=_cell(value), field=FIELD_LABELS[name]) from (
            invalid
        )


def _date(value, row: int) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell(value)[:19]
    for candidate in (text, text[:10], text[:8]):
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(candidate, pattern).date()  # noqa: DTZ007 - a date
            except ValueError:
                continue
    raise StatementValueInvalid(row=row, value=_cell(value), field=FIELD_LABELS["booked_on"])


def statement_rows(*, content: bytes, file_name: str, mapping: dict) -> tuple[list, str]:
    """Read a statement file into rows (incoming money positive). Raises
    StatementEncodingUnknown, StatementColumnMissing, StatementValueInvalid, StatementEmpty."""
    table, encoding = _table(content, file_name)
    header_index, columns = _header_find(table, mapping or {})
    rows = []
    for offset, raw in enumerate(table[header_index + 1 :], start=header_index + 2):
        cells = list(raw) + [None] * (max(columns.values()) + 1 - len(raw))
        if not any(_cell(value) for value in cells):
            continue
        first = _cell(cells[columns["booked_on"]])
        if first.startswith(("合计", "总计", "Total")):
            continue
        if "amount" in columns:
            amount = _amount(cells[columns["amount"]], offset, "amount")
        else:
            amount = _amount(cells[columns["credit"]], offset, "credit")
            if "debit" in columns:
                amount -= _amount(cells[columns["debit"]], offset, "debit")
        rows.append(
            StatementRow(
                row=offset,
                booked_on=_date(cells[columns["booked_on"]], offset),
                amount=round_money(amount),
                counterparty_name=_cell(cells[columns["counterparty"]])[:200]
                if "counterparty" in columns
                else "",
                counterparty_account=_cell(cells[columns["account"]])[:60]
                if "account" in columns
                else "",
                reference=_cell(cells[columns["reference"]])[:300]
                if "reference" in columns
                else "",
            )
        )
    if not rows:
        raise StatementEmpty()
    return rows, encoding


def _fingerprint(account: BankAccount, row: StatementRow, occurrence: int) -> str:
    key = "|".join(
        [
            account.account_number,
            row.booked_on.isoformat(),
            str(row.amount),
            row.counterparty_account,
            row.counterparty_name,
            row.reference,
            str(occurrence),
        ]
    )
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def bank_statement_import(
    *, bank_account_id: int, file_name: str, content: bytes, actor
) -> StatementImport:
    """Store a statement's new lines and reconcile them: confident matches are posted
    (payment recorded and allocated), the rest wait in the workbench with a suggestion.

    The same file again, or lines already stored from an overlapping export, create
    nothing. Raises the refusals of statement_rows and FinancePermissionDenied.
    """
    require_permission(actor, "finance.add_bankstatement")
    account = BankAccount.objects.select_for_update().get(pk=bank_account_id)
    digest = hashlib.sha256(content).hexdigest()
    existing = BankStatement.objects.filter(bank_account=account, file_sha256=digest).first()
    if existing is not None:
        return StatementImport(existing, False, 0, 0, 0)
    rows, encoding = statement_rows(
        content=content, file_name=file_name, mapping=account.column_mapping
    )
    seen: Counter = Counter()
    keyed = []
    for row in rows:
        identity = (row.booked_on, row.amount, row.counterparty_account, row.reference)
        seen[identity] += 1
        keyed.append((row, _fingerprint(account, row, seen[identity])))
    stored = set(
        BankStatementLine.objects.filter(
            bank_account=account, fingerprint__in=[key for _row, key in keyed]
        ).values_list("fingerprint", flat=True)
    )
    statement = BankStatement.objects.create(
        bank_account=account,
        file_name=file_name[:200],
        file_sha256=digest,
        encoding=encoding,
        imported_by=actor,
    )
    lines = BankStatementLine.objects.bulk_create(
        [
            BankStatementLine(
                statement=statement,
                bank_account=account,
                line_no=row.row,
                booked_on=row.booked_on,
                amount=row.amount,
                currency=account.currency,
                counterparty_name=row.counterparty_name,
                counterparty_account=row.counterparty_account,
                reference=row.reference,
                fingerprint=key,
                status=(
                    BankStatementLine.Status.UNMATCHED
                    if row.amount > ZERO
                    else BankStatementLine.Status.IGNORED
                ),
            )
            for row, key in keyed
            if key not in stored
        ]
    )
    posted = waiting = 0
    for line in lines:
        if line.status != BankStatementLine.Status.UNMATCHED:
            continue
        if _line_reconcile(line, account=account, actor=actor):
            posted += 1
        else:
            waiting += 1
    statement.line_count = len(lines)
    statement.posted_count = posted
    statement.save(update_fields=["line_count", "posted_count"])
    return StatementImport(statement, True, len(lines), posted, waiting)


def _line_reconcile(line: BankStatementLine, *, account: BankAccount, actor) -> bool:
    match = statement_line_match(line)
    line.rule = match.rule
    line.confidence = match.confidence
    line.customer = match.customer
    line.suggestion = [
        {"invoice": allocation.invoice.pk, "amount": str(allocation.amount)}
        for allocation in match.allocations
    ]
    confident = match.customer is not None and match.confidence >= account.auto_post_confidence
    line.status = (
        BankStatementLine.Status.SUGGESTED
        if match.customer is not None
        else BankStatementLine.Status.UNMATCHED
    )
    line.save(update_fields=["rule", "confidence", "customer", "suggestion", "status"])
    if not confident:
        return False
    try:
        with transaction.atomic():
            _line_post(line, customer=match.customer, allocations=_pairs(match), actor=actor)
    except DomainError:
        # Refused under the locks (an invoice paid meanwhile): the line waits for a person.
        line.status = BankStatementLine.Status.SUGGESTED
        return False
    return True


def _pairs(match: StatementMatch) -> list[tuple[int, Decimal]]:
    return [(allocation.invoice.pk, allocation.amount) for allocation in match.allocations]


def _line_post(
    line: BankStatementLine, *, customer: Customer, allocations: list[tuple[int, Decimal]], actor
) -> BankStatementLine:
    total = sum((amount for _invoice, amount in allocations), ZERO)
    if total > line.amount:
        raise ReconciliationSplitTooLarge(total=total, amount=line.amount)
    payment = payment_record(
        customer=customer,
        amount=line.amount,
        currency=line.currency,
        received_on=line.booked_on,
        bank_reference=(line.reference or line.counterparty_name)[:100],
        actor=actor,
    )
    for invoice_id, amount in allocations:
        if amount > ZERO:
            payment_allocate(
                payment_id=payment.pk, invoice_id=invoice_id, amount=amount, actor=actor
            )
    line.payment = payment
    line.customer = customer
    line.status = BankStatementLine.Status.POSTED
    line.save(update_fields=["payment", "customer", "status"])
    return line


def _line_lock(line_id: int) -> BankStatementLine:
    line = BankStatementLine.objects.select_for_update().get(pk=line_id)
    if not line.is_waiting:
        raise StatementLineNotWaiting(line=line.line_no, status=line.get_status_display())
    return line


@transaction.atomic
def statement_line_post(
    *,
    line_id: int,
    customer_id: int,
    allocations: list[tuple[int, Decimal]],
    actor,
) -> BankStatementLine:
    """Reconcile a waiting line by hand: record the payment from the customer and allocate
    it to one or several invoices (a split); what is left stays as customer credit.

    Raises StatementLineNotWaiting, ReconciliationSplitTooLarge and the refusals of
    payment_allocate (an allocation larger than an invoice owes).
    """
    require_permission(actor, "finance.allocate_payment")
    line = _line_lock(line_id)
    customer = Customer.objects.get(pk=customer_id)
    cleaned = [(invoice_id, round_money(amount)) for invoice_id, amount in allocations if amount]
    line.rule = BankStatementLine.Rule.MANUAL
    line.save(update_fields=["rule"])
    return _line_post(line, customer=customer, allocations=cleaned, actor=actor)


@transaction.atomic
def statement_line_accept(*, line_id: int, actor) -> BankStatementLine:
    """Post a waiting line as the matcher suggested it (still open invoices only)."""
    require_permission(actor, "finance.allocate_payment")
    line = _line_lock(line_id)
    if line.customer_id is None:
        raise StatementLineNotWaiting(line=line.line_no, status=line.get_status_display())
    open_ids = set(
        Invoice.objects.filter(
            pk__in=[item["invoice"] for item in line.suggestion], status__in=Invoice.OPEN
        ).values_list("pk", flat=True)
    )
    allocations = [
        (item["invoice"], Decimal(item["amount"]))
        for item in line.suggestion
        if item["invoice"] in open_ids
    ]
    return _line_post(line, customer=line.customer, allocations=allocations, actor=actor)


@transaction.atomic
def statement_line_ignore(*, line_id: int, actor) -> BankStatementLine:
    """Mark a waiting line as not a customer payment (a refund, interest, a transfer)."""
    require_permission(actor, "finance.allocate_payment")
    line = _line_lock(line_id)
    line.status = BankStatementLine.Status.IGNORED
    line.save(update_fields=["status"])
    return line
