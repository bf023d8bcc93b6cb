"""Django's ``loaddata``, with a first revision for what it loads.

Fixtures are saved raw, which the revision history does not record: each content item loaded
gets a revision once the whole load is in (its relations too), saying which file it came from
("Loaded from fixtures/seed.json"): the first one if it had none, another if the load changed
it (portal/revisions.py). Everything else is Django's own command.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.commands import loaddata
from django.utils.translation import gettext

from portal import revisions


def shown_path(path: str) -> str:
    """A fixture's path as a person names it: from the project's folder when it is inside."""
    try:
        return str(Path(path).resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        with revisions.loading("") as self.revision_load:
            super().loaddata(fixture_labels)

    def load_label(self, fixture_label):
        files = [shown_path(found) for found, _dir, _name in self.find_fixtures(fixture_label)]
        self.revision_load.reason = gettext("Loaded from %(file)s") % {
            "file": ", ".join(files) or fixture_label
        }
        super().load_label(fixture_label)
