"""The pricing engine: which price rule prices a product for a customer, and at what price.

Deterministic selection (documented in the README, "Pricing rules"):

1. Only active price lists and active rules valid on the day (``valid_from`` and
   ``valid_to`` inclusive, empty means open) count, and only lists in the customer's
   currency.
2. The most specific list wins: the customer's own list > its tier's list > default.
3. Within that list scope, a product (SKU) rule beats a category rule.
4. Then the highest quantity break reached (``min_quantity <= quantity``), then the
   highest priority, then the lowest id.
5. Promotions compete at their own scope like any list. When the best promotional and
   the best regular rule tie on specificity (steps 2 and 3), the lower resulting unit
   price wins; on an equal price the promotion wins.
6. Graduated breaks average the tiers of the same list and scope weighted by the units
   each tier prices (units below the lowest break are at list price); volume breaks
   price every unit at the break reached.
7. No rule: the product's list price.

Customers and inventory do not import each other, so products come in as SKU and
category code strings.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from customers.models import PriceList, PriceRule
from opms.core.money import round_money
from opms.core.sql import column, columns, placeholders, rows_fetch, table

HUNDRED = Decimal("100")
LIST_RANK = {PriceList.Kind.CUSTOMER: 3, PriceList.Kind.TIER: 2, PriceList.Kind.DEFAULT: 1}


@dataclass(frozen=True)
class PriceQuote:
    unit_price: Decimal
    rule_name: str = ""
    price_list_name: str = ""
    is_promotion: bool = False

    @property
    def is_list_price(self) -> bool:
        return not self.rule_name


def _valid(obj, on: date) -> bool:
    return (
        obj.is_active
        and (obj.valid_from is None or obj.valid_from <= on)
        and (obj.valid_to is None or obj.valid_to >= on)
    )


def _currency(customer) -> str:
    return getattr(customer, "currency", None) or "CNY"


def _list_rank(price_list: PriceList, customer) -> int:
    """How specific the list is for this customer; 0 when it does not apply."""
    if price_list.kind == PriceList.Kind.CUSTOMER:
        return 3 if customer is not None and price_list.customer_id == customer.pk else 0
    if price_list.kind == PriceList.Kind.TIER:
        return 2 if customer is not None and price_list.tier == customer.tier else 0
    return 1


def _target_rank(rule: PriceRule, sku: str, category_code: str) -> int:
    if rule.product_sku:
        return 2 if rule.product_sku == sku else 0
    if rule.category_code:
        return 1 if category_code and rule.category_code == category_code else 0
    return 0


def _rules(lists: Q, skus: Iterable[str], codes: Iterable[str], currencies, on: date):
    """Active rules valid on the day, of active lists valid on the day in these currencies,
    on these lists and aimed at these SKUs or categories."""
    targets = Q(product_sku__in=skus) | Q(category_code__in=codes)
    return list(
        PriceRule.objects.filter(lists, targets)
        .filter(
            is_active=True,
            price_list__is_active=True,
            price_list__currency__in=sorted(currencies),
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .filter(Q(price_list__valid_from__isnull=True) | Q(price_list__valid_from__lte=on))
        .filter(Q(price_list__valid_to__isnull=True) | Q(price_list__valid_to__gte=on))
        .select_related("price_list")
        .order_by("pk")
    )


def price_rules_for(
    customer, skus: Iterable[str], category_codes: Iterable[str], on: date
) -> list[PriceRule]:
    """Every rule that could price these products for the customer on the day, one query.

    Pass the result as ``candidates`` to ``price_quote`` to price many lines.
    """
    skus = sorted({sku for sku in skus if sku})
    codes = sorted({code for code in category_codes if code})
    if not skus and not codes:
        return []
    # Hand-written (opms.core.sql): it runs for every order entered, and the ORM took
    # longer to compile its OR-ed conditions than the database took to answer.
    rule, price_list = "r", "pl"
    lists = [f"{price_list}.{column(PriceList, 'kind')} = %s"]
    params: list = [PriceList.Kind.DEFAULT]
    if customer is not None:
        lists.append(
            f"({price_list}.{column(PriceList, 'kind')} = %s "
            f"AND {price_list}.{column(PriceList, 'tier')} = %s)"
        )
        lists.append(
            f"({price_list}.{column(PriceList, 'kind')} = %s "
            f"AND {price_list}.{column(PriceList, 'customer')} = %s)"
        )
        params += [PriceList.Kind.TIER, customer.tier, PriceList.Kind.CUSTOMER, customer.pk]
    targets = []
    if skus:
        targets.append(f"{rule}.{column(PriceRule, 'product_sku')} IN ({placeholders(len(skus))})")
        params += skus
    if codes:
        targets.append(
            f"{rule}.{column(PriceRule, 'category_code')} IN ({placeholders(len(codes))})"
        )
        params += codes
    day = connection.ops.adapt_datefield_value(on)
    valid = []
    for alias, model in ((rule, PriceRule), (price_list, PriceList)):
        start, end = column(model, "valid_from"), column(model, "valid_to")
        valid.append(f"({alias}.{start} IS NULL OR {alias}.{start} <= %s)")
        valid.append(f"({alias}.{end} IS NULL OR {alias}.{end} >= %s)")
        params += [day, day]
    sql = (
        f"SELECT {columns(PriceRule, rule)}, {columns(PriceList, price_list)} "  # noqa: S608
        f"FROM {table(PriceRule)} {rule} JOIN {table(PriceList)} {price_list} "
        f"ON {price_list}.{column(PriceList, 'id')} = {rule}.{column(PriceRule, 'price_list')} "
        f"WHERE ({' OR '.join(lists)}) AND ({' OR '.join(targets)}) AND {' AND '.join(valid)} "
        f"AND {rule}.{column(PriceRule, 'is_active')} = %s "
        f"AND {price_list}.{column(PriceList, 'is_active')} = %s "
        f"AND {price_list}.{column(PriceList, 'currency')} = %s "
        f"ORDER BY {rule}.{column(PriceRule, 'id')}"
    )
    params += [True, True, _currency(customer)]
    return rows_fetch(PriceRule, sql, params, related=[("price_list", PriceList)])


class PriceBook:
    """The candidate rules of many customers and products, loaded in one query, and the
    quotes they give (the same as ``price_quote``), each worked out once.

    For pricing a batch of orders: build it with every customer, SKU and category code
    involved, then ``quote`` each line without a query.
    """

    def __init__(self, *, customers, skus: Iterable[str], category_codes: Iterable[str], on):
        customers = list(customers)
        skus = sorted({sku for sku in skus if sku})
        codes = sorted({code for code in category_codes if code})
        self.on = on
        self._by_sku: dict[str, list[PriceRule]] = {}
        self._by_category: dict[str, list[PriceRule]] = {}
        self._quotes: dict[tuple, PriceQuote] = {}
        if not customers or not (skus or codes):
            return
        lists = Q(price_list__kind=PriceList.Kind.DEFAULT)
        lists |= Q(
            price_list__kind=PriceList.Kind.TIER,
            price_list__tier__in=sorted({customer.tier for customer in customers}),
        )
        lists |= Q(
            price_list__kind=PriceList.Kind.CUSTOMER,
            price_list__customer_id__in=sorted({customer.pk for customer in customers}),
        )
        currencies = {_currency(customer) for customer in customers}
        for rule in _rules(lists, skus, codes, currencies, on):
            if rule.product_sku:
                self._by_sku.setdefault(rule.product_sku, []).append(rule)
            elif rule.category_code:
                self._by_category.setdefault(rule.category_code, []).append(rule)

    def quote(
        self, *, customer, sku: str, category_code: str, list_price: Decimal, quantity: int
    ) -> PriceQuote:
        """What ``price_quote`` gives for this line on the book's day, without a query."""
        key = (customer.pk, customer.tier, _currency(customer), sku, category_code)
        key += (list_price, quantity)
        quote = self._quotes.get(key)
        if quote is None:
            candidates = self._by_sku.get(sku, []) + self._by_category.get(category_code, [])
            quote = price_quote(
                customer=customer,
                sku=sku,
                category_code=category_code,
                list_price=list_price,
                quantity=quantity,
                on=self.on,
                candidates=[rule for rule in candidates if _list_rank(rule.price_list, customer)],
            )
            self._quotes[key] = quote
        return quote


def _rule_price(rule: PriceRule, list_price: Decimal) -> Decimal:
    """The unrounded unit price the rule gives."""
    if rule.basis == PriceRule.Basis.FIXED_PRICE:
        return rule.fixed_price_amount
    return list_price * (HUNDRED - (rule.discount_percent or Decimal("0"))) / HUNDRED


def _best(rules: list[PriceRule]) -> PriceRule:
    """Highest break reached, then highest priority, then lowest id."""
    return min(rules, key=lambda r: (-r.min_quantity, -r.priority, r.pk))


def _unit_price(
    winner: PriceRule, scope: list[PriceRule], list_price: Decimal, quantity: int
) -> Decimal:
    if winner.break_mode != PriceRule.BreakMode.GRADUATED or quantity <= 0:
        return _rule_price(winner, list_price)
    # One rule per break of the same list and scope (best by priority, then id).
    same = [
        r
        for r in scope
        if r.price_list_id == winner.price_list_id
        and r.product_sku == winner.product_sku
        and r.category_code == winner.category_code
    ]
    breaks: dict[int, PriceRule] = {}
    for rule in same:
        held = breaks.get(rule.min_quantity)
        if held is None or (-rule.priority, rule.pk) < (-held.priority, held.pk):
            breaks[rule.min_quantity] = rule
    starts = sorted(breaks)
    total = Decimal("0")
    if starts[0] > 1:
        total += list_price * (starts[0] - 1)
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else quantity
        total += _rule_price(breaks[start], list_price) * (end - start + 1)
    return total / quantity


def price_quote(
    *,
    customer,
    sku: str,
    category_code: str,
    list_price: Decimal,
    quantity: int,
    on: date,
    candidates: Iterable[PriceRule] | None = None,
) -> PriceQuote:
    """The unit price of ``quantity`` units of a product for the customer on the day.

    ``candidates`` are rules from ``price_rules_for`` (fetched here when omitted); the
    choice among them needs no query.
    """
    if candidates is None:
        candidates = price_rules_for(customer, [sku], [category_code], on)
    currency = _currency(customer)
    ranked: dict[tuple[int, int], list[PriceRule]] = {}
    for rule in candidates:
        price_list = rule.price_list
        if not (_valid(rule, on) and _valid(price_list, on)) or price_list.currency != currency:
            continue
        list_rank = _list_rank(price_list, customer)
        target_rank = _target_rank(rule, sku, category_code)
        if list_rank and target_rank:
            ranked.setdefault((list_rank, target_rank), []).append(rule)
    for specificity in sorted(ranked, reverse=True):
        scope = [rule for rule in ranked[specificity] if rule.min_quantity <= quantity]
        if not scope:
            continue
        offers = []
        for promotion in (True, False):
            rules = [rule for rule in scope if rule.price_list.is_promotion is promotion]
            if rules:
                winner = _best(rules)
                offers.append((_unit_price(winner, rules, list_price, quantity), winner))
        # Lower price wins; on an equal price the promotion (listed first) stays.
        price, winner = min(offers, key=lambda offer: offer[0])
        return PriceQuote(
            unit_price=round_money(price, currency),
            rule_name=winner.name,
            price_list_name=winner.price_list.name,
            is_promotion=winner.price_list.is_promotion,
        )
    return PriceQuote(unit_price=round_money(list_price, currency))
