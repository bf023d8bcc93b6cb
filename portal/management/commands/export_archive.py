from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import bags


class Command(BaseCommand):
    help = "Write the whole archive (records and attached files) to DIR as a BagIt bag."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be exported; write nothing."
        )

    def handle(self, *args, directory, dry_run, **options):
        counts = bags.content_counts()
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        files = len(bags.media_files())
        if dry_run:
            self.stdout.write(f"{files} files. Dry run: nothing was written.")
            return
        try:
            bag = bags.export_bag(directory)
        except bags.BagRefused as error:
            raise CommandError(str(error)) from None
        version = ".".join(map(str, bag.version_info))
        self.stdout.write(
            f"Exported {sum(counts.values())} records and {files} files to {bag.path} "
            f"(BagIt {version}, {', '.join(bag.algorithms)} manifests)."
        )
