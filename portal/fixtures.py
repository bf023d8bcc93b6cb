"""JSON fixtures from people, loaded as content: the engine of the admin's bulk import for
fixtures, beside the bags' (bags.py), and following the same rules.

Fixtures go through Django's own deserializer, the engine of ``loaddata``, with what an upload
from a browser needs on top of it:

- only content models that editors may import (portal/content.py: never users, groups or
  visitors' tributes);
- an editor who may not publish cannot import a published item or overwrite a published one,
  nor change a record without a workflow that public pages show;
- every object is validated as the admin would (its model's own validation: a document's text
  against its checksum, control characters, a figure against its wording), and each is saved
  normally, so the search index, the publish time and the revision history follow;
- a fixture is all or nothing: one error and nothing from that file is written, and each
  error names its place in the file (line and object number).
"""

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from . import content, revisions
from .publishing import EDITOR_STATUSES, Publishable, can_publish, may_change_shown


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"  # fixtures only: a text is identified by its checksum, so never updated
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"  # fixtures only: a good object in a file with errors
    FAILED = "failed"

    @property
    def label(self):
        """What happened, in the editor's language (the value is what reports store)."""
        return _OUTCOME_LABELS[self]

    @property
    def label_in_dry_run(self):
        """What would happen."""
        return _OUTCOME_LABELS_IN_DRY_RUN.get(self, _OUTCOME_LABELS[self])


_OUTCOME_LABELS = {
    Outcome.CREATED: pgettext_lazy("import outcome", "created"),
    Outcome.UPDATED: pgettext_lazy("import outcome", "updated"),
    Outcome.UNCHANGED: pgettext_lazy("import outcome", "unchanged"),
    Outcome.SKIPPED: pgettext_lazy("import outcome", "skipped"),
    Outcome.FAILED: pgettext_lazy("import outcome", "failed"),
}
_OUTCOME_LABELS_IN_DRY_RUN = {
    Outcome.CREATED: gettext_lazy("would be created"),
    Outcome.UPDATED: gettext_lazy("would be updated"),
    Outcome.UNCHANGED: gettext_lazy("would be unchanged"),
    Outcome.SKIPPED: gettext_lazy("would be skipped"),
}


def outcome_label(value: str):
    """The label of an outcome stored in a job's report; an unknown value as it is."""
    try:
        return Outcome(value).label
    except ValueError:
        return value


@dataclass
class Row:
    """One line of an import's report: what happened (or would happen) to one item."""

    source: str
    place: str
    outcome: Outcome
    item: str = ""
    reason: str = ""
    admin_url: str = ""  # the item's change page in the admin, once it exists


def admin_url(item) -> str:
    """The admin's change page of a saved item."""
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


# Importers that apps offer the admin's bulk import for other kinds of file, by the ending of
# the file's name: memorials offers its registers of people for ".csv" and ".xlsx" (registered
# from its ready()), which neither the kernel nor archive may name. An importer is called as
# ``importer(name, data, user=…, dry_run=…)`` and returns the report's rows, all or nothing.
FileImporter = Callable[..., list[Row]]
_file_importers: dict[str, tuple[FileImporter, str]] = {}


def register_file_importer(endings: list[str], importer: FileImporter, description: str) -> None:
    """Offer ``importer`` for files whose names end with one of ``endings`` (".csv");
    ``description`` names those files for the upload form ("registers of people (.csv)")."""
    for ending in endings:
        _file_importers[ending.lower()] = (importer, description)


def file_importer(name: str) -> FileImporter | None:
    """The importer an app offers for a file of this name, or None."""
    for ending, (importer, _description) in _file_importers.items():
        if name.lower().endswith(ending):
            return importer
    return None


def file_importer_endings() -> list[str]:
    return list(_file_importers)


def file_importer_descriptions() -> list[str]:
    """What the registered importers read, once each, in the order they were registered."""
    descriptions = [str(description) for _importer, description in _file_importers.values()]
    return list(dict.fromkeys(descriptions))


def _object_lines(text: str) -> list[int]:
    """The line on which each object of a JSON array starts (raises JSONDecodeError)."""
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError("a fixture is a JSON list of objects")
    decoder, lines, index = json.JSONDecoder(), [], text.index("[") + 1
    for _ in data:
        while text[index] in " \t\r\n,":
            index += 1
        lines.append(text.count("\n", 0, index) + 1)
        _obj, index = decoder.raw_decode(text, index)
    return lines


def import_fixture(name: str, data: bytes, *, user) -> list[Row]:
    """Import one fixture file, all or nothing."""
    try:
        text = data.decode("utf-8-sig")
        lines = _object_lines(text)
    except UnicodeDecodeError:
        return [Row(name, "", Outcome.FAILED, reason=gettext("the file is not UTF-8 text"))]
    except json.JSONDecodeError as error:
        place = f"line {error.lineno}, column {error.colno}"
        return [
            Row(
                name,
                place,
                Outcome.FAILED,
                reason=gettext("not valid JSON: %(error)s") % {"error": error.msg},
            )
        ]
    except ValueError as error:
        return [Row(name, "line 1", Outcome.FAILED, reason=str(error))]

    def place(index):
        if index >= len(lines):
            return ""
        return gettext("line %(line)s, object %(number)s") % {
            "line": lines[index],
            "number": index + 1,
        }

    rows = []
    with transaction.atomic():
        objects = serializers.deserialize("json", text, handle_forward_references=False)
        index = 0
        while True:
            try:
                deserialized = next(objects)
            except StopIteration:
                break
            except DeserializationError as error:
                reason = str(error.__cause__ or error)
                rows.append(Row(name, place(index), Outcome.FAILED, reason=reason))
                break  # the deserializer cannot go on past a broken object
            rows.append(_import_object(name, place(index), deserialized, user))
            index += 1
        if any(row.outcome == Outcome.FAILED for row in rows):
            transaction.set_rollback(True)
            for row in rows:
                if row.outcome != Outcome.FAILED:
                    row.outcome = Outcome.SKIPPED
                    row.reason = gettext("not imported, because of the errors in this file")
    return rows


def _import_object(name, place, deserialized, user) -> Row:
    item = deserialized.object
    label = item._meta.label_lower
    shown = f"{item._meta.verbose_name} “{item}”"
    if label not in content.labels(importable=True):
        return Row(name, place, Outcome.FAILED, label, f"{label} cannot be imported here")
    existing = type(item)._default_manager.filter(pk=item.pk).first() if item.pk else None
    if existing is not None:
        item._state.adding = False  # so validation does not count the item as its own duplicate
    problem = _refused(item, existing, user)
    if problem:
        return Row(name, place, Outcome.FAILED, shown, problem)
    try:
        item.full_clean()
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        return Row(name, place, Outcome.FAILED, shown, f"not valid: {problems}")
    if existing is not None and _same(existing, deserialized):
        return Row(name, place, Outcome.UNCHANGED, shown, admin_url=admin_url(existing))
    try:
        with transaction.atomic():
            item._change_reason = gettext("Imported from %(file)s") % {"file": name}
            item.save()  # not a raw save: index, publish time and history follow
            for field_name, values in deserialized.m2m_data.items():
                getattr(item, field_name).set(values)
            revisions.record_relations(item)  # the revision's links, once they are set
    except DatabaseError as error:
        return Row(name, place, Outcome.FAILED, shown, f"could not be saved: {error}")
    outcome = Outcome.CREATED if existing is None else Outcome.UPDATED
    return Row(name, place, outcome, shown, admin_url=admin_url(item))


def _refused(item, existing, user) -> str:
    opts = item._meta
    if existing is None and not user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
        return gettext("you may not add %(names)s") % {"names": opts.verbose_name_plural}
    if existing is not None and not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        return gettext("you may not change %(names)s") % {"names": opts.verbose_name_plural}
    if isinstance(item, Publishable) and not can_publish(user, type(item)):
        if item.status not in EDITOR_STATUSES:
            return gettext("only a publisher can import a %(status)s item") % {
                "status": item.get_status_display().lower()
            }
        if existing is not None and existing.status not in EDITOR_STATUSES:
            return gettext("only a publisher can change a published or withdrawn item")
    if not isinstance(item, Publishable) and not may_change_shown(user):
        if existing is not None and existing.is_public:
            return gettext("public pages show this record: only a publisher can change it")
        if item.is_public:
            return gettext(
                "public pages would show this record at once: only a publisher can import it"
            )
    return ""


def _same(existing, deserialized) -> bool:
    """Whether saving would change nothing the fixture describes."""
    (before,) = serializers.serialize("python", [existing], use_natural_foreign_keys=False)
    (after,) = serializers.serialize(
        "python", [deserialized.object], use_natural_foreign_keys=False
    )
    ignored = {"updated_at", "created_at"}
    fields_before = {k: v for k, v in before["fields"].items() if k not in ignored}
    fields_after = {k: v for k, v in after["fields"].items() if k not in ignored}
    if fields_before != fields_after:
        return False
    return all(
        {obj.pk for obj in getattr(existing, field_name).all()} == set(values)
        for field_name, values in deserialized.m2m_data.items()
    )
