"""Reads about customers: scoped lists, the 360 parts that customers own, complaints."""

from django.db.models import Q, QuerySet

from customers.models import Complaint, Customer, Interaction


def sales_scope_of(user) -> str | None:
    """ "own", "team" or "all" for a user who is only in the sales role; None (no limit)
    for every other role, superusers included."""
    roles = user.role_names() if hasattr(user, "role_names") else set()
    if user.is_superuser or roles - {"sales"}:
        return None
    if user.sales_scope == "team" and not user.team_id:
        return "own"
    return None if user.sales_scope == "all" else user.sales_scope


def customers_visible_to(customers: QuerySet[Customer], user) -> QuerySet[Customer]:
    """Sales users see their own or their team's customers, as set on the user."""
    scope = sales_scope_of(user)
    if scope == "own":
        return customers.filter(sales_rep=user)
    if scope == "team":
        return customers.filter(Q(sales_rep=user) | Q(team_id=user.team_id))
    return customers


def customer_list(*, user, search: str = "") -> QuerySet[Customer]:
    customers = customers_visible_to(Customer.objects.select_related("sales_rep", "team"), user)
    if search:
        customers = customers.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return customers


def customer_get(*, pk: int, user) -> Customer:
    """One customer the user may see; Customer.DoesNotExist (a 404) otherwise."""
    return customers_visible_to(Customer.objects.select_related("sales_rep", "team"), user).get(
        pk=pk
    )


def customers_for_order_entry(*, user=None) -> QuerySet[Customer]:
    customers = Customer.objects.filter(is_active=True).order_by("code")
    return customers_visible_to(customers, user) if user is not None else customers


def customer_contacts(*, customer: Customer):
    return list(customer.contacts.all())


def customer_addresses(*, customer: Customer):
    return list(customer.addresses.all())


def complaints_of_customer(*, customer: Customer, limit: int = 50) -> list[Complaint]:
    return list(customer.complaints.select_related("owner", "created_by")[:limit])


def complaints_of_order(*, order_number: str) -> list[Complaint]:
    return list(
        Complaint.objects.filter(order_reference=order_number).select_related("owner", "created_by")
    )


def interactions_of_customer(*, customer: Customer, limit: int = 50) -> list[Interaction]:
    return list(customer.interactions.select_related("actor")[:limit])


def customer_history(*, customer: Customer, limit: int = 20):
    return list(customer.history.select_related("history_user").order_by("-history_date")[:limit])
