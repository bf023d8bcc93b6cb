"""Publishing state shared by every editorial model.

An item moves draft → in review → published → withdrawn. Only a *published* item whose publish
time has come is public: every public page, feed, index and list goes through ``public()`` (or
``public_q()`` across a relation), so neither a draft nor an item scheduled for tomorrow can leak
through a view that forgets a filter. Scheduling needs no process: the publish time is compared
with the clock on every query.

Who may move an item where is decided here too (``allowed_statuses``) and enforced by the admin
(portal/admin.py): editors write and submit for review; publishers publish and withdraw.

Withdrawing an item that was public records when (``withdrawn_at``) and keeps the editors'
public reason (``withdrawal_reason``): its address then answers 410 Gone with a tombstone
(portal/addresses.py), and OAI-PMH reports it as deleted. Publishing it again clears the time.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Min, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# What an editor may do on their own; everything else takes a publisher.
EDITOR_STATUSES = frozenset({Status.DRAFT, Status.REVIEW})


def public_q(prefix: str = "") -> Q:
    """The condition for "public now", optionally across a relation (``public_q("event__")``)."""
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}published_at__lte": timezone.now()})


def released_q(prefix: str = "") -> Q:
    """Published, whether already public or scheduled for later."""
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}published_at__isnull": False})


def can_publish(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


# The permission to change records without a workflow that public pages show (roles.py gives
# it to publishers).
CHANGE_PUBLIC_RECORDS = "portal.change_public_records"


def may_change_shown(user) -> bool:
    """Whether ``user`` may change a record without a workflow that public pages show."""
    return user.has_perm(CHANGE_PUBLIC_RECORDS)


def allowed_statuses(user, model, current: str | None) -> list[str]:
    """The statuses ``user`` may give an item whose status is now ``current`` (None: a new item).

    Publishers may give any status. Editors may move an item between draft and review and
    leave it as it is; they cannot publish, withdraw or take a published item back."""
    if can_publish(user, model):
        return list(Status.values)
    if current is None or current in EDITOR_STATUSES:
        return [Status.DRAFT, Status.REVIEW]
    return [current]


class PublishableQuerySet(models.QuerySet):
    """The public rule for many rows; ``Publishable.public_from`` is the same rule for one."""

    def _with_relations(self, condition):
        rule = condition()
        for relation in self.model.public_with:
            rule &= Q(**{f"{relation}__isnull": True}) | condition(f"{relation}__")
        return self.filter(rule)

    def public(self):
        return self._with_relations(public_q)

    def public_count(self) -> int:
        """``public().count()``, counted from the items' own index: the items public on their
        own, less those a relation keeps off the site (the people of an unpublished event).
        The relations' rule joins every item to its relation, which for a register of tens of
        thousands costs more than reading the items' index."""
        public_alone = self.filter(public_q())
        hidden = Q()
        for relation in self.model.public_with:
            related = self.model._meta.get_field(relation).related_model
            not_public = related._base_manager.exclude(pk__in=related.objects.public())
            hidden |= Q(**{f"{relation}__in": not_public})
        hidden_count = public_alone.filter(hidden).count() if hidden else 0
        return public_alone.count() - hidden_count

    def withdrawn(self):
        """Items withdrawn after they were public (``withdrawn_at``), and released items that a
        relation's withdrawal took off the public site after they were public with it (the
        people of a withdrawn event): what answers 410 Gone instead of 404."""
        rule = Q(withdrawn_at__isnull=False) & ~Q(status=Status.PUBLISHED)
        for relation in self.model.public_with:
            rule |= released_q() & Q(
                **{
                    f"{relation}__withdrawn_at__isnull": False,
                    f"{relation}__withdrawn_at__gt": models.F("published_at"),
                }
            )
        return self.filter(rule)

    def released(self):
        return self._with_relations(released_q)

    def earliest_public_from(self):
        """The first moment any of these items is public from (scheduled ones included)."""
        moment = models.F("published_at")
        if self.model.public_with:
            moment = Greatest(
                "published_at",
                *[Coalesce(f"{r}__published_at", "published_at") for r in self.model.public_with],
            )
        return self.released().aggregate(earliest=Min(moment))["earliest"]

    def visible_to(self, user):
        """Public items, and for staff who may view this model in the admin, every item too:
        that is how editors preview a draft on its public URL."""
        opts = self.model._meta
        if (
            user.is_active
            and user.is_staff
            and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        ):
            return self.all()
        return self.public()


def mark_preview(response, item):
    """A page shown to an editor before it is public, or with a correction not yet published
    applied (portal/corrections.py), must never be cached or indexed."""
    if not item.is_public or getattr(item, "previewed_correction", None) is not None:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class Publishable(models.Model):
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_(
            "Only published items appear on the public site, and only from their publish time."
        ),
    )
    # Not indexed on its own: every public list filters on it, and an index on it alone leads
    # query planners to sort every public row instead of reading the list's order index.
    published_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        help_text=_(
            "When a published item becomes public. Left empty, publishing sets it to now; "
            "a time in the future schedules the item."
        ),
    )

    # Set when an item that was public is withdrawn, cleared when it is published again: a
    # withdrawn item's address answers 410 Gone with its tombstone, never a bare 404.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"),
        blank=True,
        help_text=_(
            "Public: shown at the item's address once it is withdrawn. Required to withdraw "
            "an item."
        ),
    )

    # Relations whose item must be public too, for this one to be (a person's event): the
    # queryset's public() and the instance's public_from both follow them.
    public_with: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        changed = []
        # A derived default: publishing without a time means publishing now.
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
            changed.append("published_at")
        if self.status == Status.PUBLISHED and self.withdrawn_at is not None:
            self.withdrawn_at = None  # published again
            changed.append("withdrawn_at")
        elif self.status == Status.WITHDRAWN and self.withdrawn_at is None and self._was_public():
            self.withdrawn_at = timezone.now()
            changed.append("withdrawn_at")
        update_fields = kwargs.get("update_fields")
        if changed and update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *changed}
        super().save(*args, **kwargs)
        self.stored_status = self.status

    def clean(self):
        super().clean()
        if self.needs_withdrawal_reason:
            raise ValidationError(
                {"withdrawal_reason": _("Give the public reason for withdrawing this item.")},
                code="withdrawal_reason",
            )

    @property
    def needs_withdrawal_reason(self) -> bool:
        """A withdrawal of a published item, or a withdrawn item with a tombstone, without the
        public reason the tombstone shows."""
        if self.status != Status.WITHDRAWN or self.withdrawal_reason.strip():
            return False
        return (
            self.withdrawn_at is not None
            or getattr(self, "stored_status", None) == Status.PUBLISHED
        )

    def _was_public(self) -> bool:
        """Whether the item was public until this save: stored as published, its publish time
        come, and its relations public (or withdrawn themselves, after it was public with
        them)."""
        if self.pk is None or getattr(self, "stored_status", None) != Status.PUBLISHED:
            return False
        now = timezone.now()
        if self.published_at is None or self.published_at > now:
            return False
        for relation in self.public_with:
            if getattr(self, f"{relation}_id") is None:
                continue
            related = getattr(self, relation)
            if not related.is_public and related.withdrawn_at is None:
                return False
        return True

    def withdrawal(self):
        """(when, public reason) of the withdrawal that took this item off the public site —
        its own, or a relation's that it was public with (a person's event) — or None. The
        instance's ``PublishableQuerySet.withdrawn()``."""
        if self.status != Status.PUBLISHED:
            if self.withdrawn_at is None:
                return None
            return self.withdrawn_at, self.withdrawal_reason
        for relation in self.public_with:
            related = getattr(self, relation) if getattr(self, f"{relation}_id") else None
            withdrawn_at = related.withdrawn_at if related is not None else None
            if withdrawn_at and self.published_at and self.published_at < withdrawn_at:
                return withdrawn_at, related.withdrawal_reason
        return None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What the database holds, before a form changes it: permissions depend on it.
        instance.stored_status = instance.__dict__.get("status")
        return instance

    @property
    def public_from(self):
        """The moment the item is public from, or None while it is not published: the item's
        whole public rule, on the instance (the queryset's ``public()`` says the same for many
        rows). Models whose items are public only with another (a person with their event)
        extend both."""
        if self.status != Status.PUBLISHED or self.published_at is None:
            return None
        moments = [self.published_at]
        for relation in self.public_with:
            if getattr(self, f"{relation}_id") is not None:
                moments.append(getattr(self, relation).public_from)
        return None if None in moments else max(moments)

    @property
    def is_public(self) -> bool:
        return self.is_released and self.public_from <= timezone.now()

    @property
    def is_released(self) -> bool:
        """Published, whether already public or scheduled for later."""
        return self.public_from is not None

    @property
    def is_scheduled(self) -> bool:
        return self.is_released and self.public_from > timezone.now()
