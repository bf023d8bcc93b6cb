"""Revisions beyond django-simple-history's fields: every record has a first one, each one
remembers the item's relations, and restoring one never moves the publication state.

- **A first revision on load.** Fixtures (``loaddata``, the seed loader) and bags save records
  raw, which simple-history does not record. Inside ``loading(reason)`` every raw save of a
  content model is noted, and when the load ends each noted item gets a revision: the first
  one ("+") if it has none, another ("~") if the load changed it. The reason says where it
  came from ("Loaded from fixtures/seed.json"). A raw save outside ``loading`` gets its first
  revision at once. ``create_first_revisions`` gives one to items that have none yet.
- **Relations in each revision.** A historical model built on ``HistoricalRelations`` keeps,
  in ``related``, what the item was linked to when the revision was made: its tags, its
  many-to-many links, its attachments and what apps ``follow`` (an event's figures, a
  document's linked events), each by key and name. The admin saves an item before its
  relations and inlines, so it records them again once it has saved them
  (``record_relations``). ``relation_changes`` says what changed between two revisions, for
  the history and the comparison ("Tags: added x; removed y").
- **Restoring keeps the publication state.** ``RestoreKeepsPublication`` (for the workflow's
  admin) restores a version's texts and links, never its status, publish time or withdrawal,
  unless a publisher chooses to (a withdrawn item stays withdrawn).
- **A deleted item's history is read-only** (``RevisionsAdmin``): its versions can be viewed
  and compared; nothing offers to restore what no longer exists.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

from .publishing import Publishable, Status, can_publish

# What "publication state" means: restoring a version never changes these unless chosen.
STATE_FIELDS = ("status", "published_at", "withdrawn_at", "withdrawal_reason")
TAKE_VERSION_STATE = "_take_version_state"  # the restore form's checkbox
SNAPSHOT_BATCH = 500


class HistoricalRelations(models.Model):
    """The base of a historical model that remembers the item's relations: ``bases=`` of
    ``HistoricalRecords``. Null for revisions made before relations were recorded."""

    related = models.JSONField(_("relations"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


# Relations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    name: str  # the accessor on the item: "tags", "documents", "figures"
    label: str


_followed: dict[type, list[Relation]] = {}


def follow(model, name: str, label) -> None:
    """Record ``model``'s reverse relation ``name`` in its revisions too (the inlines an admin
    shows): ``follow(Event, "figures", _("figures"))``. Called from an app's ``ready()``."""
    relations = _followed.setdefault(model, [])
    if all(relation.name != name for relation in relations):
        relations.append(Relation(name, label))


def relations_of(model) -> list[Relation]:
    """What a revision of ``model`` records: its own many-to-many fields (tags included), its
    attachments (generic relations), then what apps follow."""
    found = []
    fields = [f for f in model._meta.get_fields() if f.is_relation and not f.auto_created]
    # The rows that tie tags to items (taggit's generic relation) are the tags, counted once.
    throughs = {f.remote_field.through for f in fields if f.many_to_many}
    for field in fields:
        if field.related_model in throughs:
            continue
        if isinstance(field, GenericRelation):
            found.append(Relation(field.name, field.related_model._meta.verbose_name_plural))
        elif field.many_to_many:
            found.append(Relation(field.name, field.verbose_name))
    return [*found, *_followed.get(model, [])]


def versions_of(model, pk) -> models.QuerySet:
    """The revisions of ``model``'s item ``pk`` (a historical model's own ``pk`` is the
    revision's)."""
    return model.history.filter(**{model._meta.pk.attname: pk})


def records_relations(model) -> bool:
    history = getattr(model, "history", None)
    return history is not None and hasattr(history.model, "related")


def snapshot(item) -> dict[str, dict[str, str]]:
    """The item's relations now: {relation: {key: name}} (prefetched relations are used)."""
    taken = {}
    for relation in relations_of(type(item)):
        related = getattr(item, relation.name).all()
        taken[relation.name] = {str(other.pk): str(other) for other in related}
    return taken


def _fill_snapshot(sender, instance, history_instance, **kwargs):
    """Each revision records the relations as stored when it is made; a deletion's, the last
    ones the item had (the database has dropped its links by then)."""
    if not hasattr(history_instance, "related"):
        return
    if history_instance.history_type == "-":
        history_instance.related = (
            versions_of(type(instance), instance.pk)
            .order_by("-history_date", "-history_id")
            .values_list("related", flat=True)
            .first()
        )
    else:
        history_instance.related = snapshot(instance)


pre_create_historical_record.connect(_fill_snapshot, dispatch_uid="portal-revision-relations")


def record_relations(item) -> None:
    """Record the item's relations in its latest revision, once they are saved (the admin
    saves many-to-many links and inlines after the item itself)."""
    if not records_relations(type(item)):
        return
    latest = versions_of(type(item), item.pk).order_by("-history_date", "-history_id")
    latest = latest.first()
    if latest is not None and latest.history_type != "-":
        latest.related = snapshot(item)
        latest.save(update_fields=["related"])


@dataclass
class RelationChange:
    label: str
    added: list[str]
    removed: list[str]
    renamed: list[tuple[str, str]]

    def __str__(self):
        parts = []
        if self.added:
            parts.append(gettext("added %(items)s") % {"items": ", ".join(self.added)})
        if self.removed:
            parts.append(gettext("removed %(items)s") % {"items": ", ".join(self.removed)})
        for old, new in self.renamed:
            parts.append(gettext("changed %(old)s → %(new)s") % {"old": old, "new": new})
        return "; ".join(parts)


def relation_changes(model, older, newer) -> list[RelationChange]:
    """What changed in the relations from the revision ``older`` to ``newer``: nothing, where
    either was made before relations were recorded."""
    before = getattr(older, "related", None)
    after = getattr(newer, "related", None)
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    changes = []
    for relation in relations_of(model):
        old = before.get(relation.name) or {}
        new = after.get(relation.name) or {}
        added = sorted(new[key] for key in new.keys() - old.keys())
        removed = sorted(old[key] for key in old.keys() - new.keys())
        renamed = sorted(
            (old[key], new[key]) for key in old.keys() & new.keys() if old[key] != new[key]
        )
        if added or removed or renamed:
            changes.append(RelationChange(capfirst(relation.label), added, removed, renamed))
    return changes


# First revisions ------------------------------------------------------------------------------


class _Load:
    """The items a load saved raw, with the reason for each."""

    def __init__(self, reason):
        self.reason = reason
        self.saved: dict[type, dict] = {}

    def note(self, item):
        self.saved.setdefault(type(item), {})[item.pk] = str(self.reason)


_current_load: contextvars.ContextVar[_Load | None] = contextvars.ContextVar(
    "portal_revisions_load", default=None
)


@contextmanager
def loading(reason):
    """Give every content item saved raw inside this block a revision with ``reason`` at its
    end, once its relations are loaded too. ``reason`` may be changed on the yielded load
    (``load.reason = …``) between files. An inner block joins the outer one."""
    outer = _current_load.get()
    if outer is not None:
        yield outer
        return
    load = _Load(reason)
    token = _current_load.set(load)
    try:
        yield load
    finally:
        _current_load.reset(token)
    for model, reasons in load.saved.items():
        create_revisions(model, reasons)


def _raw_saved(sender, instance, raw=False, **kwargs):
    from . import content  # not at import: the apps' models import this module

    if not raw or not content.of(sender) or getattr(sender, "history", None) is None:
        return
    load = _current_load.get()
    if load is not None:
        load.note(instance)
    else:
        create_revisions(sender, {instance.pk: gettext("Loaded from a fixture")})


post_save.connect(_raw_saved, dispatch_uid="portal-revision-raw-saves")


def create_revisions(model, reasons: dict, *, only_first=False) -> int:
    """For the items of ``model`` keyed in ``reasons`` ({pk: reason}): a first revision for
    each that has none, and (unless ``only_first``) a revision for each whose stored state
    differs from its latest revision. Returns how many revisions were made."""
    history = model.history
    pk_name = model._meta.pk.attname
    tracked = [field.attname for field in history.model.tracked_fields]
    relations = [relation.name for relation in relations_of(model)]
    made = 0
    keys = list(reasons)
    for start in range(0, len(keys), SNAPSHOT_BATCH):
        batch = keys[start : start + SNAPSHOT_BATCH]
        latest = {}
        for revision in history.filter(**{f"{pk_name}__in": batch}).order_by(
            "history_date", "history_id"
        ):
            latest[getattr(revision, pk_name)] = revision
        items = model._base_manager.filter(pk__in=batch)
        if records_relations(model):
            items = items.prefetch_related(*relations)
        rows = []
        now = timezone.now()
        for item in items:
            previous = latest.get(item.pk)
            if previous is not None and only_first:
                continue
            values = {name: getattr(item, name) for name in tracked}
            related = snapshot(item) if records_relations(model) else None
            if previous is not None and previous.history_type != "-":
                same = all(getattr(previous, name) == value for name, value in values.items())
                if same and (related is None or previous.related == related):
                    continue
            row = history.model(
                history_date=now,
                history_type="+" if previous is None or previous.history_type == "-" else "~",
                history_user=None,
                history_change_reason=reasons[item.pk],
                **values,
            )
            if related is not None:
                row.related = related
            rows.append(row)
        history.model.objects.bulk_create(rows)
        made += len(rows)
    return made


def without_history(model) -> models.QuerySet:
    """The items of ``model`` that have no revision at all."""
    pk_name = model._meta.pk.attname
    revised = model.history.values(pk_name)
    return model._base_manager.exclude(pk__in=revised)


# The admin ------------------------------------------------------------------------------------


def item_exists(model, pk) -> bool:
    return model._default_manager.filter(pk=pk).exists()


class RevisionsAdmin:
    """For the history's admin (a base before ``SimpleHistoryAdmin``): relations recorded
    once the admin has saved them and listed with each revision's changes; a deleted item's
    versions read-only."""

    object_history_list_template = "admin/history_list.html"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_relations(form.instance)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            item = self.model._default_manager.filter(pk=self.model._meta.pk.to_python(object_id))
            for restored in item:
                record_relations(restored)
        return response

    def revert_disabled(self, request, obj=None):
        """Nothing to restore into once the item is deleted."""
        if obj is not None and obj.pk is not None:
            exists = getattr(request, "_portal_item_exists", {})
            if obj.pk not in exists:
                exists[obj.pk] = item_exists(self.model, obj.pk)
                request._portal_item_exists = exists
            if not exists[obj.pk]:
                return True
        return super().revert_disabled(request, obj)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        previous = None
        for current in historical_records:
            if previous is not None:
                previous.relation_changes = relation_changes(self.model, current, previous)
            previous = current


def state_of(item) -> dict:
    return {name: getattr(item, name) for name in STATE_FIELDS}


class RestoreKeepsPublication:
    """For the workflow's admin: a restored version takes the item's publication state as it
    is now (status, publish time, withdrawal and its reason), unless a publisher ticks the
    choice to take the version's too. The restore page says which."""

    object_history_form_template = "admin/history_restore_form.html"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        context = dict(extra_context or {})
        pk = None
        try:
            pk = self.model._meta.pk.to_python(object_id)
            version = versions_of(self.model, pk).filter(history_id=int(version_id)).first()
        except (ValidationError, ValueError, TypeError, OverflowError):
            version = None  # HistoryAdmin answers 404
        current = self.model._default_manager.filter(pk=pk).first() if version else None
        if version is not None and current is not None:
            request._portal_restoring = (current, state_of(version))
            context["restore_state"] = {
                "current": Status(current.status).label,
                "version": Status(version.status).label,
                "differs": state_of(version) != state_of(current),
                "may_choose": can_publish(request.user, self.model),
                "field": TAKE_VERSION_STATE,
            }
        return super().history_form_view(request, object_id, version_id, context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        restoring = getattr(request, "_portal_restoring", None)
        if restoring is None or obj is None or not isinstance(obj, Publishable):
            return form
        current, version_state = restoring
        take_version = (
            request.method == "POST"
            and bool(request.POST.get(TAKE_VERSION_STATE))
            and can_publish(request.user, self.model)
        )
        state = version_state if take_version else state_of(current)

        class RestoreForm(form):
            """The version's texts and links; the publication state chosen above, whatever
            the form posts."""

            def __init__(self, *args, instance=None, **kwargs):
                if instance is not None:
                    for name, value in state.items():
                        setattr(instance, name, value)
                super().__init__(*args, instance=instance, **kwargs)
                for name in STATE_FIELDS:
                    if name in self.fields:
                        self.fields[name].disabled = True
                        self.fields[name].required = False

        return RestoreForm
