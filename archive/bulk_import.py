"""Bulk import from the admin: plain-text documents and JSON fixtures, dry run first.

Texts go through ``archive.importer.import_sources``, the engine of ``import_documents``;
fixtures through ``portal.fixtures``, the generic loader of content beside the bags'; other
files through the importer an app offers for their ending (``portal.fixtures.file_importer``:
registers of people as .csv or .xlsx, from memorials), after the fixtures and texts they may
refer to.
"""

from django.db import transaction
from django.utils.translation import gettext

from portal.fixtures import (
    Outcome,
    Row,
    admin_url,
    file_importer,
    file_importer_endings,
    import_fixture,
)

from .importer import import_sources

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # all files of one import together


def import_files(
    files: list[tuple[str, bytes]], *, user, language: str, dry_run: bool, date_order: str = ""
) -> list[Row]:
    """Import (name, bytes) pairs: ``.json`` as fixtures first, then the rest as texts.

    A dry run does everything in one transaction and rolls it back, so later files see what
    earlier ones would create (documents.json needs organizations.json)."""
    rows, taken = [], []
    for name, data in files:
        skipped = _skip_reason(name, data)
        if skipped:
            rows.append(Row(name, "", Outcome.SKIPPED, reason=skipped))
        else:
            taken.append((name, data))
    fixtures = [(name, data) for name, data in taken if name.lower().endswith(".json")]
    texts = [(name, data) for name, data in taken if name.lower().endswith(".txt")]
    offered = [(name, data) for name, data in taken if file_importer(name)]
    with transaction.atomic():
        for name, data in fixtures:
            rows.extend(import_fixture(name, data, user=user))
        texts_imported = import_sources(
            texts,
            language=language,
            day_first=date_order == "day",
            month_first=date_order == "month",
        )
        for result in texts_imported:
            document = result.document
            rows.append(
                Row(
                    result.source,
                    "",
                    result.outcome,
                    f"{document.title} ({document.issued_on.isoformat()})" if document else "",
                    result.reason or "; ".join(result.notes),
                    admin_url(document) if document else "",
                )
            )
        for name, data in offered:
            rows.extend(file_importer(name)(name, data, user=user, dry_run=dry_run))
        if dry_run:
            transaction.set_rollback(True)
    for row in rows:
        # Only what exists now has a page: not what a dry run would create, nor what a file
        # with errors would have brought.
        if row.outcome not in {Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED} or (
            dry_run and row.outcome == Outcome.CREATED
        ):
            row.admin_url = ""
    return rows


def _skip_reason(name: str, data: bytes) -> str:
    """Why the import leaves a file aside, named in its report; "" for a file it reads."""
    if not name.lower().endswith((".txt", ".json")) and not file_importer(name):
        others = file_importer_endings()
        if not others:
            return gettext("neither a .txt nor a .json file: not imported")
        return gettext("neither a .txt nor a .json file (nor %(endings)s): not imported") % {
            "endings": ", ".join(others)
        }
    if not data:
        return gettext("the file is empty: not imported")
    return ""
