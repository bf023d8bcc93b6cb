"""Corrections to live items: a change to a published item that waits for a publisher.

An editor cannot change a published item: what the public sees changes through a publisher. An
editor's save of a live item is kept here instead, as a ``Correction``: the changed field values,
serialized, beside the live values they were based on. The item and its public page stay as
they are. The editor submits it for review; a publisher compares it with the live version,
previews it on the public page (``preview``: the values applied to the item in memory, for
staff only, never cached or indexed), and publishes it — the values applied to the item and
saved as any change is, so that history, the search index, the page cache and the feeds follow
— or sends it back with a comment.

What a correction holds: the item's concrete, editable fields and its translations
(``translated_texts``, a field like the others), never the workflow's fields (publication is a
publisher's act of its own) nor what a model keeps as issued (``kept_as_issued``: a document's
text). Many-to-many fields (places, documents, tags) and inlines (attachments, figures) are not
part of a correction: the correction form shows them read-only.

Each field's live value is kept as it was when the correction first changed that field
(``based_on``): if the live item changed since, the comparison says so and publishing asks for
confirmation (``conflicts``).
"""

import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext_lazy as _

from .publishing import can_publish


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    SENT_BACK = "sent_back", _("Sent back")
    PUBLISHED = "published", _("Published")
    DISCARDED = "discarded", _("Discarded")


# A correction still being written or decided on; at most one per item.
OPEN_STATES = (State.DRAFT, State.REVIEW, State.SENT_BACK)

# Publication is the workflow's own act (portal/publishing.py), never part of a correction.
WORKFLOW_FIELDS = frozenset({"status", "published_at", "withdrawn_at", "withdrawal_reason"})


class CorrectionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def of(self, item):
        content_type = ContentType.objects.get_for_model(type(item))
        return self.filter(content_type=content_type, object_id=item.pk)


class Correction(models.Model):
    """A change to a live item, kept apart from it until a publisher publishes it."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, verbose_name=_("kind")
    )
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    # {field name: proposed value, serialized as fixtures serialize it}
    values = models.JSONField(_("proposed values"), default=dict, blank=True)
    # {field name: the live value when the correction first changed that field}
    based_on = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("publisher's comment"), blank=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        app_label = "portal"
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("correction of a live item")
        verbose_name_plural = _("corrections of live items")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            # Two open corrections of one item would each be based on the live version and
            # the second published would silently undo the first: editors continue the open
            # one instead.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(state__in=OPEN_STATES),
                name="portal_one_open_correction_per_item",
            )
        ]

    def __str__(self):
        return _("Correction #%(number)s") % {"number": self.pk}

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


# --- Fields and values -----------------------------------------------------------------------


def correctable_fields(model) -> list[models.Field]:
    """The fields a correction may change: concrete and editable, not the workflow's, not
    what the model keeps as issued (``kept_as_issued``), not set by the database or a save."""
    kept = set(getattr(model, "kept_as_issued", ())) | WORKFLOW_FIELDS
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable
        and not field.primary_key
        and field.name not in kept
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ]


def _serialized(item, field):
    """As Django's serializers write a value, and JSON-native (dates as ISO strings)."""
    value = field.value_from_object(item)
    if field.is_relation or isinstance(field, models.JSONField):
        plain = value
    elif value is None or isinstance(value, bool | int | float | str):
        plain = value
    else:
        plain = field.value_to_string(item)
    return json.loads(json.dumps(plain, cls=DjangoJSONEncoder))


def _deserialized(field, value):
    if value is None:
        return None
    if field.is_relation:
        return field.target_field.to_python(value)
    return field.to_python(value)


def values_of(item, names) -> dict:
    fields = {field.name: field for field in correctable_fields(type(item))}
    return {name: _serialized(item, fields[name]) for name in names if name in fields}


def apply(item, values: dict):
    """Give ``item`` the proposed values, in memory. Only fields a correction may change are
    set, whatever ``values`` holds: a document's text is never among them."""
    fields = {field.name: field for field in correctable_fields(type(item))}
    for name, value in values.items():
        field = fields.get(name)
        if field is not None:
            setattr(item, field.attname, _deserialized(field, value))
    return item


def changes(edited, live) -> dict:
    """The correctable fields in which ``edited`` differs from ``live``, serialized."""
    proposed = {}
    for field in correctable_fields(type(live)):
        value = _serialized(edited, field)
        if value != _serialized(live, field):
            proposed[field.name] = value
    return proposed


def open_correction(item):
    if item is None or item.pk is None:
        return None
    return Correction.objects.open().of(item).select_related("author").first()


def item_of(correction, lock: bool = False):
    """The correction's item as stored now (None if it was deleted)."""
    model = correction.content_type.model_class()
    if model is None:
        return None
    items = model._default_manager.all()
    if lock:
        items = items.select_for_update()
    return items.filter(pk=correction.object_id).first()


def conflicts(correction, item) -> list[str]:
    """The fields whose live value changed after the correction changed them."""
    if item is None:
        return []
    live = values_of(item, correction.based_on)
    return [name for name, value in correction.based_on.items() if live.get(name) != value]


# --- What editors and publishers do ------------------------------------------------------------


class CorrectionRefused(Exception):
    """A step the correction's state or content does not allow, with a sentence saying why."""


def save(edited, user, *, submit: bool = False) -> Correction:
    """Keep ``edited`` (a live item with changes, unsaved) as the item's open correction, or
    start one. The item itself is not saved. ``submit`` sends it for review."""
    with transaction.atomic():
        live = type(edited)._default_manager.select_for_update().get(pk=edited.pk)
        correction = Correction.objects.open().of(live).select_for_update().first() or Correction(
            content_type=ContentType.objects.get_for_model(type(live)),
            object_id=live.pk,
            author=user,
        )
        proposed = changes(edited, live)
        # A field's base stays what the live value was when the correction first changed it.
        based_on = {
            name: correction.based_on.get(name, value)
            for name, value in values_of(live, proposed).items()
        }
        correction.values, correction.based_on = proposed, based_on
        if submit:
            if not proposed:
                raise CorrectionRefused(
                    _("The correction changes nothing yet: change a field, then submit it.")
                )
            correction.state = State.REVIEW
            correction.submitted_at = timezone.now()
        correction.save()
    return correction


def _publisher_of(correction, user) -> None:
    model = correction.content_type.model_class()
    if model is None or not can_publish(user, model):
        raise PermissionDenied


def publish(correction, user, *, confirmed: bool = False):
    """Apply the correction to its item and save the item as any change is saved. Refused to
    anyone who may not publish the item, for a correction not in review, and, unless
    ``confirmed``, when the live item changed the same fields since."""
    _publisher_of(correction, user)
    with transaction.atomic():
        correction = Correction.objects.select_for_update().get(pk=correction.pk)
        if correction.state != State.REVIEW:
            raise CorrectionRefused(_("Only a correction in review can be published."))
        item = item_of(correction, lock=True)
        if item is None:
            raise CorrectionRefused(_("The item of this correction no longer exists."))
        if conflicts(correction, item) and not confirmed:
            raise CorrectionRefused(
                _(
                    "The live item changed after this correction was started. Compare again, "
                    "and confirm to publish the correction over those changes."
                )
            )
        apply(item, correction.values)
        item.full_clean()  # raises ValidationError: nothing is saved
        item._history_user = user
        item._change_reason = str(correction)
        item.save()
        correction.state = State.PUBLISHED
        correction.decided_by, correction.decided_at = user, timezone.now()
        correction.save()
    return item


def send_back(correction, user, comment: str) -> None:
    _publisher_of(correction, user)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say what the editor should change: a comment is required."))
    with transaction.atomic():
        correction = Correction.objects.select_for_update().get(pk=correction.pk)
        if correction.state != State.REVIEW:
            raise CorrectionRefused(_("Only a correction in review can be sent back."))
        correction.state = State.SENT_BACK
        correction.comment = comment
        correction.decided_by, correction.decided_at = user, timezone.now()
        correction.save()


def submit(correction) -> None:
    if correction.state not in (State.DRAFT, State.SENT_BACK):
        raise CorrectionRefused(_("Only a draft or a correction sent back can be submitted."))
    if not correction.values:
        raise CorrectionRefused(
            _("The correction changes nothing yet: change a field, then submit it.")
        )
    correction.state = State.REVIEW
    correction.submitted_at = timezone.now()
    correction.save()


def discard(correction) -> None:
    if not correction.is_open:
        raise CorrectionRefused(_("Only an open correction can be discarded."))
    correction.state = State.DISCARDED
    correction.save()


# --- Work queues -------------------------------------------------------------------------------


def in_review():
    """Corrections waiting for a publisher, the longest waiting first, with their author and
    item (one query for the corrections, one per kind of item)."""
    return (
        Correction.objects.filter(state=State.REVIEW)
        .select_related("author", "content_type")
        .prefetch_related("item")
        .order_by("submitted_at", "pk")
    )


def sent_back_to(user):
    """``user``'s corrections a publisher sent back, with the comment to act on."""
    return (
        Correction.objects.filter(state=State.SENT_BACK, author=user)
        .select_related("decided_by", "content_type")
        .prefetch_related("item")
        .order_by("-decided_at", "-pk")
    )


# --- Preview on the public page ----------------------------------------------------------------

PREVIEW_PARAMETER = "correction"

_previewed_models: set[type] = set()


def preview_on_page(*models) -> None:
    """Declare that ``models``' own public pages show a correction's preview (their views call
    ``preview``); the admin offers the preview link for these."""
    _previewed_models.update(models)


def previewable(model) -> bool:
    return model in _previewed_models


def preview_url(correction, item) -> str:
    return f"{item.get_absolute_url()}?{PREVIEW_PARAMETER}={correction.pk}"


def preview(request, item):
    """``item`` with the open correction named by ``?correction=<id>`` applied (unsaved), for
    staff who may view the item's model; for anyone else the parameter is ignored without a
    query, so the visitor's page is the public one. ``publishing.mark_preview`` keeps a page
    showing a correction out of caches and indexes (``previewed_correction``)."""
    number = request.GET.get(PREVIEW_PARAMETER, "")
    if not number.isdigit() or len(number) > 18 or item is None:
        return item
    user = request.user
    opts = item._meta
    if not (
        user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    ):
        return item
    correction = Correction.objects.open().of(item).filter(pk=int(number)).first()
    if correction is not None:
        apply(item, correction.values)
        item.previewed_correction = correction
    return item


# --- Comparison --------------------------------------------------------------------------------


def shown(item, field) -> str:
    """A field's value as the comparison shows it."""
    if field.is_relation:
        related = getattr(item, field.name)
        return "" if related is None else str(related)
    if field.choices:
        return str(getattr(item, f"get_{field.name}_display")())
    value = field.value_from_object(item)
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False, indent=1) if value else ""
    if value is None:
        return ""
    return str(localize(value)) if not isinstance(value, str) else value


def comparison(correction, item) -> list[tuple[str, str, str, bool]]:
    """(field's name, live value, proposed value, changed live since) per proposed change."""
    if item is None:
        return []
    fields = {field.name: field for field in correctable_fields(type(item))}
    model = type(item)
    proposed = apply(model._default_manager.get(pk=item.pk), correction.values)
    changed_since = set(conflicts(correction, item))
    rows = []
    for name in correction.values:
        field = fields.get(name)
        if field is None:
            continue
        rows.append(
            (field.verbose_name, shown(item, field), shown(proposed, field), name in changed_since)
        )
    return rows
