"""The memorials' reads: what pages, feeds, the API and the front ask of events, people,
places and commemorations. Every read starts from a model's ``public()`` (or ``visible_to``
for previews), so each page shows what the public rule allows and nothing more."""

import datetime
import itertools
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q

from archive.media import RENDITION_WIDTHS
from portal.search import names

from . import anniversaries
from .models import Commemoration, Event, Figure, Person, PersonRelation, Place, Testimony, Tribute

UPCOMING_DAYS = 60
EVENT_PEOPLE_SHOWN = 100
TRIBUTE_MESSAGES_SHOWN = 50


def on_this_day(today: datetime.date):
    """(event, anniversary) pairs whose anniversary falls on ``today``."""
    return Event.objects.public().on_this_day(today)


def upcoming_anniversaries(today: datetime.date, days: int = UPCOMING_DAYS, limit=None):
    """(event, anniversary) pairs in the ``days`` after today, soonest first (the first
    ``limit``: the calendar lists them all)."""
    start, end = today + datetime.timedelta(days=1), today + datetime.timedelta(days=days)
    return Event.objects.public().anniversaries_between(start, end, limit)


def next_anniversary(today: datetime.date):
    """The (event, anniversary) that comes next, today's included — what the home page leads
    with — or None while no event is public. An anniversary known only to its month or year
    counts from its first day, so one under way leads until it ends."""
    # The dates of every public event are read; only the one that leads is read whole.
    dates = Event.objects.public().values_list("pk", "start_date", "date_precision", "name")
    coming = [
        (anniversaries.next_anniversaries(start, precision, today)[0], start, name, pk)
        for pk, start, precision, name in dates
    ]
    lead = min(coming, key=lambda row: (row[0].period[0], *row[1:3]), default=None)
    if lead is None:
        return None
    event = Event.objects.public().filter(pk=lead[3]).first()
    return (event, lead[0]) if event is not None else None


def twelve_months_from(today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year + 1) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return datetime.date(today.year + 1, 2, 28)


def upcoming_commemorations(start: datetime.date, end: datetime.date):
    candidates = Commemoration.objects.public().with_related()
    candidates = candidates.filter(date__lte=end, date__gte=start - datetime.timedelta(days=366))
    return [c for c in candidates if c.period[1] >= start]


def calendar_months(today: datetime.date, end: datetime.date):
    """The anniversaries and commemorations from today to ``end``, grouped by month."""
    entries = [
        (anniversary.period[0], "anniversary", event, anniversary)
        for event, anniversary in Event.objects.public().anniversaries_between(today, end)
    ]
    for commemoration in upcoming_commemorations(today, end):
        entries.append((max(commemoration.period[0], today), "commemoration", commemoration, None))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return [
        (datetime.date(year, month, 1), list(group))
        for (year, month), group in itertools.groupby(
            entries, key=lambda e: (e[0].year, e[0].month)
        )
    ]


def calendar_items():
    """What calendar.ics lists: public events and commemorations."""
    return Event.objects.public(), Commemoration.objects.public().with_related()


def event_for_page(user, slug: str):
    return Event.objects.visible_to(user).with_related().filter(slug=slug).first()


def figure_groups(event):
    """The event's public figures, grouped by measure in the order of the measures, each group
    by its sources' dates: sources that disagree stand side by side."""
    figures = Figure.objects.public().filter(event=event).with_related()
    measure_order = {value: index for index, value in enumerate(Figure.Measure.values)}
    figures = sorted(
        figures, key=lambda f: (measure_order[f.measure], f.measure_label, f.source.issued_on)
    )
    return [
        (measure, list(group))
        for measure, group in itertools.groupby(figures, key=lambda f: f.measure_display)
    ]


def event_parts(event):
    """What an event's page shows of what belongs to it, public only. Of its people, the first
    ``EVENT_PEOPLE_SHOWN`` and their number: the register (/people/?event=) lists them all, and
    a page naming thousands would be slow to build and to read."""
    people = event.people.public()
    return {
        "documents": event.documents.public().select_related("issuer"),
        "commemorations": event.commemorations.public().select_related("place", "organizer"),
        "people": list(people.select_related("place")[:EVENT_PEOPLE_SHOWN]),
        "people_count": people.count(),
        "places": event.places.all(),
    }


def people(query: str = "", event_slug: str = ""):
    """The register: public people, by event, and by name however it is spelled, the
    closest first (portal/search/names.py); a fragment that is no name's word ("Mamm")
    still finds the names that contain it."""
    found = Person.objects.public().select_related("place", "event")
    if event_slug:
        found = found.filter(event__slug=event_slug)
    if not query:
        return found
    by_event = Person.objects.filter(event__slug=event_slug) if event_slug else None
    by_name = names.found_by_name(found, query, within=by_event)
    if by_name:
        return by_name
    return found.named(query)


def events_with_people():
    return Event.objects.public().filter(
        Exists(Person.objects.public().filter(event=OuterRef("pk")))
    )


def event_choices() -> list[tuple[str, str, str]]:
    """(slug, name in the reader's language, that name's language) of each event the register
    can be narrowed to: a list of a thousand events reads their names alone."""
    return Event.names_for(events_with_people(), None, "slug")


def register_size() -> int:
    """How many people the register names (``people()`` unfiltered, counted)."""
    return Person.objects.public_count()


def register_is_empty() -> bool:
    return not Person.objects.public().exists()


def person_for_page(user, slug: str):
    people = Person.objects.visible_to(user)
    people = people.select_related("place", "event", "portrait", "source", "source__issuer")
    return people.filter(slug=slug).first()


def person_parts(person):
    """What a person's page shows beside the person: the portrait, the source (only when it is
    public: a draft's title and words are not shown), the public documents an editor linked,
    the public relatives from either side of each relation, and the other files."""
    portrait = person.portrait if _is_own_image(person, person.portrait) else None
    source = person.source if person.source_id and person.source.is_public else None
    documents = person.documents.public().select_related("issuer").order_by("issued_on", "pk")
    attachments = person.attachments.exclude(pk=portrait.pk) if portrait else person.attachments
    return {
        "portrait": portrait,
        "portrait_srcset": image_srcset(portrait) if portrait else "",
        "source": source,
        "documents": list(documents),
        "relatives": relatives_of(person),
        "attachments": list(attachments.all()),
    }


def image_srcset(attachment) -> str:
    """The stored display sizes of an image, each with its real width (never wider than the
    original), for ``<img srcset>``: "…-thumbnail.webp 320w, …-display.webp 1280w"."""
    by_width = {}
    for name, width in RENDITION_WIDTHS.items():
        rendition = getattr(attachment, name)
        if rendition and attachment.width:
            by_width[min(width, attachment.width)] = rendition.url
    return ", ".join(f"{url} {width}w" for width, url in sorted(by_width.items()))


def _is_own_image(person, attachment) -> bool:
    return (
        attachment is not None
        and attachment.is_image
        and attachment.object_id == person.pk
        and attachment.content_type_id == ContentType.objects.get_for_model(Person).pk
    )


@dataclass(frozen=True)
class Relative:
    kind: str  # PersonRelation.Kind: what ``person`` is to the page's person
    person: Person

    @property
    def label(self) -> str:
        return PersonRelation.Kind(self.kind).label


def relatives_of(person) -> list[Relative]:
    """The person's public relatives, in the order of the kinds of relation, each worded from
    ``person``'s side: a relation recorded on the other person reads reversed (their parent is
    this person: this person's child)."""
    public = Person.objects.public()
    relations = PersonRelation.objects.filter(
        Q(person=person, relative__in=public) | Q(relative=person, person__in=public)
    ).select_related("person", "relative")
    relatives = [
        Relative(relation.kind, relation.relative)
        if relation.person_id == person.pk
        else Relative(PersonRelation.reverse_kind(relation.kind), relation.person)
        for relation in relations
    ]
    order = {kind: index for index, kind in enumerate(PersonRelation.Kind.values)}
    return sorted(relatives, key=lambda relative: (order[relative.kind], relative.person.name))


def public_places():
    return Place.objects.public().select_related("parent")


def place_for_page(user, slug: str):
    return Place.objects.visible_to(user).select_related("parent").filter(slug=slug).first()


def place_parts(place):
    """What happened at a place, public only, and the public places within it."""
    return {
        "children": place.children.public(),
        "events": place.events.public(),
        "commemorations": place.commemorations.public().select_related("event"),
        "people": place.people.public(),
    }


def tributes_shown(subject):
    """The approved tributes of an event or a person: messages, and the count of candles."""
    approved = subject.tributes.approved()
    return {
        "tributes": approved.filter(kind=Tribute.Kind.MESSAGE)[:TRIBUTE_MESSAGES_SHOWN],
        "candle_count": approved.filter(kind=Tribute.Kind.CANDLE).count(),
    }


def withdrawn_event(slug: str):
    """An event withdrawn after it was public, for its tombstone; None otherwise."""
    return Event.objects.withdrawn().filter(slug=slug).first()


def withdrawn_person(slug: str):
    """A person withdrawn after they were public (or with their event), for the tombstone."""
    return Person.objects.withdrawn().select_related("event").filter(slug=slug).first()


TESTIMONIES_SHOWN = 50


def testimonies_shown(subject) -> list:
    """The approved testimonies of an event or a person, in the order they came."""
    approved = Testimony.objects.approved().filter(**{subject._meta.model_name: subject})
    return list(approved.order_by("created_at", "pk")[:TESTIMONIES_SHOWN])


def testimony_with_photo(user, pk: int):
    """The testimony whose photo ``user`` may see, or None: to visitors, an approved one
    whose sender consented to publish it, about a public event or person; to staff who may
    view testimonies, any (they decide on it)."""
    testimony = (
        Testimony.objects.select_related("event", "person").filter(pk=pk).exclude(photo="").first()
    )
    if testimony is None:
        return None
    if user.is_active and user.is_staff and user.has_perm("memorials.view_testimony"):
        return testimony
    shown = (
        testimony.state == Testimony.State.APPROVED
        and testimony.photo_consent
        and testimony.subject.is_public
    )
    return testimony if shown else None
