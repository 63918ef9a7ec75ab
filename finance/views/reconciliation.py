"""Bank statement import, the reconciliation workbench, unallocation and credit notes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from customers.models import Customer
from customers.selectors import customers_for_order_entry
from finance import selectors, services
from finance.forms import (
    CreditNoteForm,
    StatementImportForm,
    StatementLinePostForm,
    UnallocateForm,
)
from finance.models import (
    BankStatementLine,
    CreditNote,
    CreditNoteAllocation,
    Invoice,
    PaymentAllocation,
)
from opms.core.errors import DomainError
from opms.core.pagination import page_from_request
from opms.core.templatetags.opms import money

# ---------------------------------------------------------------- bank statements


@login_required
@permission_required("finance.add_bankstatement", raise_exception=True)
def statement_import_view(request: HttpRequest) -> HttpResponse:
    form = StatementImportForm(request.POST or None, request.FILES or None)
    status, error = 200, ""
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.bank_statement_import(
                    bank_account_id=form.cleaned_data["bank_account"].pk,
                    file_name=upload.name,
                    content=upload.read(),
                    actor=request.user,
                )
            except DomainError as failure:
                error, status = str(failure), 422
            else:
                if result.is_new:
                    messages.success(
                        request,
                        _(
                            "%(lines)s new lines imported: %(posted)s reconciled automatically, "
                            "%(waiting)s waiting in the workbench."
                        )
                        % {
                            "lines": result.lines_created,
                            "posted": result.posted,
                            "waiting": result.waiting,
                        },
                    )
                else:
                    messages.info(
                        request,
                        _("This file was imported already on %(date)s; nothing was changed.")
                        % {"date": result.statement.imported_at.strftime("%Y-%m-%d %H:%M")},
                    )
                return redirect("finance:workbench")
        else:
            status = 422
    context = {
        "form": form,
        "error": error,
        "statements": selectors.bank_statements_recent(),
    }
    return render(request, "finance/statement_import.html", context, status=status)


@require_safe
@login_required
@permission_required("finance.view_bankstatement", raise_exception=True)
def statement_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    lines = selectors.statement_lines_of(statement_id=pk)
    if not lines:
        raise Http404(_("No such statement."))
    return render(
        request,
        "finance/statement_detail.html",
        {"statement": lines[0].statement, "lines": lines},
    )


# ---------------------------------------------------------------- the workbench


@require_safe
@login_required
@permission_required("finance.allocate_payment", raise_exception=True)
def workbench_view(request: HttpRequest) -> HttpResponse:
    waiting = selectors.statement_lines_waiting()
    rows = [(item, _post_form(item)) for item in waiting]
    context = {
        "rows": rows,
        "waiting_count": selectors.statement_lines_waiting_count(),
        "customers": _customer_choices(),
    }
    return render(request, "finance/workbench.html", context)


def _customer_choices() -> list[tuple[int, str]]:
    """Every line's customer list, read once for the whole page."""
    return [(customer.pk, str(customer)) for customer in customers_for_order_entry()]


def _post_form(item, data=None) -> StatementLinePostForm:
    suggested = {invoice.pk: amount for invoice, amount in item.suggestion}
    initial = {"customer": item.line.customer_id}
    initial.update({f"amount_{pk}": amount for pk, amount in suggested.items()})
    return StatementLinePostForm(
        data, invoices=item.open_invoices, initial=initial, prefix=f"l{item.line.pk}"
    )


def _waiting_item(pk: int, customer_id: int | None = None):
    try:
        line = selectors.statement_line_get(pk=pk)
    except BankStatementLine.DoesNotExist as missing:
        raise Http404(_("No such statement line.")) from missing
    if customer_id is not None:
        line.customer_id = customer_id
    customer_invoices = (
        list(selectors.invoices_open_for_customer(customer_id=line.customer_id))
        if line.customer_id
        else []
    )
    by_pk = {invoice.pk: invoice for invoice in customer_invoices}
    suggestion = [
        (by_pk[item["invoice"]], item["amount"])
        for item in line.suggestion
        if item["invoice"] in by_pk
    ]
    return selectors.WaitingLine(line, suggestion, customer_invoices)


def _line_fragment(request, item, *, form=None, error: str = "", status: int = 200):
    context = {
        "item": item,
        "form": form or _post_form(item),
        "error": error,
        "customers": _customer_choices(),
    }
    response = render(request, "finance/workbench.html#line", context, status=status)
    response["HX-Trigger"] = "workbench-changed"
    return response


@require_safe
@login_required
@permission_required("finance.allocate_payment", raise_exception=True)
def workbench_line_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The line's card again, for another customer (htmx, when the customer changes)."""
    raw = request.GET.get(f"l{pk}-customer", "")
    customer_id = int(raw) if raw.isdigit() else None
    if customer_id is not None and not Customer.objects.filter(pk=customer_id).exists():
        customer_id = None
    item = _waiting_item(pk, customer_id)
    form = StatementLinePostForm(
        invoices=item.open_invoices, initial={"customer": customer_id}, prefix=f"l{pk}"
    )
    return _line_fragment(request, item, form=form)


def _after_action(request, pk: int, text: str) -> HttpResponse:
    if request.htmx:
        line = selectors.statement_line_get(pk=pk)
        response = render(
            request, "finance/workbench.html#done", {"line": line, "text": text}, status=200
        )
        response["HX-Trigger"] = "workbench-changed"
        return response
    messages.success(request, text)
    return redirect("finance:workbench")


def _posted_text(line: BankStatementLine) -> str:
    payment = line.payment
    return _(
        "Line %(line)s posted as payment %(payment)s of %(customer)s: %(allocated)s allocated, "
        "%(left)s left as credit."
    ) % {
        "line": line.line_no,
        "payment": payment.number,
        "customer": line.customer.name,
        "allocated": money(payment.allocated_amount, payment.currency),
        "left": money(payment.unallocated_amount, payment.currency),
    }


@require_POST
@login_required
@permission_required("finance.allocate_payment", raise_exception=True)
def workbench_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        line = services.statement_line_accept(line_id=pk, actor=request.user)
    except BankStatementLine.DoesNotExist as missing:
        raise Http404(_("No such statement line.")) from missing
    except DomainError as failure:
        return _line_fragment(request, _waiting_item(pk), error=str(failure), status=422)
    return _after_action(request, pk, _posted_text(line))


@require_POST
@login_required
@permission_required("finance.allocate_payment", raise_exception=True)
def workbench_post_view(request: HttpRequest, pk: int) -> HttpResponse:
    raw = request.POST.get(f"l{pk}-customer", "")
    item = _waiting_item(pk, int(raw) if raw.isdigit() else None)
    form = _post_form(item, request.POST)
    if not form.is_valid():
        return _line_fragment(request, item, form=form, status=422)
    try:
        line = services.statement_line_post(
            line_id=pk,
            customer_id=form.cleaned_data["customer"].pk,
            allocations=form.allocations(),
            actor=request.user,
        )
    except DomainError as failure:
        return _line_fragment(request, item, form=form, error=str(failure), status=422)
    return _after_action(request, pk, _posted_text(line))


@require_POST
@login_required
@permission_required("finance.allocate_payment", raise_exception=True)
def workbench_ignore_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        line = services.statement_line_ignore(line_id=pk, actor=request.user)
    except BankStatementLine.DoesNotExist as missing:
        raise Http404(_("No such statement line.")) from missing
    except DomainError as failure:
        return _line_fragment(request, _waiting_item(pk), error=str(failure), status=422)
    return _after_action(
        request, pk, _("Line %(line)s set aside: not a customer payment.") % {"line": line.line_no}
    )


# ---------------------------------------------------------------- unallocation


@require_POST
@login_required
@permission_required("finance.allocate_payment", raise_exception=True)
def allocation_reverse_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Take back a payment ("payment") or credit-note ("credit") allocation, with a reason."""
    if kind not in ("payment", "credit"):
        raise Http404(_("No such allocation."))
    form = UnallocateForm(request.POST)
    back = request.POST.get("next") or "/finance/"
    if not back.startswith("/"):
        back = "/finance/"
    if not form.is_valid():
        messages.error(request, _("Say why the allocation is taken back."))
        return redirect(back)
    unallocate = (
        services.payment_unallocate if kind == "payment" else services.credit_note_unallocate
    )
    try:
        allocation = unallocate(
            allocation_id=pk, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as failure:
        messages.error(request, str(failure))
        return redirect(back)
    except (PaymentAllocation.DoesNotExist, CreditNoteAllocation.DoesNotExist) as missing:
        raise Http404(_("No such allocation.")) from missing
    messages.success(
        request,
        _("%(amount)s taken back from invoice %(invoice)s; it is open again.")
        % {
            "amount": money(allocation.amount, allocation.invoice.currency),
            "invoice": allocation.invoice.number,
        },
    )
    return redirect(back)


@require_POST
@login_required
@permission_required("finance.allocate_payment", raise_exception=True)
def invoice_apply_credit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a customer's unallocated payment or credit note to this invoice (all that fits)."""
    source = request.POST.get("source", "")
    kind, _sep, raw_id = source.partition(":")
    if not raw_id.isdigit() or kind not in ("payment", "credit"):
        raise Http404(_("No such credit."))
    try:
        if kind == "payment":
            services.payment_allocate(
                payment_id=int(raw_id), invoice_id=pk, amount=None, actor=request.user
            )
        else:
            services.credit_note_allocate(
                credit_note_id=int(raw_id), invoice_id=pk, amount=None, actor=request.user
            )
    except DomainError as failure:
        messages.error(request, str(failure))
    else:
        messages.success(request, _("Customer credit applied to this invoice."))
    return redirect("finance:invoice", pk=pk)


# ---------------------------------------------------------------- credit notes


@require_safe
@login_required
@permission_required("finance.view_creditnote", raise_exception=True)
def credit_note_list_view(request: HttpRequest) -> HttpResponse:
    page = page_from_request(request, selectors.credit_note_list(), ordering="-created_at")
    return render(request, "finance/credit_note_list.html", {"page": page})


@login_required
@permission_required("finance.add_creditnote", raise_exception=True)
def credit_note_create_view(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    try:
        invoice = selectors.invoice_get(pk=invoice_pk)
    except Invoice.DoesNotExist as missing:
        raise Http404(_("No such invoice.")) from missing
    form = CreditNoteForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                credit_note = services.credit_note_create(
                    customer_id=invoice.customer_id,
                    invoice_id=invoice.pk,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except DomainError as failure:
                error, status = str(failure), 422
            else:
                messages.success(
                    request,
                    _("Credit note %(number)s of %(amount)s created.")
                    % {
                        "number": credit_note.number,
                        "amount": money(credit_note.total_amount, credit_note.currency),
                    },
                )
                return redirect("finance:credit_note", pk=credit_note.pk)
        else:
            status = 422
    context = {"invoice": invoice, "form": form, "error": error}
    return render(request, "finance/credit_note_form.html", context, status=status)


@require_safe
@login_required
@permission_required("finance.view_creditnote", raise_exception=True)
def credit_note_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        credit_note = selectors.credit_note_get(pk=pk)
    except CreditNote.DoesNotExist as missing:
        raise Http404(_("No such credit note.")) from missing
    context = {
        "credit_note": credit_note,
        "lines": list(credit_note.lines.order_by("pk")),
        "allocations": selectors.credit_note_allocations(credit_note=credit_note),
        "open_invoices": list(
            selectors.invoices_open_for_customer(customer_id=credit_note.customer_id)
        )
        if credit_note.unallocated_amount > 0
        else [],
    }
    return render(request, "finance/credit_note_detail.html", context)
