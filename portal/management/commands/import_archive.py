from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import bags
from portal.database import refresh_statistics


class Command(BaseCommand):
    help = (
        "Validate the BagIt bag in DIR (written by export_archive) and load it into this "
        "instance, which must hold no content yet. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and load, then roll back."
        )

    def handle(self, *args, directory, dry_run, **options):
        try:
            counts = bags.import_bag(directory, dry_run=dry_run)
        except bags.BagRefused as error:
            raise CommandError(f"{directory}: {error}. Nothing was loaded.") from None
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        if dry_run:
            self.stdout.write("Dry run: the bag is valid and loads cleanly; nothing was written.")
        else:
            refresh_statistics()
            self.stdout.write(f"Loaded {sum(counts.values())} records from {directory}.")
