"""Changing an approved order (订单变更): the form, and the revisions with their differences."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from opms.core.errors import DomainError
from opms.core.pagination import int_or_none
from orders import selectors
from orders.models import SalesOrder
from orders.services import LineInput
from orders.services.revision import order_revise


def _decimal(text: str) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return Decimal("-1")
    return value


@login_required
@permission_required("orders.change_salesorder", raise_exception=True)
def order_revise_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        order = selectors.order_get(pk=pk, user=request.user)
    except SalesOrder.DoesNotExist as missing:
        raise Http404(_("No such order.")) from missing
    lines = list(order.lines.select_related("product").order_by("line_no"))
    error = ""
    if request.method == "POST":
        inputs, bad = [], False
        for line in lines:
            quantity = int_or_none(request.POST.get(f"quantity-{line.pk}"))
            price = _decimal(request.POST.get(f"price-{line.pk}", ""))
            discount = _decimal(request.POST.get(f"discount-{line.pk}", "")) or Decimal("0")
            if quantity is None or quantity < 0 or (price is not None and price < 0):
                bad = True
                continue
            if not Decimal("0") <= discount <= Decimal("100"):
                bad = True
                continue
            if quantity:
                inputs.append(
                    LineInput(
                        product_id=line.product_id,
                        quantity=quantity,
                        unit_price=price,
                        discount_percent=discount,
                    )
                )
        if bad:
            error = _(
                "Quantities must be whole numbers of zero or more, prices and discounts valid."
            )
        else:
            try:
                revision = order_revise(
                    order_id=order.pk,
                    actor=request.user,
                    lines=inputs,
                    reason=request.POST.get("reason", ""),
                    requested_delivery_on=parse_date(
                        request.POST.get("requested_delivery_on") or ""
                    )
                    if request.POST.get("requested_delivery_on")
                    else None,
                    expected_version=int_or_none(request.POST.get("version")),
                )
            except DomainError as failure:
                error = str(failure)
            else:
                order.refresh_from_db()
                if order.status == SalesOrder.Status.PENDING_APPROVAL:
                    text = _(
                        "Revision %(number)s saved; the changed order waits for approval again."
                    )
                else:
                    text = _("Revision %(number)s saved; no approval was needed for this change.")
                messages.success(request, text % {"number": revision.number})
                return redirect("orders:detail", pk=order.pk)
    return render(
        request,
        "orders/order_revise.html",
        {"order": order, "lines": lines, "error": error, "posted": request.POST},
        status=422 if error else 200,
    )
