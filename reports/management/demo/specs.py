"""The demo master data as plain values (users, customers, products, suppliers) and the shapes
of the order plans, drawn from fixed seeds before anything touches the database.

The same seed draws the same plan on every run, so a second run finds its rows by their
natural keys and a run that was interrupted completes the rest.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from faker import Faker

from opms.core.money import round_money
from reports.management.demo import catalogue

SEED = 2026
PASSWORD = "opms-demo"
TEAM_EAST = "华东销售一部"
TEAM_SOUTH = "华南销售部"
CUSTOMER_COUNT = 50
LOW_STOCK_PRODUCTS = 12


@dataclass(frozen=True)
class UserSpec:
    username: str
    group: str
    first_name: str
    last_name: str
    team: str = ""
    is_admin: bool = False


@dataclass(frozen=True)
class CustomerSpec:
    code: str
    name: str
    tax_id: str
    tier: str
    payment_terms_days: int
    credit_limit_amount: Decimal
    contact_name: str
    phone: str
    email: str
    address: str
    sales_rep: str
    team: str
    warehouse: str
    categories: tuple[str, ...]
    discount_percent: Decimal
    weight: float
    since_days: int


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    category: str
    unit: str
    list_price_amount: Decimal
    cost_amount: Decimal
    reorder_point: int
    quantities: tuple[int, ...]
    opening: dict[str, int]
    is_low: bool
    popularity: float
    supplier: str

    @property
    def base_quantity(self) -> int:
        return self.quantities[len(self.quantities) // 2]


@dataclass(frozen=True)
class SupplierSpec:
    code: str
    name: str
    contact_name: str
    phone: str
    lead_time_days: int
    categories: tuple[str, ...]


@dataclass(frozen=True)
class LineSpec:
    sku: str
    quantity: int
    discount_percent: Decimal


@dataclass(frozen=True)
class Step:
    """One service call of an order's story, at the moment it is shown to have happened."""

    action: str
    at: datetime
    actor: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OrderPlan:
    reference: str
    customer: str
    warehouse: str
    sales_rep: str
    lines: tuple[LineSpec, ...]
    target: str
    steps: tuple[Step, ...]
    requested_delivery_on: date
    note: str


@dataclass(frozen=True)
class MasterPlan:
    users: list[UserSpec]
    customers: list[CustomerSpec]
    products: list[ProductSpec]
    suppliers: list[SupplierSpec]


def order_reference(index: int) -> str:
    """The customer's PO number of demo order `index`: the order's natural key."""
    formats = ("PO-{:05d}", "CG{:06d}", "45000{:05d}")
    return formats[index % 3].format(index + 1)


def master_plan() -> MasterPlan:
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    users = _users(fake)
    suppliers = _suppliers(fake)
    customers = _customers(fake, rng)
    products = _products(rng, suppliers)
    return MasterPlan(users=users, customers=customers, products=products, suppliers=suppliers)


def _users(fake: Faker) -> list[UserSpec]:
    def person(username, group, team="", is_admin=False):
        return UserSpec(
            username=username,
            group=group,
            first_name=fake.first_name(),
            last_name=fake.last_name(),
            team=team,
            is_admin=is_admin,
        )

    return [
        person("sales", "sales", TEAM_EAST),
        person("sales2", "sales", TEAM_SOUTH),
        person("approver", "approver"),
        person("warehouse", "warehouse"),
        person("purchasing", "purchasing"),
        person("finance", "finance"),
        person("manager", "manager", TEAM_EAST),
        person("admin", "admin", is_admin=True),
    ]


def _suppliers(fake: Faker) -> list[SupplierSpec]:
    return [
        SupplierSpec(
            code=code,
            name=f"{city}{_company_word(fake)}{industry}有限公司",
            contact_name=fake.name(),
            phone=fake.phone_number(),
            lead_time_days=lead_time,
            categories=tuple(categories),
        )
        for code, city, industry, lead_time, categories in catalogue.SUPPLIERS
    ]


def _company_word(fake: Faker) -> str:
    word = fake.company_prefix().removeprefix("开发区")
    return word if len(word) >= 2 else word + fake.company_prefix()


def _customers(fake: Faker, rng: random.Random) -> list[CustomerSpec]:
    customers, names = [], set()
    regions = list(catalogue.REGION_WEIGHTS)
    for number in range(1, CUSTOMER_COUNT + 1):
        region = rng.choices(regions, [catalogue.REGION_WEIGHTS[r] for r in regions])[0]
        place, short, tax_region, area_code, districts, _ = rng.choice(
            [city for city in catalogue.CITIES if city[5] == region]
        )
        industry = rng.choice(catalogue.INDUSTRIES)
        name = ""
        while not name or name in names:
            name = f"{short}{_company_word(fake)}{industry}{rng.choice(catalogue.COMPANY_FORMS)}"
        names.add(name)
        tier = rng.choices("ABC", [20, 50, 30])[0]
        if tier == "A":
            terms, limit = rng.choice([60, 60, 45]), rng.randint(8, 30) * 100_000
            discount, weight = rng.choice(["6", "8", "8", "10"]), 3.0
        elif tier == "B":
            terms, limit = rng.choice([45, 30]), rng.randint(4, 16) * 50_000
            discount, weight = rng.choice(["3", "5"]), 1.6
        else:
            terms, limit = 30, rng.randint(5, 20) * 10_000
            discount, weight = rng.choice(["0", "0", "2"]), 0.8
        if rng.random() < 0.5:
            phone = f"{area_code}-{rng.randint(2, 8)}{rng.randint(0, 9_999_999):07d}"
        else:
            phone = fake.phone_number()
        south = region == "south"
        customers.append(
            CustomerSpec(
                code=f"C{number:04d}",
                name=name,
                tax_id=unified_credit_code(rng, tax_region),
                tier=tier,
                payment_terms_days=terms,
                credit_limit_amount=Decimal(limit),
                contact_name=fake.name(),
                phone=phone,
                email=fake.company_email(),
                address=(
                    f"{place}{rng.choice(districts)}{fake.street_name()}{rng.randint(1, 1999)}号"
                ),
                sales_rep="sales2" if south else "sales",
                team=TEAM_SOUTH if south else TEAM_EAST,
                warehouse={"east": "SH", "north": "BJ", "south": "GZ"}[region],
                categories=tuple(catalogue.INDUSTRY_CATEGORIES[industry]),
                discount_percent=Decimal(discount),
                weight=weight * rng.uniform(0.6, 1.4),
                since_days=rng.randint(400, 2000),
            )
        )
    return customers


_CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def unified_credit_code(rng: random.Random, region: str) -> str:
    """A well-formed 统一社会信用代码: 91 (enterprise), region, organisation code, check char."""
    if rng.random() < 0.6:
        # Registered since 2015: the organisation part starts with MA.
        tail = "".join(rng.choice(_CREDIT_CODE_CHARS) for _ in range(6))
        organisation = f"MA{rng.randint(1, 7)}{tail}"
    else:
        organisation = "".join(rng.choice("0123456789") for _ in range(9))
    body = f"91{region}{organisation}"
    total = sum(
        _CREDIT_CODE_CHARS.index(char) * weight
        for char, weight in zip(body, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return body + _CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def _quantities(price: Decimal, unit: str) -> tuple[int, ...]:
    if unit == "米":
        if price > 50:
            return (50, 100, 150, 200, 300, 500)
        return (100, 200, 300, 500, 800, 1000)
    if price < 5:
        return (100, 200, 300, 500, 800, 1000, 1500)
    if price < 20:
        return (20, 30, 50, 80, 100, 150, 200, 300)
    if price < 100:
        return (5, 10, 15, 20, 30, 40, 50, 80, 100)
    if price < 500:
        return (2, 3, 5, 8, 10, 12, 15, 20)
    return (1, 2, 3, 4, 5, 6)


def _products(rng: random.Random, suppliers: list[SupplierSpec]) -> list[ProductSpec]:
    rows = [(code, *row) for code, _, _ in catalogue.CATEGORIES for row in catalogue.PRODUCTS[code]]
    low = set(rng.sample(range(len(rows)), LOW_STOCK_PRODUCTS))
    products = []
    for index, (category, sku, name, unit, price) in enumerate(rows):
        list_price = Decimal(price)
        cost = round_money(list_price * rng.randint(56, 78) / 100)
        quantities = _quantities(list_price, unit)
        base = quantities[len(quantities) // 2]
        reorder_point = base * 3
        is_low = index in low
        products.append(
            ProductSpec(
                sku=sku,
                name=name,
                category=category,
                unit=unit,
                list_price_amount=list_price,
                cost_amount=cost,
                reorder_point=reorder_point,
                quantities=quantities,
                opening={
                    "SH": base if is_low else base * 15,
                    "GZ": base * 8,
                    "BJ": base * 7,
                },
                is_low=is_low,
                popularity=rng.lognormvariate(0, 0.7),
                supplier=rng.choice([s.code for s in suppliers if category in s.categories]),
            )
        )
    return products
