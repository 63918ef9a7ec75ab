"""Receivers of lower apps' domain signals: each only calls an orders service."""

from django.dispatch import receiver

from inventory.signals import stock_available
from orders.services.backorders import backorders_reserve


@receiver(stock_available, dispatch_uid="orders_backorders_reserve")
def reserve_backorders_when_stock_arrives(sender, *, product_id: int, warehouse_id: int, **kwargs):
    backorders_reserve(product_id=product_id, warehouse_id=warehouse_id)
