"""The pricing engine: table-driven selection, breaks, validity, promotions, rounding."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.forms import PriceRuleForm
from customers.models import PriceList, PriceRule
from customers.pricing import PriceBook, price_quote, price_rules_for
from tests.factories import CustomerFactory

D = Decimal
DAY = date(2026, 11, 11)
LIST_PRICE = D("10.00")


def make_list(kind="default", customer=None, tier="", promo=False, **fields):
    return PriceList.objects.create(
        name=fields.pop("name", f"{kind} list"),
        kind=kind,
        customer=customer if kind == "customer" else None,
        tier=tier if kind == "tier" else "",
        is_promotion=promo,
        **fields,
    )


def make_rule(price_list, name, price=None, discount=None, sku="SKU-1", code="", **fields):
    return PriceRule.objects.create(
        price_list=price_list,
        name=name,
        product_sku="" if code else sku,
        category_code=code,
        basis="fixed_price" if price is not None else "discount_percent",
        fixed_price_amount=D(price) if price is not None else None,
        discount_percent=D(discount) if discount is not None else None,
        **fields,
    )


def quote(customer, quantity=1, on=DAY, sku="SKU-1", code="CAT"):
    return price_quote(
        customer=customer,
        sku=sku,
        category_code=code,
        list_price=LIST_PRICE,
        quantity=quantity,
        on=on,
    )


@pytest.fixture
def buyer(db):
    return CustomerFactory(tier="A")


# Each rule: (list kind, target "sku"/"cat", price, priority, min_quantity, name)
SPECIFICITY = [
    (
        "customer beats tier",
        [("tier", "sku", "8", 0, 1, "T"), ("customer", "sku", "9", 0, 1, "C")],
        "C",
    ),
    (
        "tier beats default",
        [("default", "sku", "7", 9, 1, "D"), ("tier", "sku", "9", 0, 1, "T")],
        "T",
    ),
    (
        "list scope before target",
        [("default", "sku", "7", 0, 1, "D"), ("customer", "cat", "9", 0, 1, "C")],
        "C",
    ),
    (
        "product beats category",
        [("default", "cat", "7", 9, 1, "CAT"), ("default", "sku", "9", 0, 1, "P")],
        "P",
    ),
    (
        "highest break reached",
        [("default", "sku", "9", 9, 1, "B1"), ("default", "sku", "8", 0, 5, "B5")],
        "B5",
    ),
    (
        "break not reached",
        [("default", "sku", "9", 0, 1, "B1"), ("default", "sku", "8", 0, 50, "B50")],
        "B1",
    ),
    (
        "priority",
        [("default", "sku", "9", 1, 1, "LOW"), ("default", "sku", "8", 2, 1, "HIGH")],
        "HIGH",
    ),
    (
        "lowest id on a tie",
        [("default", "sku", "9", 0, 1, "FIRST"), ("default", "sku", "8", 0, 1, "SECOND")],
        "FIRST",
    ),
    (
        "other tier ignored",
        [("tierB", "sku", "5", 0, 1, "B"), ("default", "sku", "9", 0, 1, "D")],
        "D",
    ),
]


@pytest.mark.parametrize(("label", "rules", "winner"), SPECIFICITY, ids=[s[0] for s in SPECIFICITY])
def test_most_specific_rule_wins(buyer, label, rules, winner):
    for kind, target, price, priority, min_quantity, name in rules:
        tier = "B" if kind == "tierB" else "A"
        price_list = make_list(
            "tier" if kind.startswith("tier") else kind, customer=buyer, tier=tier
        )
        make_rule(
            price_list,
            name,
            price=price,
            code="CAT" if target == "cat" else "",
            priority=priority,
            min_quantity=min_quantity,
        )
    assert quote(buyer, quantity=10).rule_name == winner


@pytest.mark.parametrize(
    ("mode", "quantity", "expected"),
    [
        ("volume", 9, D("10.00")),
        ("volume", 10, D("9.00")),
        ("volume", 15, D("9.00")),
        ("graduated", 9, D("10.00")),
        ("graduated", 10, D("9.90")),  # (9×10 + 1×9)/10
        ("graduated", 15, D("9.60")),  # (9×10 + 6×9)/15
        ("graduated", 30, None),  # with a 20+ break at 8.00: (9×10 + 10×9 + 11×8)/30
    ],
)
def test_quantity_breaks(buyer, mode, quantity, expected):
    default = make_list()
    make_rule(default, "1+", price="10.00", break_mode=mode)
    make_rule(default, "10+", price="9.00", min_quantity=10, break_mode=mode)
    if quantity == 30:
        make_rule(default, "20+", price="8.00", min_quantity=20, break_mode=mode)
        expected = (D(9 * 10 + 10 * 9 + 11 * 8) / 30).quantize(D("0.01"))
    assert quote(buyer, quantity=quantity).unit_price == expected


def test_graduated_prices_units_below_the_lowest_break_at_list_price(buyer):
    make_rule(make_list(), "5+", price="8.00", min_quantity=5, break_mode="graduated")
    # 4 × 10.00 + 2 × 8.00 = 56 / 6 = 9.333… → 9.33
    assert quote(buyer, quantity=6).unit_price == D("9.33")


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "on", "applies"),
    [
        (date(2026, 11, 1), date(2026, 11, 11), date(2026, 11, 11), True),  # last day inclusive
        (date(2026, 11, 11), date(2026, 11, 30), date(2026, 11, 11), True),  # first day inclusive
        (date(2026, 11, 1), date(2026, 11, 10), date(2026, 11, 11), False),  # ended the day before
        (date(2026, 11, 12), None, date(2026, 11, 11), False),  # starts the day after
        (None, None, date(2026, 11, 11), True),  # open
    ],
)
@pytest.mark.parametrize("on_list", [True, False])
def test_validity_edges(buyer, valid_from, valid_to, on, applies, on_list):
    period = {"valid_from": valid_from, "valid_to": valid_to}
    price_list = make_list(**(period if on_list else {}))
    make_rule(price_list, "R", price="8.00", **({} if on_list else period))
    result = quote(buyer, on=on)
    assert (result.rule_name == "R") is applies
    assert result.unit_price == (D("8.00") if applies else LIST_PRICE)


@pytest.mark.parametrize(
    ("list_active", "rule_active", "applies"),
    [(True, True, True), (False, True, False), (True, False, False)],
)
def test_inactive_lists_and_rules_are_ignored(buyer, list_active, rule_active, applies):
    make_rule(make_list(is_active=list_active), "R", price="8.00", is_active=rule_active)
    assert (quote(buyer).rule_name == "R") is applies


@pytest.mark.parametrize(
    ("promo_discount", "regular_price", "winner", "price"),
    [
        ("20", "9.00", "Double 11 -20%", D("8.00")),  # promotion cheaper
        ("5", "9.00", "Regular", D("9.00")),  # regular cheaper
        ("10", "9.00", "Double 11 -10%", D("9.00")),  # equal price: the promotion
    ],
)
def test_promotion_and_regular_rule_at_the_same_specificity(
    buyer, promo_discount, regular_price, winner, price
):
    make_rule(make_list(), "Regular", price=regular_price, priority=5)
    promo = make_list(promo=True, name="Double 11")
    make_rule(promo, f"Double 11 -{promo_discount}%", discount=promo_discount)
    result = quote(buyer)
    assert (result.rule_name, result.unit_price) == (winner, price)
    assert result.is_promotion is winner.startswith("Double")


def test_a_more_specific_regular_rule_beats_a_cheaper_default_promotion(buyer):
    make_rule(make_list(promo=True), "Promo", discount="50")
    make_rule(make_list("customer", customer=buyer), "Contract", price="9.50")
    assert quote(buyer).rule_name == "Contract"


@pytest.mark.parametrize(
    ("discount", "expected"),
    [("33.33", D("6.67")), ("12.5", D("8.75")), ("0.05", D("10.00")), ("0.06", D("9.99"))],
)
def test_discount_prices_round_half_up(buyer, discount, expected):
    make_rule(make_list(), "R", discount=discount)
    assert quote(buyer).unit_price == expected


def test_no_rule_gives_the_list_price(buyer):
    result = quote(buyer)
    assert (result.unit_price, result.rule_name) == (LIST_PRICE, "")


def test_lists_in_another_currency_are_ignored(buyer):
    make_rule(make_list(currency="USD"), "USD", price="1.00")
    assert quote(buyer).rule_name == ""


def test_pricing_five_lines_costs_one_query(buyer):
    default = make_list()
    tier = make_list("tier", tier="A")
    for n in range(5):
        make_rule(default, f"D{n}", price="9.00", sku=f"SKU-{n}")
        make_rule(tier, f"T{n}", price="8.00", sku=f"SKU-{n}", min_quantity=3)
    make_rule(default, "Category", discount="5", code="CAT")
    with CaptureQueriesContext(connection) as queries:
        candidates = price_rules_for(buyer, [f"SKU-{n}" for n in range(5)], ["CAT"], DAY)
        quotes = [
            price_quote(
                customer=buyer,
                sku=f"SKU-{n}",
                category_code="CAT",
                list_price=LIST_PRICE,
                quantity=n + 1,
                on=DAY,
                candidates=candidates,
            )
            for n in range(5)
        ]
    assert len(queries) == 1
    assert [q.rule_name for q in quotes] == ["D0", "D1", "T2", "T3", "T4"]


def test_a_price_book_quotes_many_customers_as_price_quote_does_in_one_query(buyer):
    """Customers of every list scope and two currencies, products by SKU and category,
    breaks (volume and graduated), a promotion, an expired rule and an inactive list."""
    other = CustomerFactory(tier="B")
    dollars = CustomerFactory(tier="A", currency="USD")
    default, tier_a, tier_b = make_list(), make_list("tier", tier="A"), make_list("tier", tier="B")
    own = make_list("customer", customer=buyer)
    promotion = make_list(promo=True, name="Promo")
    usd = make_list(currency="USD", name="USD")
    make_rule(default, "D1", price="9.00")
    make_rule(default, "Cat", discount="5", code="CAT")
    make_rule(default, "Cat2", discount="7.5", code="CAT2", min_quantity=4)
    make_rule(tier_a, "TA1", price="8.50", sku="SKU-2")
    make_rule(tier_a, "TA-g1", price="8.00", sku="SKU-3", break_mode="graduated", min_quantity=2)
    make_rule(tier_a, "TA-g5", price="7.00", sku="SKU-3", break_mode="graduated", min_quantity=5)
    make_rule(tier_b, "TB", discount="12.5", code="CAT")
    make_rule(own, "Own", price="6.66", sku="SKU-4", min_quantity=3)
    make_rule(promotion, "Promo", price="8.40", sku="SKU-2")
    make_rule(usd, "USD", price="1.25", sku="SKU-1")
    make_rule(default, "Expired", price="0.10", sku="SKU-5", valid_to=date(2026, 1, 1))
    make_rule(make_list(is_active=False, name="Off"), "Off", price="0.20", sku="SKU-5")
    customers = [buyer, other, dollars]
    products = [(f"SKU-{n}", code) for n in range(1, 7) for code in ("CAT", "CAT2", "")]

    with CaptureQueriesContext(connection) as queries:
        book = PriceBook(
            customers=customers,
            skus=[sku for sku, _ in products],
            category_codes=[code for _, code in products],
            on=DAY,
        )
        quoted = {
            (customer.pk, sku, code, quantity): book.quote(
                customer=customer,
                sku=sku,
                category_code=code,
                list_price=LIST_PRICE,
                quantity=quantity,
            )
            for customer in customers
            for sku, code in products
            for quantity in (1, 3, 4, 6)
        }

    assert len(queries) == 1
    expected = {
        (customer.pk, sku, code, quantity): quote(customer, quantity, sku=sku, code=code)
        for customer in customers
        for sku, code in products
        for quantity in (1, 3, 4, 6)
    }
    assert quoted == expected
    assert {q.rule_name for q in quoted.values()} == {
        "", "D1", "Cat", "Cat2", "TA1", "TA-g1", "TA-g5", "TB", "Own", "Promo", "USD"
    }  # fmt: skip


def test_an_empty_price_book_quotes_list_prices_without_a_query(buyer, django_assert_num_queries):
    with django_assert_num_queries(0):
        book = PriceBook(customers=[buyer], skus=[], category_codes=[""], on=DAY)
        quoted = book.quote(
            customer=buyer, sku="SKU-1", category_code="", list_price=LIST_PRICE, quantity=2
        )
    assert quoted == price_quote(
        customer=buyer, sku="SKU-1", category_code="", list_price=LIST_PRICE, quantity=2, on=DAY
    )


def test_form_refuses_an_overlapping_rule_with_equal_priority(buyer):
    default = make_list()
    make_rule(default, "Existing", price="9.00", valid_from=date(2026, 11, 1))
    data = {
        "name": "Twin",
        "product_sku": "SKU-1",
        "category_code": "",
        "min_quantity": 1,
        "basis": "fixed_price",
        "fixed_price_amount": "8.00",
        "break_mode": "volume",
        "priority": 0,
        "valid_from": "2026-11-20",
        "is_active": True,
    }
    form = PriceRuleForm(data=data, instance=PriceRule(price_list=default))
    assert not form.is_valid()
    assert "Existing" in str(form.non_field_errors())
    assert PriceRule.objects.count() == 1
    form = PriceRuleForm(data={**data, "priority": 1}, instance=PriceRule(price_list=default))
    assert form.is_valid(), form.errors
