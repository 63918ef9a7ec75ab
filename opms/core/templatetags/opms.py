"""Template helpers: money in the locale's format, query strings, status badges."""

from decimal import Decimal

from django import template
from django.template.loader import render_to_string

register = template.Library()

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "JPY": "¥"}


@register.filter
def money(value, currency: str = "CNY") -> str:
    """1234.5 -> '¥1,234.50'."""
    if value in (None, ""):
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    # Chinese and English business documents both group by thousands with commas.
    text = f"{abs(amount):,.2f}"
    return f"{sign}{CURRENCY_SYMBOLS.get(currency, currency + ' ')}{text}"


@register.simple_tag
def query_replace(request, **changes) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag
def status_badge(obj, field: str = "status") -> str:
    value = getattr(obj, field)
    label = getattr(obj, f"get_{field}_display")()
    return render_to_string("components/status_badge.html", {"value": value, "label": label})


@register.simple_tag
def choice_badge(choice) -> str:
    """A badge for a TextChoices member (e.g. order.payment_status)."""
    return render_to_string(
        "components/status_badge.html", {"value": choice.value, "label": choice.label}
    )


@register.filter
def get_item(mapping, key):
    """A dict value by a variable key (report tables)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
