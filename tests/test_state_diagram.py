"""The committed state diagram matches the transitions in the code."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import translation

DIAGRAM = Path(__file__).resolve().parent.parent / "docs" / "state-machines.dot"


def test_committed_state_diagram_is_current():
    output = StringIO()
    with translation.override("en"):
        call_command(
            "graph_transitions",
            "orders.SalesOrder",
            "orders.Shipment",
            "finance.Invoice",
            stdout=output,
        )
    generated = sorted(line.strip() for line in output.getvalue().splitlines() if line.strip())
    committed = sorted(line.strip() for line in DIAGRAM.read_text().splitlines() if line.strip())
    assert generated == committed, "run `make diagram` and commit docs/state-machines.dot"
