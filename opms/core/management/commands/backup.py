"""`manage.py backup`: pg_dump (custom format) + uploaded files, timestamped under var/backups."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opms.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format) and MEDIA_ROOT into var/backups/<time>/."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, help="instead of var/backups")

    def handle(self, *args, output_dir=None, **options):
        try:
            folder = backup_create(output_dir=output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"backup written to {folder}"))
