"""What waits for each member of staff: the work queue on the admin's home page.

The queue is a list of sections, each computed for one user by a function registered here
(``register_section``); a section that has nothing for the user is left out, and a user for
whom no section has anything is told so. The sections come from the content registry
(``portal.content``), never from a list of models, so a new content model joins the queue by
registering as content:

- **Waiting for review** (users who may publish the model): items in review, with who
  submitted each and when, and a count per model linking to its changelist filtered
  ``?publication=review``;
- **Waiting for moderation** (users who may change a moderated model: both roles moderate):
  what visitors sent that no one has decided on, a count per model linking to its changelist
  filtered ``?state__exact=pending``, the newest listed;
- **Scheduled next** (users who may publish the model): the next published items whose
  publish time has not come, soonest first;
- **Your drafts** (users who may change the model): drafts the user created — whose first
  revision (django-simple-history's "created" record) is theirs;
- **Sent back to you** (users who may change the model): drafts the user had submitted for
  review and that someone else returned to draft, with who did, when, and the change reason
  recorded with that revision, if any;
- **Corrections waiting for review** and **Corrections sent back to you**: corrections of live
  items (``portal.corrections``), for publishers of the item's kind and for their author.

"Submitted by" is the user of the revision in which the item *became* "in review" (the first
revision in review after the last one that was not): later edits made while it waits do not
change who submitted it.

Cost: a fixed number of queries per registered model (counts in one aggregate, a list only
where a count is not zero, each list cut to ``LIMIT`` rows) and one query for every user name
shown, whatever the number of items; see tests/portal/test_work_queue.py.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DateTimeField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from . import content, corrections
from .admin_links import change_url, changelist_url
from .publishing import Status

# How many items a section lists; its counts say how many there are in all.
LIMIT = 10
# How many of each moderated model's waiting items are listed.
MODERATION_LIMIT = 5

# What a moderated model holds (memorials.models.Moderated): its ``state``, "pending" until
# someone decides, and when it was received.
PENDING = "pending"
RECEIVED_FIELD = "created_at"

# Before any revision: what "the last revision not in review" is for an item that was created
# in review.
_BEGINNING = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass
class Entry:
    """One item waiting: its kind ("Document"), its name, the address of its change page, who
    and when (what they mean is the section's columns), and a note (a reason given)."""

    kind: str
    title: str
    url: str
    when: datetime.datetime | None = None
    who_id: int | None = None
    who: str = ""
    note: str = ""


@dataclass
class Tally:
    """How many items of one kind wait, and the address of the changelist that lists them."""

    label: str
    count: int
    url: str


@dataclass
class Section:
    """A part of the queue. ``who_label``, ``when_label``, ``note_label`` head the entries'
    columns; an empty label leaves the column out."""

    key: str
    title: str
    entries: list[Entry] = field(default_factory=list)
    tallies: list[Tally] = field(default_factory=list)
    when_label: str = ""
    who_label: str = ""
    note_label: str = ""

    @property
    def empty(self) -> bool:
        return not self.entries and not any(tally.count for tally in self.tallies)


class Desk:
    """What the sections of one user's queue share: the user, the time, and each model's
    counts, read once in one query per model."""

    def __init__(self, user, now=None):
        self.user = user
        self.now = now or timezone.now()
        self._counts: dict[type, dict[str, int]] = {}

    def may(self, action: str, model) -> bool:
        opts = model._meta
        return self.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    def publishing_counts(self, model) -> dict[str, int]:
        """``review``, ``scheduled`` and this user's ``drafts`` of a publishable model."""
        if model not in self._counts:
            conditions = {
                "review": Q(status=Status.REVIEW),
                "scheduled": Q(status=Status.PUBLISHED, published_at__gt=self.now),
                "drafts": Q(status=Status.DRAFT, pk__in=created_by(model, self.user)),
            }
            self._counts[model] = model._default_manager.order_by().aggregate(
                **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
            )
        return self._counts[model]


SectionFunction = Callable[[Desk], Section | None]
_sections: list[SectionFunction] = []


def register_section(function: SectionFunction) -> SectionFunction:
    """Add a section to every user's queue, after those registered before it. ``function``
    takes the user's ``Desk`` and returns a ``Section``, or None when the user has no part in
    it. Usable as a decorator."""
    if function not in _sections:
        _sections.append(function)
    return function


def sections_for(user, now=None) -> list[Section]:
    """The sections of ``user``'s queue that have something for them, in registration order,
    with the names of the users they mention (one query for them all)."""
    desk = Desk(user, now)
    sections = [
        section for function in _sections if (section := function(desk)) and not section.empty
    ]
    _name_users([entry for section in sections for entry in section.entries])
    return sections


def _name_users(entries: list[Entry]) -> None:
    ids = {entry.who_id for entry in entries if entry.who_id is not None}
    users = get_user_model()._default_manager.in_bulk(ids) if ids else {}
    for entry in entries:
        if entry.who:
            continue
        user = users.get(entry.who_id)
        entry.who = (user.get_full_name() or user.get_username()) if user else "—"


# Addresses in the admin --------------------------------------------------------------------


def kind_names(model) -> tuple[str, str]:
    """The content model's name, one and many, in the reader's language."""
    return content.of(model).names


# The revision history ------------------------------------------------------------------------


def history_of(model):
    """The model's revisions (django-simple-history), or None if it keeps none."""
    try:
        return get_history_model_for_model(model)
    except NotHistoricalModelError:
        return None


def _revisions(model, history):
    """The revisions of the outer query's item."""
    key = model._meta.pk.attname
    return history._default_manager.filter(**{key: OuterRef("pk")})


def created_by(model, user):
    """The keys of the model's items whose first revision ("created") is ``user``'s."""
    history = history_of(model)
    if history is None:
        return model._default_manager.none().values("pk")
    key = model._meta.pk.attname
    return history._default_manager.filter(history_type="+", history_user=user.pk).values(key)


def with_submission(queryset, history):
    """Annotate each item with its last time in review (``reviewed_at``) and who submitted it
    then and when (``submitted_by``, ``submitted_at``): the first revision of that stay in
    review, after the last revision before it that was not in review."""
    model = queryset.model
    newest = ("-history_date", "-history_id")
    oldest = ("history_date", "history_id")
    in_review = _revisions(model, history).filter(status=Status.REVIEW)
    queryset = queryset.annotate(
        reviewed_at=Subquery(in_review.order_by(*newest).values("history_date")[:1])
    )
    before = (
        _revisions(model, history)
        .exclude(status=Status.REVIEW)
        .filter(history_date__lt=OuterRef("reviewed_at"))
        .order_by(*newest)
    )
    queryset = queryset.annotate(
        entered_after=Coalesce(
            Subquery(before.values("history_date")[:1]),
            Value(_BEGINNING, output_field=DateTimeField()),
        )
    )
    submission = in_review.filter(history_date__gt=OuterRef("entered_after")).order_by(*oldest)
    return queryset.annotate(
        submitted_at=Subquery(submission.values("history_date")[:1]),
        submitted_by=Subquery(submission.values("history_user")[:1]),
    )


# The sections --------------------------------------------------------------------------------


def _publishable(desk: Desk, action: str) -> list[type]:
    """The publishable models on which the user may take ``action`` (change, publish)."""
    return [model for model in content.models(publishable=True) if desk.may(action, model)]


def _tally(section: Section, model, count: int, query: str) -> None:
    if count:
        section.tallies.append(Tally(kind_names(model)[1], count, changelist_url(model, query)))


def _newest(entries: list[Entry], *, soonest=False) -> list[Entry]:
    """The first ``LIMIT`` entries, newest first (or soonest first)."""
    dated = [entry for entry in entries if entry.when is not None]
    undated = [entry for entry in entries if entry.when is None]
    dated.sort(key=lambda entry: entry.when, reverse=not soonest)
    return [*dated, *undated][:LIMIT]


@register_section
def waiting_for_review(desk: Desk) -> Section | None:
    models = _publishable(desk, "publish")
    if not models:
        return None
    section = Section(
        "review",
        _("Waiting for review"),
        who_label=_("Submitted by"),
        when_label=_("Submitted"),
    )
    entries = []
    for model in models:
        count = desk.publishing_counts(model)["review"]
        _tally(section, model, count, f"publication={Status.REVIEW}")
        if not count:
            continue
        items = model._default_manager.filter(status=Status.REVIEW)
        history = history_of(model)
        if history is not None:
            items = with_submission(items, history).order_by(
                F("submitted_at").desc(nulls_last=True), "-pk"
            )
        else:
            items = items.order_by("-pk")
        for item in items[:LIMIT]:
            entries.append(
                Entry(
                    kind_names(model)[0],
                    str(item),
                    change_url(item),
                    when=getattr(item, "submitted_at", None),
                    who_id=getattr(item, "submitted_by", None),
                )
            )
    section.entries = _newest(entries)
    return section


@register_section
def waiting_for_moderation(desk: Desk) -> Section | None:
    models = [model for model in content.models(moderated=True) if desk.may("change", model)]
    if not models:
        return None
    section = Section("moderation", _("Waiting for moderation"), when_label=_("Received"))
    entries = []
    for model in models:
        waiting = model._default_manager.filter(state=PENDING)
        count = waiting.count()
        _tally(section, model, count, f"state__exact={PENDING}")
        if not count:
            continue
        for item in waiting.order_by(f"-{RECEIVED_FIELD}", "-pk")[:MODERATION_LIMIT]:
            entries.append(
                Entry(
                    kind_names(model)[0],
                    str(item),
                    change_url(item),
                    when=getattr(item, RECEIVED_FIELD),
                )
            )
    section.entries = sorted(entries, key=lambda entry: entry.when, reverse=True)
    return section


@register_section
def scheduled_next(desk: Desk) -> Section | None:
    models = _publishable(desk, "publish")
    if not models:
        return None
    section = Section("scheduled", _("Scheduled next"), when_label=_("Publish time"))
    entries = []
    for model in models:
        count = desk.publishing_counts(model)["scheduled"]
        _tally(section, model, count, "publication=scheduled")
        if not count:
            continue
        items = model._default_manager.filter(status=Status.PUBLISHED, published_at__gt=desk.now)
        for item in items.order_by("published_at", "pk")[:LIMIT]:
            entries.append(
                Entry(kind_names(model)[0], str(item), change_url(item), when=item.published_at)
            )
    section.entries = _newest(entries, soonest=True)
    return section


@register_section
def your_drafts(desk: Desk) -> Section | None:
    models = _publishable(desk, "change")
    if not models:
        return None
    section = Section("drafts", _("Your drafts"), when_label=_("Last changed"))
    entries = []
    for model in models:
        count = desk.publishing_counts(model)["drafts"]
        if not count:
            continue
        history = history_of(model)
        last_changed = _revisions(model, history).order_by("-history_date", "-history_id")
        items = (
            model._default_manager.filter(status=Status.DRAFT, pk__in=created_by(model, desk.user))
            .annotate(changed_at=Subquery(last_changed.values("history_date")[:1]))
            .order_by("-changed_at", "-pk")
        )
        for item in items[:LIMIT]:
            entries.append(
                Entry(kind_names(model)[0], str(item), change_url(item), when=item.changed_at)
            )
    section.entries = _newest(entries)
    return section


@register_section
def sent_back(desk: Desk) -> Section | None:
    models = [model for model in _publishable(desk, "change") if history_of(model) is not None]
    if not models:
        return None
    section = Section(
        "sent-back",
        _("Sent back to you"),
        who_label=_("Sent back by"),
        when_label=_("Sent back"),
        note_label=_("Comment"),
    )
    entries = []
    for model in models:
        history = history_of(model)
        # Only drafts the user ever had in review: an index read that spares the revisions'
        # subqueries the archive's other drafts (a register's imported people).
        reviewed_by_user = history._default_manager.filter(
            status=Status.REVIEW, history_user=desk.user.pk
        ).values(model._meta.pk.attname)
        drafts = with_submission(
            model._default_manager.filter(status=Status.DRAFT, pk__in=reviewed_by_user), history
        )
        returned = (
            _revisions(model, history)
            .filter(history_date__gt=OuterRef("reviewed_at"))
            .order_by("history_date", "history_id")
        )
        items = (
            drafts.filter(submitted_by=desk.user.pk)
            .annotate(
                returned_status=Subquery(returned.values("status")[:1]),
                returned_by=Subquery(returned.values("history_user")[:1]),
                returned_at=Subquery(returned.values("history_date")[:1]),
                returned_reason=Subquery(returned.values("history_change_reason")[:1]),
            )
            # Returned to draft by someone else: taking one's own item back is no sending back.
            .filter(returned_status=Status.DRAFT)
            .exclude(returned_by=desk.user.pk)
            .order_by("-returned_at", "-pk")
        )
        for item in items[:LIMIT]:
            entries.append(
                Entry(
                    kind_names(model)[0],
                    str(item),
                    change_url(item),
                    when=item.returned_at,
                    who_id=item.returned_by,
                    note=item.returned_reason or "",
                )
            )
    section.entries = _newest(entries)
    return section


def _correction_entry(correction, *, when, who_id, note="") -> Entry:
    """A correction, named after its item ("Correction #3: Black January")."""
    item = correction.item
    model = correction.content_type.model_class()
    title = f"{correction}: {item}" if item is not None else str(correction)
    kind = kind_names(model)[0] if model is not None else ""
    return Entry(kind, title, change_url(correction), when=when, who_id=who_id, note=note)


@register_section
def corrections_in_review(desk: Desk) -> Section | None:
    """Corrections of live items that wait for a publisher of their kind."""
    models = _publishable(desk, "publish")
    if not models:
        return None
    section = Section(
        "corrections-review",
        _("Corrections waiting for review"),
        who_label=_("Submitted by"),
        when_label=_("Submitted"),
    )
    kinds = ContentType.objects.get_for_models(*models).values()
    waiting = corrections.in_review().filter(content_type__in=kinds)
    count = waiting.count()
    if count:
        url = changelist_url(corrections.Correction, f"state__exact={corrections.State.REVIEW}")
        section.tallies.append(Tally(_("Corrections"), count, url))
        section.entries = [
            _correction_entry(correction, when=correction.submitted_at, who_id=correction.author_id)
            for correction in waiting[:LIMIT]
        ]
    return section


@register_section
def corrections_sent_back(desk: Desk) -> Section | None:
    """The user's corrections a publisher sent back, with the comment to act on."""
    returned = list(corrections.sent_back_to(desk.user)[:LIMIT])
    section = Section(
        "corrections-sent-back",
        _("Corrections sent back to you"),
        who_label=_("Sent back by"),
        when_label=_("Sent back"),
        note_label=_("Comment"),
    )
    section.entries = [
        _correction_entry(
            correction,
            when=correction.decided_at,
            who_id=correction.decided_by_id,
            note=correction.comment,
        )
        for correction in returned
    ]
    return section
