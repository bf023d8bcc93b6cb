from django.core.management.base import BaseCommand
from django.db import transaction

from portal import search
from portal.models import SearchEntry


class Command(BaseCommand):
    help = "Rebuild the site-wide search index from every public item."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Rebuild, report the counts, roll back."
        )

    def handle(self, *args, dry_run, **options):
        before = SearchEntry.objects.count()
        with transaction.atomic():
            counts = search.rebuild()
            for label, count in counts.items():
                self.stdout.write(f"{label}: {count} indexed")
            self.stdout.write(
                f"{sum(counts.values())} entries (there were {before})."
                + (" Dry run: the index was left as it was." if dry_run else "")
            )
            if dry_run:
                transaction.set_rollback(True)
