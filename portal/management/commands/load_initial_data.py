from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from portal import search

# In dependency order. Every record has a natural key, so loading again updates, never doubles.
FIXTURES = [
    "organizations.json",
    "documents.json",
    "memorials.json",
]


class Command(BaseCommand):
    help = "Load the portal's seed content (fixtures/). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Load inside a transaction and roll it back."
        )

    def handle(self, *args, dry_run, **options):
        paths = [str(settings.BASE_DIR / "fixtures" / name) for name in FIXTURES]
        with transaction.atomic():
            call_command("loaddata", *paths, verbosity=options["verbosity"], stdout=self.stdout)
            # Fixtures are saved raw, relations after their objects: index them whole, once.
            search.rebuild()
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write("Dry run: the fixtures load cleanly; nothing was written.")
