"""Time of a batch order import: check and confirm N lines (5 lines per order).

Usage: DATABASE_URL=postgres://... python bench/import_orders.py [lines]   (default 100000)
Runs against a migrated database of its own; each run uses new external numbers.
"""

import os
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opms.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402

from customers.models import Customer  # noqa: E402
from inventory.models import Product, Warehouse  # noqa: E402
from opms.accounts.models import User  # noqa: E402
from orders.imports.processing import import_check, import_confirm  # noqa: E402
from orders.imports.services import import_confirm_start  # noqa: E402
from orders.models import ImportBatch  # noqa: E402


def main(lines: int) -> dict:
    user, _ = User.objects.get_or_create(username="bench-import", defaults={"sales_scope": "all"})
    user.groups.add(Group.objects.get(name="sales"))
    Warehouse.objects.get_or_create(code="BW", defaults={"name": "bench"})
    customer, _ = Customer.objects.get_or_create(code="BENCH-I", defaults={"name": "bench"})
    skus = []
    for index in range(50):
        product, _ = Product.objects.get_or_create(
            sku=f"BI-{index:03d}", defaults={"name": f"bench {index}", "list_price_amount": 10}
        )
        skus.append(product.sku)
    run = uuid.uuid4().hex[:6]
    rows = ["External order number,Customer code,SKU,Quantity,Unit price,Warehouse code"]
    for line in range(lines):
        rows.append(f"{run}-{line // 5},{customer.code},{skus[line % 50]},1,{Decimal('9.5')},BW")
    content = ("\n".join(rows) + "\n").encode()
    batch = ImportBatch.objects.create(
        kind="orders", file_name="bench.csv", content=content, created_by=user
    )
    started = time.monotonic()
    batch = import_check(batch_id=batch.pk)
    checked = time.monotonic()
    assert batch.status == ImportBatch.Status.READY, batch.errors[:3]
    import_confirm_start(batch_id=batch.pk, actor=user)
    batch = import_confirm(batch_id=batch.pk)
    done = time.monotonic()
    assert batch.status == ImportBatch.Status.DONE, batch.errors[:3]
    print(
        f"{lines} lines / {lines // 5} orders: check {checked - started:.1f} s, "
        f"import {done - checked:.1f} s, total {done - started:.1f} s ({batch.status})"
    )
    return {
        "lines": lines,
        "orders": lines // 5,
        "check_s": round(checked - started, 2),
        "import_s": round(done - checked, 2),
        "total_s": round(done - started, 2),
        "lines_per_s": round(lines / (done - started), 1),
        "status": batch.status,
    }


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
