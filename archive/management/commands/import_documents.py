from django.core.management.base import BaseCommand, CommandError

from archive.importer import RECOGNISE, Outcome, collect_paths, import_sources, size_problem
from archive.models import Language
from portal.database import refresh_statistics


class Command(BaseCommand):
    help = (
        "Import plain-text documents (files, or folders of .txt files) like the seed press "
        "release. Each file is imported whole or not at all; a file whose text is already in "
        "the archive is left unchanged. Kind lines and dates are read in English, Russian and "
        "Azerbaijani; an all-numeric date that reads two ways needs --day-first or --month-first."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish new documents (default: draft)."
        )
        parser.add_argument(
            "--language",
            default=RECOGNISE,
            choices=[RECOGNISE, *Language.values],
            help=(
                "Language of the texts (default: recognise each text's language from its script "
                "and common words; a text whose language is not clear is refused)."
            ),
        )
        order = parser.add_mutually_exclusive_group()
        order.add_argument(
            "--day-first",
            action="store_true",
            help="Read an all-numeric date that reads two ways (03/04/2012) day first.",
        )
        order.add_argument(
            "--month-first",
            action="store_true",
            help="Read an all-numeric date that reads two ways (03/04/2012) month first.",
        )

    def handle(self, *args, paths, dry_run, publish, language, day_first, month_first, **options):
        found = collect_paths(paths)
        readable, results_in_order = [], []
        for name, path, problem in found:
            if problem:
                results_in_order.append((name, problem))
                continue
            try:
                # The size first: a file too large to be a document is never read into memory.
                too_large = size_problem(path.stat().st_size)
                if too_large:
                    results_in_order.append((name, too_large))
                    continue
                readable.append((name, path.read_bytes()))
                results_in_order.append((name, None))
            except OSError as error:
                results_in_order.append((name, f"cannot be read: {error.strerror}"))

        imported = iter(
            import_sources(
                readable,
                dry_run=dry_run,
                publish=publish,
                language=language,
                day_first=day_first,
                month_first=month_first,
            )
        )
        counts = dict.fromkeys(Outcome, 0)
        would = "would be " if dry_run else ""
        for name, problem in results_in_order:
            if problem:
                counts[Outcome.FAILED] += 1
                self.stderr.write(f"failed: {name}: {problem}")
                continue
            result = next(imported)
            counts[result.outcome] += 1
            if result.outcome == Outcome.FAILED:
                self.stderr.write(f"failed: {name}: {result.reason}")
                continue
            document = result.document
            if result.outcome == Outcome.CREATED:
                self.stdout.write(
                    f"{would}created: {name}: {document.title!r}, {document.issuer}, "
                    f"{document.issued_on.isoformat()}, {document.get_status_display().lower()}"
                )
            else:
                self.stdout.write(
                    f"unchanged: {name}: its text is already in the archive as "
                    f"{document.title!r} ({document.issued_on.isoformat()})"
                )
            for note in result.notes:
                self.stdout.write(f"  note: {note}")

        summary = (
            f"{counts[Outcome.CREATED]} {would}created, {counts[Outcome.UNCHANGED]} unchanged, "
            f"{counts[Outcome.FAILED]} failed."
        )
        if dry_run:
            summary += " Dry run: nothing was written."
        elif counts[Outcome.CREATED]:
            refresh_statistics()
        self.stdout.write(summary)
        if counts[Outcome.FAILED]:
            raise CommandError(f"{counts[Outcome.FAILED]} of {len(found)} file(s) failed.")
