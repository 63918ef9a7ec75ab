"""Shared fixtures: one user per role, a customer, a warehouse and stocked products."""

import importlib
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import translation

from inventory.services import stock_receive
from opms.core.numbering import document_sequences_drop
from orders.api.authentication import api_keys_forget
from orders.services import LineInput, order_create
from tests.factories import (
    CarrierFactory,
    CustomerFactory,
    ProductFactory,
    UserFactory,
    WarehouseFactory,
)

ROLES = ["sales", "approver", "warehouse", "purchasing", "finance", "manager"]


@pytest.fixture(autouse=True)
def english(settings):
    """Tests read messages in English unless they ask for Chinese (the site default).

    Passwords use a fast hasher: the real one costs ~0.25 s per user created.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_api_cache():
    """API throttle counts, the cached webhook subscriptions and the API keys a process
    remembers never leak between tests."""
    caches["api"].clear()
    api_keys_forget()


@pytest.fixture(autouse=True)
def document_sequences_dropped(request, django_db_blocker):
    """Document numbers start again at 1 in every test: a test that commits (transactional,
    live server) leaves its number sequences behind, and they outlive the table flush."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if committed and connection.vendor == "postgresql":
        with django_db_blocker.unblock():
            document_sequences_drop()


@pytest.fixture
def users(db):
    """{role: user} with the role's group; plus 'admin' as a superuser."""
    people = {role: UserFactory(username=role, roles=[role]) for role in ROLES}
    admin = UserFactory(username="admin", roles=["admin"], is_staff=True, is_superuser=True)
    people["admin"] = admin
    return people


@pytest.fixture
def customer(users):
    """The sales user's own customer (sales users see only their own or their team's)."""
    return CustomerFactory(credit_limit_amount=Decimal("1000000.00"), sales_rep=users["sales"])


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(code="SH", name="上海仓")


@pytest.fixture
def carrier(db):
    return CarrierFactory()


def stocked_product(warehouse, quantity: int, **fields):
    product = ProductFactory(**fields)
    if quantity:
        stock_receive(
            product_id=product.pk, warehouse_id=warehouse.pk, quantity=quantity, reason="test"
        )
    return product


@pytest.fixture
def products(warehouse):
    """Three products with 100, 50 and 20 units on hand."""
    return [
        stocked_product(warehouse, 100, list_price_amount=Decimal("320.00")),
        stocked_product(warehouse, 50, list_price_amount=Decimal("35.50")),
        stocked_product(warehouse, 20, list_price_amount=Decimal("999.99")),
    ]


@pytest.fixture
def make_order(users, customer, warehouse):
    """Create a draft order through the service: make_order([(product, qty), ...])."""

    def make(lines, *, actor=None, customer_=None, **kwargs):
        return order_create(
            actor=actor or users["sales"],
            customer=customer_ or customer,
            warehouse=warehouse,
            lines=[
                LineInput(product_id=product.pk, quantity=quantity, **kwargs)
                for product, quantity in lines
            ],
        )

    return make


DATA_MIGRATIONS = [
    ("accounts", "0002_roles", "opms.accounts.migrations.0002_roles", "create_roles"),
    (
        "orders",
        "0002_default_approval_policy",
        "orders.migrations.0002_default_approval_policy",
        "create_policy",
    ),
    (
        "customers",
        "0003_default_credit_policy",
        "customers.migrations.0003_default_credit_policy",
        "create_policy",
    ),
    (
        "orders",
        "0004_finance_decides_credit_steps",
        "orders.migrations.0004_finance_decides_credit_steps",
        "grant",
    ),
    (
        "purchasing",
        "0003_role_permissions",
        "purchasing.migrations.0003_role_permissions",
        "grant",
    ),
    ("orders", "0008_return_permissions", "orders.migrations.0008_return_permissions", "grant"),
    (
        "finance",
        "0004_finance_role_permissions",
        "finance.migrations.0004_finance_role_permissions",
        "grant",
    ),
    (
        "orders",
        "0007_rules_from_policy",
        "orders.migrations.0007_rules_from_policy",
        "rules_from_policy",
    ),
    (
        "reports",
        "0003_grant_report_permissions",
        "reports.migrations.0003_grant_report_permissions",
        "grant",
    ),
]


def restore_migration_data() -> None:
    """Re-run the data migrations (role groups, approval policy) after a transactional
    test truncated every table, each against its own historical model state."""
    loader = MigrationLoader(connection)
    for app_label, name, module, function in DATA_MIGRATIONS:
        state_apps = loader.project_state((app_label, name)).apps
        getattr(importlib.import_module(module), function)(state_apps, None)


@pytest.fixture
def migrated_data(transactional_db):
    """For transactional tests: the rows the data migrations made, back in place."""
    restore_migration_data()
