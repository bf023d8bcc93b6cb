from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext

from portal import bags, revisions, search

# The seed, whole in one file and in dependency order (a record's natural keys name records
# before it), so that `loaddata fixtures/*.json` loads it in any order. fixtures/organizations.json
# is the importer's issuer authority (PORTAL_ISSUER_AUTHORITY), a fixture of its own.
FIXTURES = [
    "seed.json",
]


def seed_records(load=None):
    """The seed's records, deserialized: a record already in the database comes with its key
    (looked up by its natural key), an absent one without. ``load`` (portal/revisions.py) is
    told which file each comes from, for their first revisions."""
    for name in FIXTURES:
        path = settings.BASE_DIR / "fixtures" / name
        if load is not None:
            load.reason = gettext("Loaded from %(file)s") % {"file": f"fixtures/{name}"}
        with open(path, encoding="utf-8") as stream:
            yield from serializers.deserialize("json", stream, handle_forward_references=False)


class Command(BaseCommand):
    help = (
        "Fill an empty database with the portal's seed content (fixtures/). A database that "
        "holds content is left as it is; --missing adds the seed records that are absent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Add the seed records that are absent; never change one that exists.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be added; write nothing."
        )

    def handle(self, *args, missing, dry_run, **options):
        held = sum(bags.content_counts().values())
        if held and not missing:
            # A restart must never undo an editor's work: the seed only fills an empty database.
            self.stdout.write(
                f"The database already holds content ({held} records): the seed was not loaded "
                "(load_initial_data --missing adds seed records that are absent)."
            )
            return
        with transaction.atomic():
            added, kept = {}, 0
            # Each record added gets its first revision once all are in, relations included.
            with revisions.loading("") as load:
                for record in seed_records(load):
                    if record.object.pk is not None:
                        kept += 1  # it exists: whatever editors made of it stays
                        continue
                    record.save()
                    label = record.object._meta.verbose_name_plural
                    added[label] = added.get(label, 0) + 1
            # Fixtures are saved raw, relations after their objects: index them whole, once.
            search.rebuild()
            if dry_run:
                transaction.set_rollback(True)
        would = "Would add" if dry_run else "Added"
        listed = ", ".join(f"{count} {label}" for label, count in added.items()) or "nothing"
        self.stdout.write(f"{would} {listed} from the seed; {kept} seed records already exist.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
