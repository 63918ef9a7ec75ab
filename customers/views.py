"""HTML views of customers."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from customers import selectors
from customers.models import Customer
from opms.core.pagination import page_from_request


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_list_view(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    page = page_from_request(request, selectors.customer_list(search=search), ordering="code")
    return render(request, "customers/customer_list.html", {"page": page, "search": search})


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        customer = selectors.customer_get(pk=pk)
    except Customer.DoesNotExist as missing:
        raise Http404(_("No such customer.")) from missing
    history = list(customer.history.select_related("history_user").order_by("-history_date")[:20])
    return render(
        request, "customers/customer_detail.html", {"customer": customer, "history": history}
    )
