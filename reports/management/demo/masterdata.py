"""Writes the demo master data, each row found or created by its natural key."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from customers.models import Customer
from customers.services import customer_create
from inventory.models import Carrier, Product, ProductCategory, StockMove, Warehouse
from inventory.services import stock_receive
from opms.accounts.models import Team, User
from purchasing.models import Supplier
from reports.management.demo import catalogue
from reports.management.demo.specs import PASSWORD, MasterPlan, ProductSpec
from reports.management.demo.timeline import Clock

OPENING_REFERENCE = "OPENING"
OPENING_REASON = "期初库存"


@dataclass
class Directory:
    """The rows the order stories refer to, by natural key."""

    users: dict[str, User]
    customers: dict[str, Customer]
    products: dict[str, Product]
    product_specs: dict[str, ProductSpec]
    warehouses: dict[str, Warehouse]
    carriers: dict[str, Carrier]
    suppliers: dict[str, Supplier]


def master_data_ensure(plan: MasterPlan, *, clock: Clock, now: datetime) -> Directory:
    """Create what is missing of the master data and return all of it."""
    users = _users_ensure(plan, clock=clock, now=now)
    warehouses = {}
    for code, name, address in catalogue.WAREHOUSES:
        warehouses[code], _ = Warehouse.objects.get_or_create(
            code=code, defaults={"name": name, "address": address}
        )
    carriers = {}
    for code, name, tracking_url in catalogue.CARRIERS:
        carriers[code], _ = Carrier.objects.get_or_create(
            code=code, defaults={"name": name, "tracking_url": tracking_url}
        )
    suppliers = {}
    for spec in plan.suppliers:
        suppliers[spec.code], _ = Supplier.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "contact_name": spec.contact_name,
                "phone": spec.phone,
                "lead_time_days": spec.lead_time_days,
            },
        )
    products = _products_ensure(plan, clock=clock, now=now)
    customers = _customers_ensure(plan, users=users, clock=clock, now=now)
    _opening_stock_ensure(
        plan,
        products=products,
        warehouses=warehouses,
        actor=users["warehouse"],
        clock=clock,
        now=now,
    )
    return Directory(
        users=users,
        customers=customers,
        products=products,
        product_specs={spec.sku: spec for spec in plan.products},
        warehouses=warehouses,
        carriers=carriers,
        suppliers=suppliers,
    )


def _users_ensure(plan: MasterPlan, *, clock: Clock, now: datetime) -> dict[str, User]:
    wanted_groups = {spec.group for spec in plan.users}
    groups = {group.name: group for group in Group.objects.filter(name__in=wanted_groups)}
    if missing := wanted_groups - set(groups):
        raise CommandError(
            f"Role groups missing ({', '.join(sorted(missing))}): run `manage.py migrate` first."
        )
    teams = {}
    for name in {spec.team for spec in plan.users if spec.team}:
        teams[name], _ = Team.objects.get_or_create(name=name)
    password = None
    users = {}
    for number, spec in enumerate(plan.users):
        clock.mark(now - timedelta(days=730 - number * 20))
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            # One hash for all demo users: they share the published demo password anyway.
            password = password or make_password(PASSWORD)
            user = User.objects.create(
                username=spec.username,
                password=password,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@example.com",
                is_staff=spec.is_admin,
                is_superuser=spec.is_admin,
                team=teams.get(spec.team),
            )
        user.groups.add(groups[spec.group])
        users[spec.username] = user
    for team in teams.values():
        if team.leader_id is None:
            team.leader = users["manager"]
            team.save(update_fields=["leader"])
    return users


def _products_ensure(plan: MasterPlan, *, clock: Clock, now: datetime) -> dict[str, Product]:
    categories = {}
    for code, name, _ in catalogue.CATEGORIES:
        categories[code], _ = ProductCategory.objects.get_or_create(
            code=code, defaults={"name": name}
        )
    existing = set(
        Product.objects.filter(sku__in=[spec.sku for spec in plan.products]).values_list(
            "sku", flat=True
        )
    )
    clock.mark(now - timedelta(days=700))
    bulk_create_with_history(
        [
            Product(
                sku=spec.sku,
                name=spec.name,
                category=categories[spec.category],
                unit=spec.unit,
                list_price_amount=spec.list_price_amount,
                cost_amount=spec.cost_amount,
                reorder_point=spec.reorder_point,
            )
            for spec in plan.products
            if spec.sku not in existing
        ],
        Product,
    )
    return Product.objects.in_bulk([spec.sku for spec in plan.products], field_name="sku")


def _customers_ensure(
    plan: MasterPlan, *, users: dict[str, User], clock: Clock, now: datetime
) -> dict[str, Customer]:
    codes = [spec.code for spec in plan.customers]
    existing = Customer.objects.select_related("team").in_bulk(codes, field_name="code")
    teams = {team.name: team for team in Team.objects.all()}
    for spec in plan.customers:
        if spec.code in existing:
            continue
        clock.mark(now - timedelta(days=spec.since_days))
        existing[spec.code] = customer_create(
            code=spec.code,
            name=spec.name,
            tax_id=spec.tax_id,
            tier=spec.tier,
            payment_terms_days=spec.payment_terms_days,
            credit_limit_amount=spec.credit_limit_amount,
            contact_name=spec.contact_name,
            phone=spec.phone,
            email=spec.email,
            address=spec.address,
            sales_rep=users[spec.sales_rep],
            team=teams[spec.team],
        )
    return existing


def _opening_stock_ensure(
    plan: MasterPlan,
    *,
    products: dict[str, Product],
    warehouses: dict[str, Warehouse],
    actor: User,
    clock: Clock,
    now: datetime,
) -> None:
    booked = set(
        StockMove.objects.filter(reference=OPENING_REFERENCE).values_list(
            "product_id", "warehouse_id"
        )
    )
    clock.mark(
        timezone.make_aware(
            datetime.combine(timezone.localdate(now) - timedelta(days=366), time(9, 0))
        )
    )
    for spec in plan.products:
        product = products[spec.sku]
        for code, quantity in spec.opening.items():
            warehouse = warehouses[code]
            if (product.pk, warehouse.pk) in booked:
                continue
            stock_receive(
                product_id=product.pk,
                warehouse_id=warehouse.pk,
                quantity=quantity,
                reference=OPENING_REFERENCE,
                reason=OPENING_REASON,
                actor=actor,
            )
