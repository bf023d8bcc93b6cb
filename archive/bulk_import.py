"""Bulk import from the admin: plain-text documents and JSON fixtures, dry run first.

Texts go through ``archive.importer.import_sources``, the engine of ``import_documents``;
fixtures through ``portal.fixtures``, the generic loader of content beside the bags'.
"""

from django.db import transaction

from portal.fixtures import Row, import_fixture

from .importer import import_sources

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # all files of one import together


def import_files(
    files: list[tuple[str, bytes]], *, user, language: str, dry_run: bool, date_order: str = ""
) -> list[Row]:
    """Import (name, bytes) pairs: ``.json`` as fixtures first, then the rest as texts.

    A dry run does everything in one transaction and rolls it back, so later files see what
    earlier ones would create (documents.json needs organizations.json)."""
    fixtures = [(name, data) for name, data in files if name.lower().endswith(".json")]
    texts = [(name, data) for name, data in files if not name.lower().endswith(".json")]
    rows = []
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
                )
            )
        if dry_run:
            transaction.set_rollback(True)
    return rows
