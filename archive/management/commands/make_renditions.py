from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import UnidentifiedImageError

from archive.models import Attachment


class Command(BaseCommand):
    help = (
        "Make the display sizes that images stored earlier lack (the JPEG fallbacks, the middle "
        "width, the blurred stand-in of a sensitive image), from each stored original. Images "
        "that have them all are left alone, so it can run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be made; write nothing."
        )

    def handle(self, *args, dry_run, **options):
        made = failed = 0
        with transaction.atomic():
            for attachment in Attachment.objects.missing_renditions().order_by("pk"):
                missing = attachment.missing_renditions
                label = f"{attachment.original_name} (attachment {attachment.pk})"
                if dry_run:
                    self.stdout.write(f"Would make {', '.join(missing)} for {label}.")
                    made += 1
                    continue
                try:
                    attachment.make_renditions()
                except FileNotFoundError:
                    self.stdout.write(f"Skipped {label}: its stored file is missing.")
                    failed += 1
                    continue
                except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
                    self.stdout.write(f"Skipped {label}: its stored file is not a readable image.")
                    failed += 1
                    continue
                attachment.save(update_fields=missing)
                self.stdout.write(f"Made {', '.join(missing)} for {label}.")
                made += 1
        verb = "would get" if dry_run else "got"
        summary = f"{made} image(s) {verb} their missing display sizes."
        if failed:
            summary += f" {failed} could not be read (above)."
        self.stdout.write(summary)
