"""backup → restore into a fresh database: every table's rows and checksum, files, invariants."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from orders.services import order_submit

ROOT = Path(__file__).resolve().parents[2]

# The stock and money invariants of DESIGN.md, as queries that return the offending rows.
INVARIANTS = {
    "on hand is the ledger": """
        SELECT s.id FROM inventory_stocklevel s
        WHERE s.on_hand <> (SELECT COALESCE(sum(m.quantity), 0) FROM inventory_stockmove m
                            WHERE m.product_id = s.product_id
                              AND m.warehouse_id = s.warehouse_id)""",
    "reserved is the open reservations": """
        SELECT s.id FROM inventory_stocklevel s
        WHERE s.reserved > s.on_hand
           OR s.reserved <> (SELECT COALESCE(sum(r.quantity), 0) FROM orders_linereservation r
                             WHERE r.product_id = s.product_id
                               AND r.warehouse_id = s.warehouse_id)""",
    "order total is its lines": """
        SELECT o.id FROM orders_salesorder o
        WHERE o.total_amount <> (SELECT COALESCE(sum(l.net_amount + l.tax_amount), 0)
                                 FROM orders_salesorderline l WHERE l.order_id = o.id)""",
    "order numbers are unique": """
        SELECT number FROM orders_salesorder GROUP BY number HAVING count(*) > 1""",
}


def _url(name: str) -> str:
    settings = connection.settings_dict
    return f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"


@pytest.fixture
def fresh_database(transactional_db):
    name = connection.settings_dict["NAME"] + "_restore"
    admin = _url("postgres")
    with psycopg.connect(admin, autocommit=True) as admin_connection:
        admin_connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin_connection.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin, autocommit=True) as admin_connection:
        admin_connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_table_for_table(
    migrated_data, users, products, make_order, fresh_database, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "imports").mkdir(parents=True)
    (settings.MEDIA_ROOT / "imports" / "orders.csv").write_text("sku,quantity\nA,1\n")
    order = make_order([(products[0], 3), (products[1], 2)])
    order_submit(order_id=order.pk, actor=users["sales"])
    make_order([(products[2], 1)])

    call_command("backup", output_dir=tmp_path / "backups")
    (folder,) = (tmp_path / "backups").iterdir()
    assert {p.name for p in folder.iterdir()} == {"database.dump", "media.tar.gz", "manifest.json"}

    restored_media = tmp_path / "restored-media"
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder), "--media-root", str(restored_media)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _url(fresh_database)},
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "every table matches" in result.stdout
    assert (restored_media / "imports" / "orders.csv").read_text() == "sku,quantity\nA,1\n"
    with psycopg.connect(_url(fresh_database)) as restored:
        assert restored.execute("SELECT count(*) FROM orders_salesorder").fetchone()[0] == 2
        for name, query in INVARIANTS.items():
            assert restored.execute(query).fetchall() == [], name


def test_restore_reports_a_table_that_differs_from_the_backup(
    migrated_data, users, products, make_order, fresh_database, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_order([(products[0], 1)])
    call_command("backup", output_dir=tmp_path / "backups")
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = folder / "manifest.json"
    content = json.loads(manifest.read_text())
    content["tables"]["orders_salesorder"][0] += 1  # the backup said one order more
    manifest.write_text(json.dumps(content))

    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder), "--media-root", str(tmp_path / "m")],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _url(fresh_database)},
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "orders_salesorder" in result.stderr
