"""`manage.py restore <folder>`: load a backup and check every table against its manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opms.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the database of DATABASE_URL (empty, or with --clean "
        "over the existing tables) and MEDIA_ROOT; fails when a table's row count or checksum "
        "differs from the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--clean", action="store_true", help="drop existing objects first")
        parser.add_argument("--media-root", type=Path, help="instead of MEDIA_ROOT")

    def handle(self, *args, folder: Path, clean: bool, media_root=None, **options):
        try:
            mismatches = backup_restore(folder=folder, clean=clean, media_root=media_root)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if mismatches:
            for table, (expected, restored) in sorted(mismatches.items()):
                self.stderr.write(f"{table}: backup {expected}, restored {restored}")
            raise CommandError(f"{len(mismatches)} tables differ from the backup")
        self.stdout.write(self.style.SUCCESS(f"restored {folder}: every table matches"))
