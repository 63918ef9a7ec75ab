"""HTML views of purchasing: what to reorder, and from whom."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from purchasing import selectors


@login_required
@permission_required("purchasing.view_supplier", raise_exception=True)
def reorder_view(request: HttpRequest) -> HttpResponse:
    context = {
        "candidates": list(selectors.reorder_candidates()[:200]),
        "suppliers": list(selectors.supplier_list()[:100]),
    }
    return render(request, "purchasing/reorder.html", context)
