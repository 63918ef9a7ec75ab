"""The committed diagram of purchase orders and returns matches the transitions in the code."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import translation

DIAGRAM = Path(__file__).resolve().parents[2] / "docs" / "state-machines-purchasing-returns.dot"


def test_committed_purchase_order_and_return_diagram_is_current():
    output = StringIO()
    with translation.override("en"):
        call_command(
            "graph_transitions", "purchasing.PurchaseOrder", "orders.SalesReturn", stdout=output
        )
    generated = sorted(line.strip() for line in output.getvalue().splitlines() if line.strip())
    committed = sorted(line.strip() for line in DIAGRAM.read_text().splitlines() if line.strip())
    assert generated == committed, "run `make diagram` and commit the .dot files"
