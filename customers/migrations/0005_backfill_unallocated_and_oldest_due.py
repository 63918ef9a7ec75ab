"""Fill the two new credit figures of existing customers from finance's rows."""

from decimal import Decimal

from django.db import migrations
from django.db.models import F, Min, Sum

OPEN = ["issued", "partially_paid"]


def backfill(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    Payment = apps.get_model("finance", "Payment")
    Invoice = apps.get_model("finance", "Invoice")
    unallocated = dict(
        Payment.objects.values("customer_id")
        .annotate(total=Sum(F("amount") - F("allocated_amount")))
        .values_list("customer_id", "total")
    )
    oldest = dict(
        Invoice.objects.filter(status__in=OPEN)
        .values("customer_id")
        .annotate(due=Min("due_on"))
        .values_list("customer_id", "due")
    )
    for customer in Customer.objects.filter(pk__in=set(unallocated) | set(oldest)):
        customer.unallocated_payment_amount = unallocated.get(customer.pk) or Decimal("0.00")
        customer.oldest_open_invoice_due_on = oldest.get(customer.pk)
        customer.save(update_fields=["unallocated_payment_amount", "oldest_open_invoice_due_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_customer_unallocated_and_oldest_due"),
        ("finance", "0002_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
