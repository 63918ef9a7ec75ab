"""Domain signals of orders, sent after commit for the apps above it."""

from django.dispatch import Signal

# A return was received by the warehouse (finance credits it). Sent with return_id,
# order_id and the actor who received it.
return_received = Signal()
