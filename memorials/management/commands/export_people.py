from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from memorials.models import Event
from memorials.registers import export_register, people_for_export


class Command(BaseCommand):
    help = (
        "Export the register of people to a spreadsheet (.csv in UTF-8, or .xlsx) in the "
        "columns import_people reads, with each person's status: drafts too, for editors. "
        "Dates are written at their precision; a cell a spreadsheet would run as a formula "
        "(=, +, -, @) is written with an apostrophe in front. Importing the file again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--event", metavar="SLUG", default="", help="Only the people of this event."
        )
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            default="",
            help="The file's format (default: from its name's ending).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many people; write no file."
        )

    def handle(self, *args, file, event, format, dry_run, **options):
        path = Path(file)
        file_format = format or path.suffix.lower().lstrip(".")
        if file_format not in {"csv", "xlsx"}:
            raise CommandError(f"{file}: give a .csv or .xlsx file, or --format")
        chosen = None
        if event:
            chosen = Event.objects.filter(slug=event).first()
            if chosen is None:
                raise CommandError(f"--event: there is no event “{event}”")
        with transaction.atomic():  # one consistent reading of the register
            people = list(people_for_export(chosen))
            data = export_register(people, file_format)
        if dry_run:
            self.stdout.write(f"{len(people)} people would be written to {file}. Dry run.")
            return
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"{file} cannot be written: {error.strerror}") from None
        self.stdout.write(f"{len(people)} people written to {file} ({file_format}).")
