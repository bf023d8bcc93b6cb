from django.core.management.base import BaseCommand
from django.db import transaction

from portal import roles


class Command(BaseCommand):
    help = "Create or update the Editors and Publishers groups and their permissions."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, then roll back.")

    def handle(self, *args, dry_run, **options):
        with transaction.atomic():
            for name, count in roles.setup_roles().items():
                self.stdout.write(f"{name}: {count} permissions")
            if dry_run:
                self.stdout.write("Dry run: nothing was changed.")
                transaction.set_rollback(True)
