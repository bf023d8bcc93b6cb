from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext

from portal import content, revisions


class Command(BaseCommand):
    help = (
        "Give every content item that has no revision yet (loaded before loads recorded one) "
        "its first revision, so that its first edit can be compared and undone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report how many would get one; write nothing."
        )

    def handle(self, *args, dry_run, **options):
        reason = gettext("First revision of an item that had none")
        total = 0
        with transaction.atomic():
            for model in content.models():
                if getattr(model, "history", None) is None:
                    continue
                keys = list(revisions.without_history(model).values_list("pk", flat=True))
                if not keys:
                    continue
                if not dry_run:
                    revisions.create_revisions(model, dict.fromkeys(keys, reason), only_first=True)
                total += len(keys)
                self.stdout.write(f"{model._meta.label_lower}: {len(keys)}")
            if dry_run:
                transaction.set_rollback(True)
        done = "would get" if dry_run else "got"
        self.stdout.write(f"{total} items {done} a first revision.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
