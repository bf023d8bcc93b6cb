from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from memorials.models import Event
from memorials.registers import ENDINGS, import_register
from portal.database import refresh_statistics
from portal.fixtures import Outcome


class Command(BaseCommand):
    help = (
        "Import a register of people from a spreadsheet (.csv in UTF-8, or .xlsx). The first "
        "row names the columns: name (required), slug, name_variants (separated by ;), "
        "birth_date, death_date (1990, 1990-01 or 1990-01-20), age, place (slug or name), "
        "event (slug), biography, source (a document's address or slug), source_wording; "
        "status is ignored. Every row is checked first; one bad row and nothing is written. "
        "A person is found again by the slug column, or by the slug made of the name and "
        "dates: importing the same file twice changes nothing. New people are drafts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the people in the file (default: new people are drafts, people "
            "already in the register keep their status).",
        )
        parser.add_argument(
            "--event", metavar="SLUG", default="", help="The event of rows that name none."
        )

    def handle(self, *args, file, dry_run, publish, event, **options):
        path = Path(file)
        if not path.name.lower().endswith(ENDINGS):
            raise CommandError(f"{file}: a register is a .csv or an .xlsx file")
        if event and not Event.objects.filter(slug=event).exists():
            raise CommandError(f"--event: there is no event “{event}”")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file} cannot be read: {error.strerror}") from None

        with transaction.atomic():
            rows = import_register(
                path.name, data, dry_run=dry_run, publish=publish, default_event=event
            )
        would = "would be " if dry_run else ""
        counts = dict.fromkeys(Outcome, 0)
        for row in rows:
            counts[row.outcome] += 1
            place = f"{row.place}: " if row.place else ""
            item = f"{row.item}: " if row.item else ""
            if row.outcome == Outcome.FAILED:
                self.stderr.write(f"{place}failed: {item}{row.reason}")
            elif row.outcome == Outcome.SKIPPED:
                continue  # the summary counts them; the errors are what to read
            elif row.outcome == Outcome.UNCHANGED:
                self.stdout.write(f"{place}unchanged: {row.item}")
            else:
                self.stdout.write(f"{place}{would}{row.outcome}: {row.item}")

        summary = (
            f"{counts[Outcome.CREATED]} {would}created, {counts[Outcome.UPDATED]} {would}updated, "
            f"{counts[Outcome.UNCHANGED]} unchanged, {counts[Outcome.FAILED]} failed."
        )
        if counts[Outcome.FAILED]:
            self.stdout.write(summary)
            raise CommandError(
                f"{counts[Outcome.FAILED]} row(s) with errors: nothing from {path.name} was "
                "written."
            )
        if dry_run:
            summary += " Dry run: nothing was written."
        elif counts[Outcome.CREATED]:
            refresh_statistics()
        self.stdout.write(summary)
