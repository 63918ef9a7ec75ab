"""Domain signals of inventory, sent after commit for the apps above it."""

from django.dispatch import Signal

# Stock became available in a warehouse (goods received, returned, transferred in,
# counted up): orders reserves its backorders. Sent with product_id and warehouse_id.
stock_available = Signal()
