"""The whole archive as a BagIt bag (RFC 8493, the Library of Congress format), and back.

A bag holds, under ``data/``:

- ``content.json``: every content record (organizations, documents, attachments, places,
  events, people, commemorations, figures, tributes, tags) as one Django fixture, with primary
  keys kept — attachments and tags point at their items by key — and natural keys for content
  types, so it loads into any instance of the same code;
- ``media/``: every stored attachment file and display size, under its stored name.

The manifests (SHA-256 and SHA-512) let ``import_archive`` prove nothing was lost or altered on
the way. Revision history and user accounts stay behind: they describe one installation, and
users are people, not content.
"""

import itertools
import json
import shutil
from pathlib import Path

import bagit
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.utils.translation import gettext

from . import content, revisions, search

CONTENT_FILE = "content.json"
MEDIA_FOLDER = "media"
CHECKSUMS = ["sha256", "sha512"]
BAGIT_VERSION = "1.0"  # RFC 8493
BAGIT_DECLARATION = f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n"


class BagRefused(Exception):
    """The bag, or the instance it is meant for, is not fit for an import."""


def content_models():
    """Every content model, in the order its records depend on each other (portal/content.py),
    but those holding visitors' personal data (their email addresses), which never leave."""
    return content.models(personal=False)


def content_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in content_models()}


def media_files() -> list[str]:
    """Stored names of every attachment file and display size."""
    names = set()
    for model in content_models():
        files = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for row in model._base_manager.values_list(*files) if files else []:
            names.update(name for name in row if name)
    return sorted(names)


def export_bag(directory: Path) -> bagit.Bag:
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise BagRefused(f"{directory} is not empty; export into a new folder.")
    records = itertools.chain.from_iterable(
        model._base_manager.order_by("pk") for model in content_models()
    )
    with open(directory / CONTENT_FILE, "w", encoding="utf-8") as stream:
        serializers.serialize(
            "json", records, indent=1, use_natural_foreign_keys=True, stream=stream
        )
    for name in media_files():
        target = directory / MEDIA_FOLDER / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, open(target, "wb") as copy:
            shutil.copyfileobj(source, copy)
    counts = content_counts()
    bagit.make_bag(
        str(directory),
        bag_info={
            "Source-Organization": "Commemoration portal",
            "External-Description": "The portal's whole content: records and attached files.",
            "Internal-Sender-Description": ", ".join(f"{k}: {v}" for k, v in counts.items()),
        },
        checksums=CHECKSUMS,
    )
    # The library writes the declaration of BagIt 0.97; the bag is RFC 8493's BagIt 1.0 (its
    # layout is the same). Declare 1.0, then save the bag again so that the tag manifests
    # hold the new bagit.txt's checksums.
    (directory / "bagit.txt").write_text(BAGIT_DECLARATION, encoding="utf-8")
    bagit.Bag(str(directory)).save()
    return bagit.Bag(str(directory))


def validate_bag(directory: Path) -> bagit.Bag:
    try:
        bag = bagit.Bag(str(directory))
        bag.validate()
    except bagit.BagValidationError as error:
        details = "; ".join(str(detail) for detail in error.details[:10]) or str(error)
        raise BagRefused(f"the bag is not valid: {details}") from None
    except bagit.BagError as error:
        raise BagRefused(f"not a bag: {error}") from None
    if not (Path(bag.path) / "data" / CONTENT_FILE).is_file():
        raise BagRefused(f"the bag holds no data/{CONTENT_FILE}")
    return bag


def import_bag(directory: Path, *, dry_run: bool = False) -> dict[str, int]:
    """Validate the bag and load it into this (empty) instance; returns the counts loaded."""
    bag = validate_bag(directory)
    occupied = {label: n for label, n in content_counts().items() if n}
    if occupied:
        raise BagRefused(
            "import_archive loads into an empty instance, and this one holds "
            + ", ".join(f"{n} {label}" for label, n in occupied.items())
        )
    payload = Path(bag.path) / "data"
    with transaction.atomic():
        counts = load_content(
            (payload / CONTENT_FILE).read_text(encoding="utf-8"), source=Path(bag.path).name
        )
        search.rebuild()
        names = media_files()
        missing = [name for name in names if not (payload / MEDIA_FOLDER / name).is_file()]
        if missing:
            raise BagRefused(f"the bag lacks {len(missing)} attached file(s), e.g. {missing[0]}")
        if dry_run:
            transaction.set_rollback(True)
            return counts
        for name in names:
            if not default_storage.exists(name):
                with open(payload / MEDIA_FOLDER / name, "rb") as stream:
                    stored = default_storage.save(name, stream)
                if stored != name:  # storage renamed it: the records would point elsewhere
                    raise BagRefused(f"could not store {name} under its own name")
    return counts


def _record_name(index: int, entry: dict) -> str:
    return f"record {index + 1} ({entry.get('model')}, pk {entry.get('pk')!r})"


def not_content(entries: list) -> list[str]:
    """The records of a fixture that are not content: accounts, groups, permissions, sessions,
    the admin log, revision history, content types… A bag carries content and nothing else,
    whatever its (easily regenerated) manifests say."""
    content_labels = set(content.labels(personal=False))
    return [
        _record_name(index, entry)
        for index, entry in enumerate(entries)
        if not isinstance(entry, dict) or entry.get("model") not in content_labels
    ]


def load_content(text: str, *, source: str = "") -> dict[str, int]:
    """Load a bag's content.json in the caller's transaction, all or nothing: content models
    only, every document's text matching its checksum, every record valid as the admin would
    have it (the models' own validation). Returns the count per model. Each record's first
    revision says it came from the bag ``source`` (portal/revisions.py)."""
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as error:
        raise BagRefused(f"{CONTENT_FILE} is not valid JSON: {error}") from None
    if not isinstance(entries, list):
        raise BagRefused(f"{CONTENT_FILE} is not a list of records")
    refused = not_content(entries)
    if refused:
        raise BagRefused(
            "it carries records that are not content, and a bag may carry content only: "
            + "; ".join(refused[:10])
            + (f" and {len(refused) - 10} more" if len(refused) > 10 else "")
        )
    counts = dict.fromkeys(content.labels(personal=False), 0)
    loaded = []
    connection = connections[DEFAULT_DB_ALIAS]
    reason = gettext("Imported from the bag %(bag)s") % {"bag": source or CONTENT_FILE}
    try:
        # Records may name records further down (a place its larger place), as in loaddata.
        with revisions.loading(reason), connection.constraint_checks_disabled():
            records = serializers.deserialize("json", text, handle_forward_references=False)
            for index, record in enumerate(records):
                record.save()
                loaded.append((index, record.object))
                counts[record.object._meta.label_lower] += 1
        connection.check_constraints()
    except (DeserializationError, DatabaseError, ValueError) as error:
        raise BagRefused(f"its content does not load: {error}") from None
    for index, item in loaded:
        problem = _validation_problem(item)
        if problem:
            raise BagRefused(f"{_record_name(index, entries[index])}: {problem}")
    return counts


def _validation_problem(item) -> str:
    """What the admin would refuse in ``item``: a text that does not match its checksum, a
    control character, a figure that disagrees with its wording… Relations and uniqueness are
    the database's to check."""
    relations = [field.name for field in item._meta.concrete_fields if field.is_relation]
    try:
        if hasattr(item, "text_problems"):
            item.clean_fields(exclude=relations)
            item.clean()
    except ValidationError as error:
        return "not valid: " + "; ".join(
            f"{field}: {' '.join(messages).rstrip('.')}"
            for field, messages in error.message_dict.items()
        )
    return ""
