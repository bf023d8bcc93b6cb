import calendar
import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from archive.models import Document, Organization
from portal.naming import NamedInLanguages, TranslatedTexts
from portal.publishing import Publishable, PublishableQuerySet, public_q
from portal.revisions import HistoricalRelations
from portal.rights import Rights
from portal.search import SearchData
from portal.text import CleanText, strip_bidi_controls

from . import anniversaries
from .anniversaries import Precision
from .wording import disagreement


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def quoted_in(wording: str, text: str) -> bool:
    """Whether ``wording`` appears in ``text``, however either breaks its lines or spaces."""
    return " ".join(wording.split()) in " ".join(text.split())


def places_and_parents(places) -> list:
    """The places, and the larger places containing them, for re-indexing: whether a place is
    public depends on what names it and the places within it."""
    places = list(places.select_related("parent"))
    return [*places, *(place.parent for place in places if place.parent)]


class SlugManager(models.Manager):
    """Natural key: the slug."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def _shows_place(pk=None):
    """A public event, person or commemoration names the place (``pk``: the outer query's)."""
    place = OuterRef("pk") if pk is None else pk
    return (
        Exists(Event.objects.public().filter(places=place))
        | Exists(Person.objects.public().filter(place=place))
        | Exists(Commemoration.objects.public().filter(place=place))
    )


class PlaceQuerySet(models.QuerySet):
    def public(self):
        """Places that something public names, and the places that contain them (a page shows
        a place as part of the larger one). A place nothing public names has no page yet:
        neither its name nor an editor's work in progress reaches visitors."""
        children = Place.objects.filter(parent=OuterRef("pk")).filter(_shows_place())
        return self.filter(_shows_place() | Exists(children))

    def visible_to(self, user):
        opts = self.model._meta
        if user.is_active and user.is_staff and user.has_perm(f"{opts.app_label}.view_place"):
            return self.all()
        return self.public()


class Place(CleanText, NamedInLanguages, TranslatedTexts, models.Model):
    translated_fields = ("note",)

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        SITE = "site", _("Site or building")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name_variants = models.TextField(
        _("name variants"),
        blank=True,
        help_text=_("Other spellings in any script, one per line (Baky, Bakı, Баку)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    geonames_id = models.PositiveIntegerField(
        _("GeoNames identifier"),
        null=True,
        blank=True,
        help_text=_("The place's number at geonames.org, where known (Baku: 587084)."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    attachments = GenericRelation("archive.Attachment")

    objects = SlugManager.from_queryset(PlaceQuerySet)()
    history = HistoricalRecords(bases=[HistoricalRelations])

    class Meta:
        ordering = ["name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            # Coordinates come in pairs; half a position is no position.
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="memorials_place_coordinates_in_pairs",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("memorials:place", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def variants(self) -> list[str]:
        return split_lines(self.name_variants)

    def search_data(self) -> SearchData | None:
        public_from = self.public_from
        if public_from is None:
            return None
        # Only names: the index is built once, in no reader's language, so it holds no words
        # of the interface ("City in …") that a Russian reader would then meet in English.
        parent = [self.parent.name, *self.parent.translated_names] if self.parent else []
        return SearchData(
            kind="place",
            title=self.name,
            url=self.get_absolute_url(),
            # The editors' note in every language it is written in: a search in any finds it.
            text="\n\n".join(
                filter(
                    None,
                    [
                        ", ".join(parent),
                        self.note,
                        *(self.translated_texts or {}).get("note", {}).values(),
                    ],
                )
            ),
            names=(*self.variants, *self.translated_names),
            public_from=public_from,
        )

    def name_spellings(self):
        """Every place's spellings widen queries, shown or not ("Карабах" finds a release that
        writes "Karabakh"): they are knowledge of the language, and show nothing of the place."""
        return [self.name, *self.variants, *self.translated_names], None

    def search_dependents(self):
        """Events, people and commemorations mention their place in search."""
        return [*self.events.all(), *self.people.all(), *self.commemorations.all()]

    @property
    def public_from(self):
        """When the first public item naming the place (or a place within it) is public from,
        or None: ``PlaceQuerySet.public()`` for one place, scheduled items included."""
        if self.pk is None:
            return None
        places = [self.pk, *self.children.values_list("pk", flat=True)]
        moments = [
            Event.objects.filter(places__in=places).earliest_public_from(),
            Person.objects.filter(place__in=places).earliest_public_from(),
            Commemoration.objects.filter(place__in=places).earliest_public_from(),
        ]
        return min(filter(None, moments), default=None)

    @property
    def is_public(self) -> bool:
        return self.pk is not None and Place.objects.public().filter(pk=self.pk).exists()

    def clean(self):
        self._check_coordinates()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A place cannot be part of itself.")})
            ancestor = ancestor.parent

    def _check_coordinates(self):
        """Degrees on the globe (WGS 84, as GeoJSON and maps take them), given in pairs."""
        errors = {}
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            errors["latitude"] = _("A latitude is from -90 (south) to 90 (north) degrees.")
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            errors["longitude"] = _("A longitude is from -180 (west) to 180 (east) degrees.")
        if not errors and (self.latitude is None) != (self.longitude is None):
            missing = "latitude" if self.latitude is None else "longitude"
            errors[missing] = _("Give both the latitude and the longitude, or neither.")
        if errors:
            raise ValidationError(errors)


class EventQuerySet(PublishableQuerySet):
    def with_related(self):
        return self.prefetch_related("places")

    def anniversaries_between(self, start: datetime.date, end: datetime.date, limit=None):
        """(event, anniversary) pairs within [start, end], soonest first, the first ``limit``
        of them if given. The dates of every event are read; only the events shown are read
        whole."""
        dates = self.values_list("pk", "start_date", "date_precision", "name")
        found = [
            (anniversary.date, name, pk, anniversary)
            for pk, first, precision, name in dates
            for anniversary in anniversaries.anniversaries_between(first, precision, start, end)
        ]
        found = sorted(found, key=lambda row: row[:2])[:limit]
        events = self.in_bulk({row[2] for row in found})
        return [(events[pk], anniversary) for _d, _n, pk, anniversary in found if pk in events]

    def on_this_day(self, day: datetime.date):
        """(event, anniversary) pairs whose anniversary falls on ``day``."""
        same_day = Q(start_date__month=day.month, start_date__day=day.day)
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            same_day |= Q(start_date__month=2, start_date__day=29)
        candidates = self.filter(
            same_day, date_precision=Precision.DAY, start_date__year__lt=day.year
        )
        pairs = [(event, event.anniversary_on(day)) for event in candidates]
        return [(event, anniversary) for event, anniversary in pairs if anniversary]


class Event(CleanText, NamedInLanguages, TranslatedTexts, Publishable):
    translated_fields = ("description",)

    name = models.CharField(_("name"), max_length=200)
    alternative_names = models.TextField(
        _("alternative names"), blank=True, help_text=_("One per line, in any language or script.")
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    start_date = models.DateField(
        _("start date"),
        help_text=_("For a date known only to the month or year, enter its first day."),
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date known to the"), max_length=10, choices=Precision.choices, default=Precision.DAY
    )
    places = models.ManyToManyField(
        Place, blank=True, related_name="events", verbose_name=_("places")
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("The portal's own words: descriptive and neutral. Figures belong in Figures."),
    )
    documents = models.ManyToManyField(
        Document, blank=True, related_name="events", verbose_name=_("documents")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    tags = TaggableManager(blank=True, verbose_name=_("tags"))
    attachments = GenericRelation("archive.Attachment")

    objects = SlugManager.from_queryset(EventQuerySet)()
    history = HistoricalRecords(bases=[HistoricalRelations])

    class Meta:
        ordering = ["start_date", "name"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        permissions = [
            ("publish_event", _("Can publish, schedule and withdraw events")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="memorials_event_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("memorials:event", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def other_names(self) -> list[str]:
        return split_lines(self.alternative_names)

    @property
    def dates_display(self) -> str:
        start = anniversaries.format_partial_date(self.start_date, self.date_precision)
        if self.end_date and self.end_date != self.start_date:
            end = anniversaries.format_partial_date(self.end_date, self.date_precision)
            return f"{start} – {end}"
        return start

    @classmethod
    def indexing_queryset(cls, events):
        """What a whole index's rebuild reads with each event (portal/search/indexing.py)."""
        return events.prefetch_related("places", "tags")

    def search_data(self) -> SearchData | None:
        if not self.is_released:
            return None
        places = [name for place in self.places.all() for name in [place.name, *place.variants]]
        return SearchData(
            kind="event",
            title=self.name,
            url=self.get_absolute_url(),
            text="\n\n".join(
                filter(
                    None,
                    [
                        self.description,
                        *(self.translated_texts or {}).get("description", {}).values(),
                        ", ".join(places),
                    ],
                )
            ),
            names=(*self.other_names, *self.translated_names),
            date=self.start_date,
            date_precision=self.date_precision,
            tags=tuple((tag.slug, tag.name) for tag in self.tags.all()),
            public_from=self.public_from,
        )

    def name_spellings(self):
        if not self.is_released:
            return None
        return [self.name, *self.other_names, *self.translated_names], self.public_from

    def search_dependents(self):
        """Commemorations and people are public only with their event, and name it; its places
        are public while it is."""
        return [*self.commemorations.all(), *self.people.all(), *places_and_parents(self.places)]

    def anniversaries_between(self, start, end):
        return anniversaries.anniversaries_between(self.start_date, self.date_precision, start, end)

    def next_anniversary(self, after: datetime.date):
        return anniversaries.next_anniversaries(self.start_date, self.date_precision, after)[0]

    def anniversary_on(self, day: datetime.date):
        return anniversaries.falls_on(self.start_date, self.date_precision, day)

    def anniversary_near(self, day: datetime.date):
        return anniversaries.nearest_anniversary(self.start_date, self.date_precision, day)


class PersonQuerySet(PublishableQuerySet):
    def with_related(self):
        return self.select_related("event", "place")

    def named(self, text: str):
        """People whose name or any recorded variant contains ``text``."""
        return self.filter(Q(name__icontains=text) | Q(name_variants__icontains=text))


class Person(CleanText, NamedInLanguages, TranslatedTexts, Publishable):
    translated_fields = ("biography",)

    # A person of an event is remembered with it: public only while the event is (README).
    public_with = ("event",)

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name_variants = models.TextField(
        _("name variants"), blank=True, help_text=_("Other spellings in any script, one per line.")
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_precision = models.CharField(
        _("birth date known to the"),
        max_length=10,
        choices=Precision.choices,
        default=Precision.DAY,
    )
    death_date = models.DateField(_("date of death"), null=True, blank=True)
    death_precision = models.CharField(
        _("death date known to the"),
        max_length=10,
        choices=Precision.choices,
        default=Precision.DAY,
    )
    age = models.PositiveSmallIntegerField(
        _("age"),
        null=True,
        blank=True,
        help_text=_("As a source gives it, when the dates are unknown."),
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("place"),
    )
    biography = models.TextField(_("biography"), blank=True)
    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("event"),
    )
    source = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people_sourced",
        verbose_name=_("source"),
        help_text=_("The document that gives this person's name, dates and age."),
    )
    source_wording = models.TextField(
        _("source's wording"),
        blank=True,
        help_text=_("The source's own words about this person, exactly as they appear in it."),
    )
    documents = models.ManyToManyField(
        Document,
        blank=True,
        related_name="people_named",
        verbose_name=_("documents that name this person"),
    )
    portrait = models.ForeignKey(
        "archive.Attachment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("portrait"),
        help_text=_("One of this person's images, shown at the top of the page."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    attachments = GenericRelation("archive.Attachment")

    objects = SlugManager.from_queryset(PersonQuerySet)()
    history = HistoricalRecords(bases=[HistoricalRelations])

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [
            ("publish_person", _("Can publish, schedule and withdraw people")),
        ]
        indexes = [
            # The register's pages, in its order, without sorting every public person …
            models.Index(fields=["status", "name"], name="memorials_person_order_idx"),
            # … and its count, read from an index alone, not every person's row.
            models.Index(
                fields=["status", "event", "published_at"], name="memorials_person_count_idx"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("memorials:person", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def variants(self) -> list[str]:
        return split_lines(self.name_variants)

    @classmethod
    def indexing_queryset(cls, people):
        """What a whole index's rebuild reads with each person (portal/search/indexing.py)."""
        return people.select_related("event", "place")

    def search_data(self) -> SearchData | None:
        if not self.is_released:
            return None
        event = self.event.name if self.event else ""
        place = self.place.name if self.place else ""
        return SearchData(
            kind="person",
            title=self.name,
            url=self.get_absolute_url(),
            text="\n\n".join(
                filter(
                    None,
                    [
                        self.biography,
                        *(self.translated_texts or {}).get("biography", {}).values(),
                        event,
                        place,
                    ],
                )
            ),
            names=(*self.variants, *self.translated_names),
            date=self.death_date,
            date_precision=self.death_precision,
            public_from=self.public_from,
        )

    def name_spellings(self):
        if not self.is_released:
            return None
        return [self.name, *self.variants, *self.translated_names], self.public_from

    def search_dependents(self):
        """Its place is public while the person is."""
        return places_and_parents(Place.objects.filter(pk=self.place_id))

    @property
    def birth_display(self) -> str:
        return anniversaries.format_partial_date(self.birth_date, self.birth_precision)

    @property
    def death_display(self) -> str:
        return anniversaries.format_partial_date(self.death_date, self.death_precision)

    def clean(self):
        super().clean()
        errors = {}
        if self.source_wording.strip():
            if self.source_id is None:
                errors["source"] = _("Choose the document these words are quoted from.")
            elif not quoted_in(self.source_wording, self.source.body):
                errors["source_wording"] = _(
                    "These words do not appear in the source's text: quote them exactly."
                )
        if self.portrait_id is not None and not self._portrait_is_own_image():
            errors["portrait"] = _("The portrait must be one of this person's own images.")
        if errors:
            raise ValidationError(errors)

    def _portrait_is_own_image(self) -> bool:
        portrait = self.portrait
        return (
            self.pk is not None
            and portrait.kind == portrait.Kind.IMAGE
            and portrait.object_id == self.pk
            and portrait.content_type.model_class() is Person
        )


class CommemorationQuerySet(PublishableQuerySet):
    def with_related(self):
        return self.select_related("event", "place", "organizer")


class Commemoration(CleanText, NamedInLanguages, TranslatedTexts, Publishable):
    translated_fields = ("description",)

    # A commemoration is of its event: public only while the event is.
    public_with = ("event",)

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Memorial meeting")
        VIGIL = "vigil", _("Vigil")
        SILENCE = "silence", _("Minute of silence")
        MARCH = "march", _("March or procession")
        SERVICE = "service", _("Service")
        OBSERVANCE = "observance", _("Day of remembrance")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="commemorations", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    date = models.DateField(
        _("date"), help_text=_("For a date known only to the month or year, enter its first day.")
    )
    date_precision = models.CharField(
        _("date known to the"), max_length=10, choices=Precision.choices, default=Precision.DAY
    )
    date_note = models.CharField(
        _("note on the date"),
        max_length=300,
        blank=True,
        help_text=_("How the date is known, e.g. which source reports it."),
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commemorations",
        verbose_name=_("place"),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commemorations",
        verbose_name=_("organizer"),
    )
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    documents = models.ManyToManyField(
        Document,
        blank=True,
        related_name="commemorations",
        verbose_name=_("reported in"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SlugManager.from_queryset(CommemorationQuerySet)()
    history = HistoricalRecords(bases=[HistoricalRelations])

    class Meta:
        ordering = ["date", "name"]
        verbose_name = _("commemoration")
        verbose_name_plural = _("commemorations")
        permissions = [
            ("publish_commemoration", _("Can publish, schedule and withdraw commemorations")),
        ]

    def __str__(self):
        return f"{self.name} ({self.date_display})"

    def natural_key(self):
        return (self.slug,)

    @property
    def date_display(self) -> str:
        return anniversaries.format_partial_date(self.date, self.date_precision)

    @property
    def period(self):
        return anniversaries.period_of(self.date, self.date_precision)

    def get_absolute_url(self):
        return f"{self.event.get_absolute_url()}#commemoration-{self.slug}"

    @classmethod
    def indexing_queryset(cls, commemorations):
        """What a whole index's rebuild reads with each commemoration
        (portal/search/indexing.py)."""
        return commemorations.select_related("event", "place")

    def search_data(self) -> SearchData | None:
        if not self.is_released:
            return None
        place = self.place.name if self.place else ""
        return SearchData(
            kind="commemoration",
            title=self.name,
            url=self.get_absolute_url(),
            text="\n\n".join(
                filter(
                    None,
                    [
                        self.description,
                        *(self.translated_texts or {}).get("description", {}).values(),
                        self.venue,
                        self.participants,
                        place,
                        self.event.name,
                    ],
                )
            ),
            names=tuple(self.translated_names),
            date=self.date,
            date_precision=self.date_precision,
            public_from=self.public_from,
        )

    def search_dependents(self):
        """Its place is public while the commemoration is."""
        return places_and_parents(Place.objects.filter(pk=self.place_id))


# A document's link to an event or a commemoration is named by what it links to: the admin's
# inline, its history and its messages say "Black January", not "Event_documents object (1)".
Event.documents.through.__str__ = lambda link: str(link.event)
Commemoration.documents.through.__str__ = lambda link: str(link.commemoration)


# How a qualified number reads. Azerbaijani puts the number first, with a suffix:
# translations may use %(value_from)s, the number with its ablative ending (130-dan).
QUALIFIED_VALUES = {
    # xgettext:no-python-format (the translations may use %(value_from)s instead of %(value)s)
    "more-than": _("more than %(value)s"),
    "at-least": _("at least %(value)s"),
    "about": _("about %(value)s"),
}


class FigureQuerySet(models.QuerySet):
    def public(self):
        """Figures whose event and source document are both public."""
        return self.filter(public_q("event__"), public_q("source__"))

    def with_related(self):
        return self.select_related("event", "source", "source__issuer")


class FigureManager(models.Manager.from_queryset(FigureQuerySet)):
    def get_by_natural_key(self, event_slug, measure, value, *source_key):
        return self.get(
            event__slug=event_slug,
            measure=measure,
            value=value,
            source=Document.objects.get_by_natural_key(*source_key),
        )


class Figure(CleanText, TranslatedTexts, models.Model):
    """A number as one source reports it. Sources that disagree are separate figures."""

    translated_fields = ("measure_label", "note")

    class Measure(models.TextChoices):
        KILLED = "killed", _("Killed")
        WOUNDED = "wounded", _("Wounded")
        MISSING = "missing", _("Missing")
        ARRESTED = "arrested", _("Arrested")
        HOUSES_BURNED = "houses-burned", _("Houses burned")
        VEHICLES_DESTROYED = "vehicles-destroyed", _("Vehicles destroyed")
        OTHER = "other", _("Other")

    class Qualifier(models.TextChoices):
        EXACT = "exact", _("exactly")
        MORE_THAN = "more-than", _("more than")
        AT_LEAST = "at-least", _("at least")
        ABOUT = "about", _("about")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="figures", verbose_name=_("event")
    )
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    measure_label = models.CharField(
        _("label for 'other'"),
        max_length=100,
        blank=True,
        help_text=_("What an 'other' figure counts."),
    )
    value = models.PositiveIntegerField(_("value"))
    qualifier = models.CharField(
        _("qualifier"), max_length=20, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    source = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="figures", verbose_name=_("source")
    )
    wording = models.TextField(
        _("the source's wording"),
        help_text=_("Quoted exactly from the source's text: it is checked against it."),
    )
    note = models.TextField(_("editorial note"), blank=True)

    objects = FigureManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "source__issued_on", "value"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            # One source gives one number per measure for an event; a second figure from the
            # same source for the same measure and value is a duplicate entry, not a new claim.
            models.UniqueConstraint(
                fields=["event", "measure", "value", "source"], name="memorials_figure_unique_claim"
            ),
            models.CheckConstraint(
                condition=~Q(measure="other") | ~Q(measure_label=""),
                name="memorials_figure_other_is_labelled",
            ),
        ]

    def __str__(self):
        source = f"{self.source.issuer}, {self.source.issued_on:%Y}"
        return f"{self.measure_display}: {self.value_display} ({source})"

    def natural_key(self):
        return (self.event.slug, self.measure, self.value, *self.source.natural_key())

    natural_key.dependencies = ["memorials.event", "archive.document"]

    @property
    def measure_display(self) -> str:
        return (
            self.measure_label if self.measure == self.Measure.OTHER else self.get_measure_display()
        )

    @property
    def value_display(self) -> str:
        """'more than 130', in the reader's language ('130-dan çox', 'более 130')."""
        value = formats.number_format(self.value, force_grouping=True)
        pattern = QUALIFIED_VALUES.get(self.qualifier)
        if pattern is None:
            return value
        return pattern % {
            "value": value,
            "value_from": anniversaries.az_ablative(self.value, value),
        }

    def clean(self):
        if self.measure == self.Measure.OTHER and not self.measure_label.strip():
            raise ValidationError({"measure_label": _("Say what an 'other' figure counts.")})
        if self.source_id and self.wording and self.wording not in self.source.body:
            raise ValidationError(
                {"wording": _("The wording must be quoted exactly from the source's text.")}
            )
        if self.wording and self.value is not None:
            labels = dict(self.Qualifier.choices)
            problem = disagreement(self.wording, self.value, self.qualifier, labels)
            if problem:
                raise ValidationError({"value": problem})

    @property
    def is_public(self) -> bool:
        """Whether a public page shows the figure as it now stands (event and source public):
        ``FigureQuerySet.public()`` for one figure."""
        return bool(self.event_id and self.source_id) and (
            self.event.is_public and self.source.is_public
        )


class TributeQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(state=Tribute.State.APPROVED)


class Moderated(models.Model):
    """What a visitor sends and an editor decides on: waiting, approved or rejected, by whom
    and when."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    # A keyed hash of the sender's address, for rate limits and spotting abuse; never the address.
    sender = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def subject(self):
        return self.event or self.person

    @property
    def awaiting_moderation(self) -> bool:
        """Not shown anywhere yet: receiving it changes no public page (portal/freshness.py)."""
        return self.state == self.State.PENDING


def one_subject(model_name: str):
    """What a visitor sends concerns exactly one event or one person."""
    return models.CheckConstraint(
        condition=Q(event__isnull=False, person__isnull=True)
        | Q(event__isnull=True, person__isnull=False),
        name=f"memorials_{model_name}_one_subject",
    )


class Tribute(CleanText, Moderated):
    """A visitor's candle or short message for an event or a person, shown once approved."""

    class Kind(models.TextChoices):
        CANDLE = "candle", _("Candle")
        MESSAGE = "message", _("Message")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="tributes"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="tributes"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CANDLE)
    name = models.CharField(_("name"), max_length=100, blank=True)
    text = models.TextField(_("message"), max_length=1000, blank=True)

    objects = TributeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tribute")
        verbose_name_plural = _("tributes")
        constraints = [
            one_subject("tribute"),
            # A message without words is a candle.
            models.CheckConstraint(
                condition=~Q(kind="message") | ~Q(text=""),
                name="memorials_tribute_message_has_text",
            ),
        ]

    def __str__(self):
        return gettext("%(kind)s from %(name)s") % {
            "kind": self.get_kind_display(),
            "name": self.name or gettext("an anonymous visitor"),
        }

    def clean(self):
        # A visitor's text may not reorder the page around it (right-to-left overrides).
        self.name = strip_bidi_controls(self.name)
        self.text = strip_bidi_controls(self.text)


class PersonRelationQuerySet(models.QuerySet):
    def public(self):
        """Relations between two people who are both public."""
        return self.filter(person__in=Person.objects.public(), relative__in=Person.objects.public())


class PersonRelation(models.Model):
    """Family: ``relative`` is the ``person``'s ``kind`` ("Aliyev Rauf is the parent of …").
    Recorded once; the person's page shows it from either side (``reverse_kind``)."""

    class Kind(models.TextChoices):
        PARENT = "parent", _("parent")
        CHILD = "child", _("child")
        SPOUSE = "spouse", _("spouse")
        SIBLING = "sibling", _("brother or sister")
        RELATIVE = "relative", _("relative")

    REVERSE = {Kind.PARENT: Kind.CHILD, Kind.CHILD: Kind.PARENT}

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relations", verbose_name=_("person")
    )
    relative = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("relative")
    )
    kind = models.CharField(_("relation"), max_length=10, choices=Kind.choices)
    source = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source"),
    )

    objects = PersonRelationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("family relation")
        verbose_name_plural = _("family relations")
        constraints = [
            # One relation between two people, whichever way it was entered.
            models.UniqueConstraint(
                fields=["person", "relative"], name="memorials_personrelation_once"
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")),
                name="memorials_personrelation_not_self",
            ),
        ]

    def __str__(self):
        return gettext("%(relative)s (%(kind)s of %(person)s)") % {
            "relative": self.relative,
            "kind": self.get_kind_display(),
            "person": self.person,
        }

    @classmethod
    def reverse_kind(cls, kind: str) -> str:
        return cls.REVERSE.get(kind, kind)


class NameMention(models.Model):
    """A document whose text contains one of a person's recorded spellings: a suggestion to
    editors, computed when the document or the person is saved, never shown to visitors until
    an editor links the document to the person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentions")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="mentions")
    spelling = models.CharField(_("spelling found"), max_length=200)
    found_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("name found in a document")
        verbose_name_plural = _("names found in documents")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "document"], name="memorials_namemention_once"
            ),
        ]

    def __str__(self):
        return gettext("%(spelling)s in %(document)s") % {
            "spelling": self.spelling,
            "document": self.document,
        }


class VisitorSubmission(CleanText, Moderated):
    """What a visitor writes about a person or an event. The email address is for the
    editors' reply only: no public page, feed, API, export, bag or harvest carries it."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    shown_name = models.CharField(
        _("name to show"),
        max_length=100,
        help_text=_("How the page names you if your words are published."),
    )
    email = models.EmailField(
        _("email address"),
        help_text=_("Only the editors see it, to reply to you. It is never published."),
    )
    text = models.TextField(_("text"), max_length=5000)
    reason = models.TextField(
        _("reason for the decision"),
        blank=True,
        help_text=_("Why it was rejected: kept for the editors, not shown to visitors."),
    )

    class Meta:
        abstract = True

    def clean(self):
        # A visitor's text may not reorder the page around it (right-to-left overrides).
        self.shown_name = strip_bidi_controls(self.shown_name)
        self.text = strip_bidi_controls(self.text)


class TestimonyQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(state=Moderated.State.APPROVED)


class Testimony(VisitorSubmission):
    """A visitor's memory of a person or an event, with an optional photo, shown attributed to
    the name they chose once an editor approves it."""

    relation = models.CharField(
        _("relation to the person"),
        max_length=200,
        blank=True,
        help_text=_("For example: daughter, neighbour, colleague, witness."),
    )
    photo = models.FileField(_("photo"), upload_to="testimonies/", max_length=255, blank=True)
    photo_display = models.FileField(max_length=255, blank=True, editable=False)
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_description = models.CharField(_("what the photo shows"), max_length=300, blank=True)
    photo_consent = models.BooleanField(
        _("consent to publish the photo"),
        default=False,
    )
    photo_rights = models.CharField(
        _("rights to the photo"), max_length=100, choices=Rights.choices, blank=True
    )

    objects = TestimonyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("testimony")
        verbose_name_plural = _("testimonies")
        constraints = [
            one_subject("testimony"),
            # A photo is published only with its sender's consent and their rights choice.
            models.CheckConstraint(
                condition=Q(photo="") | Q(photo_consent=True) & ~Q(photo_rights=""),
                name="memorials_testimony_photo_consented",
            ),
        ]
        permissions = [
            ("moderate_testimony", _("Can approve and reject testimonies")),
        ]

    def __str__(self):
        return gettext("Testimony from %(name)s") % {"name": self.shown_name}


class CorrectionRequest(VisitorSubmission):
    """A visitor's report that something on a page is wrong: for the editors only."""

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        constraints = [one_subject("correctionrequest")]

    def __str__(self):
        return gettext("Correction request from %(name)s") % {"name": self.shown_name}
