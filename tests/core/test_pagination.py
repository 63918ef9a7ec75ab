"""Keyset pagination walks every row exactly once, forwards and back, for every sort."""

import pytest

from opms.core.pagination import keyset_page
from orders.models import SalesOrder
from orders.selectors import LIST_ORDERINGS


@pytest.mark.parametrize("ordering", sorted(set(LIST_ORDERINGS.values())))
def test_pages_cover_every_order_once_in_both_directions(products, make_order, ordering):
    for quantity in [3, 1, 3, 2, 5, 1, 4]:
        make_order([(products[1], quantity)])
    seen, cursor, pages = [], None, []
    while True:
        page = keyset_page(SalesOrder.objects.all(), ordering=ordering, cursor=cursor, size=3)
        pages.append(page)
        seen += [order.pk for order in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    expected = list(
        SalesOrder.objects.order_by(
            ordering, "-pk" if ordering.startswith("-") else "pk"
        ).values_list("pk", flat=True)
    )
    assert seen == expected
    assert [len(page.items) for page in pages] == [3, 3, 1]
    back = keyset_page(
        SalesOrder.objects.all(),
        ordering=ordering,
        cursor=pages[-1].previous_cursor,
        size=3,
        direction="previous",
    )
    assert [order.pk for order in back.items] == [order.pk for order in pages[1].items]


def test_a_forged_cursor_shows_the_first_page(products, make_order):
    make_order([(products[1], 1)])
    page = keyset_page(SalesOrder.objects.all(), ordering="-created_at", cursor="%%bad", size=3)
    assert len(page.items) == 1
