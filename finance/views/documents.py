"""HTML views of invoices, payments and allocations (核销): parse, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_fsm import can_proceed, has_transition_perm

from finance import selectors, services
from finance.filters import InvoiceFilter, PaymentFilter
from finance.forms import AllocationForm, InvoiceCreateForm, InvoiceVoidForm, PaymentForm
from finance.models import Invoice, Payment
from opms.core.errors import DomainError
from opms.core.pagination import page_from_request
from opms.core.pdf import render_pdf
from opms.core.templatetags.opms import money
from orders.models import SalesOrder
from orders.selectors import order_get

QUEUE_SIZE = 100

# ---------------------------------------------------------------- work queue


@require_safe
@login_required
@permission_required("finance.view_payment", raise_exception=True)
def to_reconcile_view(request: HttpRequest) -> HttpResponse:
    context = {
        "orders": list(selectors.orders_to_invoice()[:QUEUE_SIZE]),
        "drafts": list(selectors.invoices_draft()[:QUEUE_SIZE]),
        "invoices": list(selectors.invoices_open().order_by("due_on", "pk")[:QUEUE_SIZE]),
        "payments": list(
            selectors.payment_list(unallocated_only=True).order_by("received_on", "pk")[:QUEUE_SIZE]
        ),
        "queue_size": QUEUE_SIZE,
    }
    return render(request, "finance/to_reconcile.html", context)


@require_safe
@login_required
@permission_required("finance.view_payment", raise_exception=True)
def credit_view(request: HttpRequest) -> HttpResponse:
    """Customers by credit use: exposure against the limit, available credit, overdue."""
    return render(request, "finance/credit.html", {"rows": selectors.customers_by_credit_use()})


# ---------------------------------------------------------------- invoices


@require_safe
@login_required
@permission_required("finance.view_invoice", raise_exception=True)
def invoice_list_view(request: HttpRequest) -> HttpResponse:
    filterset = InvoiceFilter(request.GET, queryset=selectors.invoice_list(user=request.user))
    page = page_from_request(request, filterset.qs, ordering="-created_at")
    template = "finance/invoice_list.html#results" if request.htmx else "finance/invoice_list.html"
    return render(request, template, {"filter": filterset, "page": page})


def _order_or_404(request: HttpRequest, pk: int) -> SalesOrder:
    try:
        return order_get(pk=pk, user=request.user)
    except SalesOrder.DoesNotExist as missing:
        raise Http404(_("No such order.")) from missing


@login_required
@permission_required("finance.add_invoice", raise_exception=True)
def invoice_create_view(request: HttpRequest, order_pk: int) -> HttpResponse:
    order = _order_or_404(request, order_pk)
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "basis" in request.GET else None)
    )
    form = InvoiceCreateForm(data)
    basis = (
        form.cleaned_data["basis"] if form.is_bound and form.is_valid() else services.BASIS_SHIPPED
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            invoice = services.invoice_create(order_id=order.pk, actor=request.user, basis=basis)
        except DomainError as failure:
            error = str(failure)
        else:
            messages.success(
                request,
                _("Draft invoice %(number)s created. Check it, then issue it.")
                % {"number": invoice.number},
            )
            return redirect("finance:invoice", pk=invoice.pk)
    context = {
        "order": order,
        "form": form,
        "basis": basis,
        "preview": selectors.invoice_preview(order=order, basis=basis),
        "error": error,
    }
    template = "finance/invoice_form.html"
    if request.htmx and request.method == "GET":
        template += "#preview"
    status = 422 if request.method == "POST" else 200
    return render(request, template, context, status=status)


def _invoice_or_404(request: HttpRequest, pk: int) -> Invoice:
    try:
        return selectors.invoice_get(pk=pk, user=request.user)
    except Invoice.DoesNotExist as missing:
        raise Http404(_("No such invoice.")) from missing


def _invoice_abilities(user, invoice: Invoice) -> dict[str, bool]:
    return {
        "issue": can_proceed(invoice.issue) and has_transition_perm(invoice.issue, user),
        "void": invoice.status == Invoice.Status.DRAFT
        and can_proceed(invoice.void)
        and has_transition_perm(invoice.void, user),
        "record_payment": invoice.is_open and user.has_perm("finance.add_payment"),
        "credit_note": invoice.status != Invoice.Status.DRAFT
        and invoice.status != Invoice.Status.VOID
        and user.has_perm("finance.add_creditnote"),
    }


@login_required
@permission_required("finance.view_invoice", raise_exception=True)
def invoice_detail_view(
    request: HttpRequest, pk: int, *, void_form=None, error: str = "", status: int = 200
) -> HttpResponse:
    invoice = _invoice_or_404(request, pk)
    context = {
        "invoice": invoice,
        "lines": selectors.invoice_lines(invoice=invoice),
        "allocations": selectors.invoice_allocations(invoice=invoice),
        "credit_allocations": selectors.invoice_credit_allocations(invoice=invoice),
        "customer_credit": selectors.customer_credit_open(
            customer_id=invoice.customer_id, currency=invoice.currency
        )
        if invoice.is_open and request.user.has_perm("finance.allocate_payment")
        else None,
        "void_form": void_form or InvoiceVoidForm(),
        "can": _invoice_abilities(request.user, invoice),
        "error": error,
    }
    return render(request, "finance/invoice_detail.html", context, status=status)


@require_POST
@login_required
@permission_required("finance.issue_invoice", raise_exception=True)
def invoice_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        invoice = services.invoice_issue(invoice_id=pk, actor=request.user)
    except Invoice.DoesNotExist as missing:
        raise Http404(_("No such invoice.")) from missing
    except DomainError as failure:
        return invoice_detail_view(request, pk, error=str(failure), status=422)
    messages.success(
        request,
        _("Invoice %(number)s issued; due on %(due)s.")
        % {"number": invoice.number, "due": invoice.due_on.isoformat()},
    )
    return redirect("finance:invoice", pk=invoice.pk)


@require_POST
@login_required
@permission_required("finance.issue_invoice", raise_exception=True)
def invoice_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = InvoiceVoidForm(request.POST)
    if not form.is_valid():
        return invoice_detail_view(request, pk, void_form=form, status=422)
    try:
        invoice = services.invoice_void(
            invoice_id=pk, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except Invoice.DoesNotExist as missing:
        raise Http404(_("No such invoice.")) from missing
    except DomainError as failure:
        return invoice_detail_view(request, pk, void_form=form, error=str(failure), status=422)
    messages.success(request, _("Invoice %(number)s voided.") % {"number": invoice.number})
    return redirect("finance:invoice", pk=invoice.pk)


@require_safe
@login_required
@permission_required("finance.view_invoice", raise_exception=True)
def invoice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice_or_404(request, pk)
    context = {"invoice": invoice, "lines": selectors.invoice_lines(invoice=invoice)}
    return render_pdf(
        request, "finance/invoice_pdf.html", context, filename=f"{invoice.number}.pdf"
    )


# ---------------------------------------------------------------- payments


@require_safe
@login_required
@permission_required("finance.view_payment", raise_exception=True)
def payment_list_view(request: HttpRequest) -> HttpResponse:
    filterset = PaymentFilter(request.GET, queryset=selectors.payment_list())
    page = page_from_request(request, filterset.qs, ordering="-created_at")
    template = "finance/payment_list.html#results" if request.htmx else "finance/payment_list.html"
    return render(request, template, {"filter": filterset, "page": page})


def _payment_initial(request: HttpRequest) -> tuple[dict, Invoice | None]:
    raw = request.GET.get("invoice", "")
    if not raw.isdigit():
        return {}, None
    try:
        invoice = selectors.invoice_get(pk=int(raw))
    except Invoice.DoesNotExist:
        return {}, None
    if not invoice.is_open:
        return {"customer": invoice.customer_id}, invoice
    initial = {
        "customer": invoice.customer_id,
        "amount": invoice.open_amount,
        "invoice": invoice.number,
    }
    return initial, invoice


@login_required
@permission_required("finance.add_payment", raise_exception=True)
def payment_create_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        initial, invoice = _payment_initial(request)
        form = PaymentForm(initial=initial)
        return render(request, "finance/payment_form.html", {"form": form, "invoice": invoice})
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return render(request, "finance/payment_form.html", {"form": form}, status=422)
    allocate_to = form.cleaned_data["invoice"]
    try:
        payment = services.payment_record(
            customer=form.cleaned_data["customer"],
            amount=form.cleaned_data["amount"],
            method=form.cleaned_data["method"],
            received_on=form.cleaned_data["received_on"],
            bank_reference=form.cleaned_data["bank_reference"],
            allocate_to=allocate_to,
            actor=request.user,
        )
    except DomainError as failure:
        context = {"form": form, "invoice": allocate_to, "error": str(failure)}
        return render(request, "finance/payment_form.html", context, status=422)
    text = _("Payment %(number)s recorded.") % {"number": payment.number}
    if allocate_to is not None:
        text = f"{text} {_settled_message(allocate_to.pk)}"
    messages.success(request, text)
    return redirect("finance:payment", pk=payment.pk)


def _settled_message(invoice_pk: int) -> str:
    invoice = selectors.invoice_get(pk=invoice_pk)
    if invoice.status == Invoice.Status.PAID:
        return _("Invoice %(invoice)s is paid in full.") % {"invoice": invoice.number}
    return _("Invoice %(invoice)s is partially paid; %(open)s still open.") % {
        "invoice": invoice.number,
        "open": money(invoice.open_amount, invoice.currency),
    }


def _payment_or_404(pk: int) -> Payment:
    try:
        return selectors.payment_get(pk=pk)
    except Payment.DoesNotExist as missing:
        raise Http404(_("No such payment.")) from missing


@login_required
@permission_required("finance.view_payment", raise_exception=True)
def payment_detail_view(
    request: HttpRequest, pk: int, *, form=None, error: str = "", status: int = 200
) -> HttpResponse:
    payment = _payment_or_404(pk)
    can_allocate = payment.unallocated_amount > 0 and request.user.has_perm(
        "finance.allocate_payment"
    )
    open_invoices = []
    if can_allocate:
        open_invoices = list(selectors.invoices_open_for_customer(customer_id=payment.customer_id))
        form = form or AllocationForm.prefilled(payment=payment, invoices=open_invoices)
    context = {
        "payment": payment,
        "allocations": selectors.payment_allocations(payment=payment),
        "can_allocate": can_allocate,
        "open_invoices": open_invoices,
        "form": form,
        "error": error,
    }
    return render(request, "finance/payment_detail.html", context, status=status)


@require_POST
@login_required
@permission_required("finance.allocate_payment", raise_exception=True)
def payment_allocate_view(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment_or_404(pk)
    form = AllocationForm(request.POST, payment=payment)
    if not form.is_valid():
        return payment_detail_view(request, pk, form=form, status=422)
    invoice = form.cleaned_data["invoice"]
    try:
        allocation = services.payment_allocate(
            payment_id=payment.pk,
            invoice_id=invoice.pk,
            amount=form.cleaned_data["amount"],
            actor=request.user,
        )
    except DomainError as failure:
        return payment_detail_view(request, pk, form=form, error=str(failure), status=422)
    allocated = _("%(amount)s of payment %(payment)s allocated to invoice %(invoice)s.") % {
        "amount": money(allocation.amount, invoice.currency),
        "payment": payment.number,
        "invoice": invoice.number,
    }
    messages.success(request, f"{allocated} {_settled_message(invoice.pk)}")
    return redirect("finance:payment", pk=payment.pk)


# ---------------------------------------------------------------- the order page's card


@require_safe
@login_required
def order_billing_view(request: HttpRequest, order_pk: int) -> HttpResponse:
    """The order page's "Invoices and payments" card (htmx fragment, no layout)."""
    if not request.user.has_perm("finance.view_invoice"):
        return render(request, "finance/order_billing.html", {"no_access": True})
    order = _order_or_404(request, order_pk)
    context = {
        "order": order,
        "invoices": selectors.invoices_of_order(order_id=order.pk),
        "can_invoice": order.is_invoiceable and request.user.has_perm("finance.add_invoice"),
        "can_view_payments": request.user.has_perm("finance.view_payment"),
    }
    return render(request, "finance/order_billing.html", context)
