"""Backup and restore of the whole installation: a PostgreSQL dump plus the uploaded files.

A backup is a timestamped folder under var/backups/ (or --output-dir):

    database.dump   pg_dump --format=custom (compressed; pg_restore reads it)
    media.tar.gz    MEDIA_ROOT (uploads, generated reports)
    manifest.json   when, from which database, and every table's row count and checksum

`restore` loads both into a database (an empty one, or the same one: --clean) and compares
the restored tables with the manifest, so a restore that lost anything says so.
"""

import json
import os
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _libpq(settings_dict: dict) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump / pg_restore from Django's database settings."""
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backup and restore need PostgreSQL (DATABASE_URL=postgres://…).")
    args = ["--dbname", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def table_fingerprints(alias: str = "default") -> dict[str, list]:
    """{table: [rows, checksum]}: an order-independent sum of a hash of every row's text."""
    connection = connections[alias]
    fingerprints = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*), COALESCE(sum(hashtextextended(t::text, 0)::numeric), 0) "  # noqa: S608
                f"FROM {quoted} t"
            )
            rows, checksum = cursor.fetchone()
            fingerprints[table] = [rows, str(checksum)]
    return fingerprints


def backup_create(*, output_dir: Path | None = None, alias: str = "default") -> Path:
    settings_dict = connections[alias].settings_dict
    args, env = _libpq(settings_dict)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(output_dir or settings.VAR_DIR / "backups") / stamp
    folder.mkdir(parents=True, exist_ok=False)
    # Fingerprints first, then the dump in one snapshot: on a busy system they can differ by
    # the writes in between; restore reports such differences instead of hiding them.
    fingerprints = table_fingerprints(alias)
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / DUMP), *args],
        env=env,
        check=True,
    )
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname="media")
    manifest = {
        "created_at": stamp,
        "database": settings_dict["NAME"],
        "tables": fingerprints,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return folder


def backup_restore(
    *, folder: Path, alias: str = "default", media_root: Path | None = None, clean: bool = False
) -> dict[str, list]:
    """Load the dump and the files; return {table: [expected, restored]} of every mismatch."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    connection = connections[alias]
    args, env = _libpq(connection.settings_dict)
    connection.close()
    command = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", *args]
    if clean:
        command[1:1] = ["--clean", "--if-exists"]
    subprocess.run([*command, str(folder / DUMP)], env=env, check=True)
    target = Path(media_root or settings.MEDIA_ROOT)
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA, "r:gz") as archive:
        for member in archive.getmembers():
            if not member.name.startswith("media") or ".." in member.name:
                raise BackupError(f"unexpected path in the media archive: {member.name}")
            member.name = member.name[len("media") :].lstrip("/") or "."
            archive.extract(member, target, filter="data")
    restored = table_fingerprints(alias)
    return {
        table: [expected, restored.get(table)]
        for table, expected in manifest["tables"].items()
        if restored.get(table) != expected
    }
