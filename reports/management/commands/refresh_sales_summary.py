"""Re-materialise the sales summaries behind the dashboard (all, or from --since)."""

from datetime import date

from django.core.management.base import BaseCommand

from reports.services import sales_summary_refresh


class Command(BaseCommand):
    help = "Rebuild the dashboard's sales summaries (from --since YYYY-MM-DD, default all)."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=date.fromisoformat, default=None)

    def handle(self, *args, since=None, **options):
        run = sales_summary_refresh(since=since)
        self.stdout.write(f"sales summaries refreshed at {run.refreshed_at:%Y-%m-%d %H:%M:%S}")
