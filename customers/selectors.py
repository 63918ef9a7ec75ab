"""Reads about customers."""

from django.db.models import Q, QuerySet

from customers.models import Customer


def customer_list(*, search: str = "") -> QuerySet[Customer]:
    customers = Customer.objects.select_related("sales_rep", "team")
    if search:
        customers = customers.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return customers


def customer_get(*, pk: int) -> Customer:
    return Customer.objects.select_related("sales_rep", "team").get(pk=pk)


def customers_for_order_entry() -> QuerySet[Customer]:
    return Customer.objects.filter(is_active=True).order_by("code")
