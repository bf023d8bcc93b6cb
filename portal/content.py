"""The one list of content: every model whose records are the portal's content, with its traits.

Each app registers its models from its ``ready()`` (``register(Model, …)``), in the order their
records depend on each other. Everything that must know "all content" reads it here, never a
list of its own: the page cache and conditional GET (every save is a change), the search index,
the roles' permissions, the bag export and import, the admin's bulk import, the seed loader's
check for an empty database, and the tests. Adding a model is one ``register`` call.

Traits:

- ``kind``: the model's name in search entries and URLs of search facets (``"document"``);
  ``labels``: its name for readers, one and many (``(_("Person"), _("People"))``), where the
  model's verbose names, capitalized, would not do (Azerbaijani capitalizes i as İ);
- ``search``: indexed by the site-wide search; ``variants``: its items' names are recorded in
  several spellings (``name_spellings()``), which search treats as one (places, people, events);
- ``reindexes``: saving it re-indexes what shows it (an issuer's name is in its documents'
  entries) though it is not indexed itself;
- ``attachable``: files may be attached to its records (``archive.Attachment``);
- ``importable``: editors may bring it in through the admin's bulk import (JSON fixtures);
- ``moderated``: visitors submit it and editors moderate it (tributes, testimonies); editors
  never add it, and delete it only if ``removable_by_editors``; a model's own "moderate"
  permission, if it declares one, goes to both roles;
- ``personal``: it holds what a visitor told the editors alone (an email address): it stays in
  this installation, so bags and exports leave it out and a bag carrying it is refused
  (testimonies, correction requests);
- ``edited``: editors write it directly (False for the rows that tie tags to items, which
  follow the items' own forms); ``removable_by_editors``: editors may also delete it (a wrong
  scan), where deleting is otherwise the publishers'.

Whether a model follows the publishing workflow is not a trait to declare: it is whether the
model is ``Publishable``.
"""

from dataclasses import dataclass

from django.utils.text import capfirst

from . import freshness, search
from .publishing import Publishable


@dataclass(frozen=True)
class Content:
    model: type
    kind: str
    search: bool = False
    variants: bool = False
    reindexes: bool = False
    attachable: bool = False
    importable: bool = False
    moderated: bool = False
    personal: bool = False
    edited: bool = True
    removable_by_editors: bool = False
    labels: tuple[str, str] | None = None

    @property
    def label(self) -> str:
        """``app_label.model_name``, as fixtures and bags name the model."""
        return self.model._meta.label_lower

    @property
    def publishable(self) -> bool:
        return issubclass(self.model, Publishable)

    @property
    def names(self) -> tuple[str, str]:
        """The kind's name, one and many, in the reader's language: "Document", "Documents"."""
        if self.labels:
            return self.labels
        opts = self.model._meta
        return capfirst(opts.verbose_name), capfirst(opts.verbose_name_plural)


_contents: dict[type, Content] = {}


def register(model, *, kind: str | None = None, **traits) -> Content:
    """Make ``model`` content: tracked as a change to public pages on every save and delete,
    indexed for search when ``search`` is set, and known to every list derived here."""
    if model in _contents:
        return _contents[model]
    entry = Content(model, kind or model._meta.model_name, **traits)
    _contents[model] = entry
    freshness.track(model)
    if entry.search:
        search.register(model, variants=entry.variants)
    elif entry.reindexes:
        search.follow(model)
    return entry


def contents(**traits) -> list[Content]:
    """The registered content, in dependency order, with the given traits (``publishable``
    included): ``contents(search=True)``, ``contents(publishable=True)``."""
    return [
        entry
        for entry in _contents.values()
        if all(getattr(entry, trait) == value for trait, value in traits.items())
    ]


def models(**traits) -> list[type]:
    return [entry.model for entry in contents(**traits)]


def labels(**traits) -> list[str]:
    return [entry.label for entry in contents(**traits)]


def of(model) -> Content | None:
    return _contents.get(model)


def by_kind() -> dict[str, Content]:
    return {entry.kind: entry for entry in _contents.values()}
