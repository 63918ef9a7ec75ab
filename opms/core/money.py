"""Money: one field helper, one rounding rule (half-up to the currency's minor unit)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

ZERO = Decimal("0.00")
MINOR_UNITS = {"CNY": 2, "USD": 2, "EUR": 2, "HKD": 2, "JPY": 0}


def MoneyField(verbose_name=None, **kwargs) -> models.DecimalField:  # noqa: N802 - field factory
    """A money column: 14 digits, 2 decimals, defaulting to zero."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, **kwargs)


def to_decimal(value) -> Decimal:
    """Turn user or stored input into a Decimal, refusing floats."""
    if isinstance(value, float):
        raise TypeError("Money never comes from a float.")
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def round_money(value, currency: str = "CNY") -> Decimal:
    """Round half-up to the currency's minor unit."""
    places = MINOR_UNITS.get(currency, 2)
    exponent = Decimal(1).scaleb(-places)
    return to_decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)
