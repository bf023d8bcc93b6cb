"""One public rule per model, relations included (issue 13): what a model's ``public()`` returns
is what its instances call public, what search finds, and the most any outlet shows."""

import datetime

import pytest
import time_machine
from django.test import Client

from archive.models import Document, Organization
from archive.sitemaps import DocumentSitemap
from memorials.models import Commemoration, Event, Figure, Person, Place
from memorials.sitemaps import EventSitemap, PersonSitemap, PlaceSitemap
from portal import content
from portal.models import SearchEntry
from portal.publishing import Status
from tests.conftest import (
    make_commemoration,
    make_document,
    make_event,
    make_figure,
    make_person,
    make_place,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 29, 12, tzinfo=datetime.UTC)
LATER = NOW + datetime.timedelta(days=30)
PAST = NOW - datetime.timedelta(days=30)


@pytest.fixture
def mixed_content():
    """Items in every state, tied to items in every state."""
    with time_machine.travel(NOW, tick=False):
        public = dict(status=Status.PUBLISHED, published_at=PAST)
        scheduled = dict(status=Status.PUBLISHED, published_at=LATER)
        country = make_place(name="Country")
        city = make_place(name="City in the country", parent=country)
        draft_only = make_place(name="Named by drafts only")
        scheduled_place = make_place(name="Named by a scheduled event")
        make_place(name="Named by nothing")
        live = make_event(name="Live event", places=[city], **public)
        draft = make_event(name="Draft event", status=Status.DRAFT, places=[draft_only])
        later = make_event(name="Later event", places=[scheduled_place], **scheduled)
        make_event(name="Withdrawn event", status=Status.WITHDRAWN)
        make_person(name="Person alone", **public)
        make_person(name="Person of the live event", event=live, place=city, **public)
        make_person(name="Person of the draft event", event=draft, place=draft_only, **public)
        make_person(name="Person of the later event", event=later, **public)
        make_person(name="Draft person of the live event", event=live, status=Status.DRAFT)
        make_commemoration(name="Vigil of the live event", event=live, **public)
        make_commemoration(name="Vigil of the draft event", event=draft, **public)
        make_commemoration(name="Vigil of the later event", event=later, **public)
        make_commemoration(name="Draft vigil", event=live, status=Status.DRAFT)
        source = make_document(title="Live source", body="In all 42 people.", **public)
        draft_source = make_document(
            title="Draft source", body="In all 42 people.", **{"status": Status.DRAFT}
        )
        make_document(title="Later document", **scheduled)
        make_document(title="Withdrawn document", status=Status.WITHDRAWN)
        make_figure(event=live, source=source, wording="42 people")
        make_figure(event=draft, source=source, wording="42 people")
        make_figure(event=live, source=draft_source, wording="42 people")


def public_keys(model) -> set[str]:
    return {
        f"{model._meta.label_lower}:{pk}"
        for pk in model.objects.public().values_list("pk", flat=True)
    }


def entry_keys(model) -> set[str]:
    prefix = f"{model._meta.label_lower}:"
    return set(
        SearchEntry.objects.public().filter(key__startswith=prefix).values_list("key", flat=True)
    )


@pytest.mark.parametrize("moment", [NOW, LATER + datetime.timedelta(minutes=1)])
def test_search_finds_exactly_what_each_model_calls_public(mixed_content, moment):
    with time_machine.travel(moment, tick=False):
        for model in content.models(search=True):
            assert entry_keys(model) == public_keys(model), model._meta.label


@pytest.mark.parametrize("moment", [NOW, LATER + datetime.timedelta(minutes=1)])
def test_each_instance_says_what_its_queryset_says(mixed_content, moment):
    with time_machine.travel(moment, tick=False):
        for model in [Document, Event, Person, Commemoration, Place, Figure, Organization]:
            public = (
                set(model.objects.public().values_list("pk", flat=True))
                if hasattr(model.objects, "public")
                else {item.pk for item in model.objects.all() if item.is_public}
            )
            for item in model.objects.all():
                assert item.is_public == (item.pk in public), (model.__name__, str(item))


@pytest.mark.parametrize("moment", [NOW, LATER + datetime.timedelta(minutes=1)])
def test_a_public_count_counts_what_public_returns(mixed_content, moment):
    with time_machine.travel(moment, tick=False):
        for model in [Document, Event, Person, Commemoration]:
            assert model.objects.public_count() == model.objects.public().count(), model
        # 2 people now, 3 once the later event is public: the draft event's person never.
        assert Person.objects.public_count() == (2 if moment == NOW else 3)


def test_the_rules_decided(mixed_content):
    with time_machine.travel(NOW, tick=False):
        names = set(Person.objects.public().values_list("name", flat=True))
        assert names == {"Person alone", "Person of the live event"}
        vigils = set(Commemoration.objects.public().values_list("name", flat=True))
        assert vigils == {"Vigil of the live event"}
        places = set(Place.objects.public().values_list("name", flat=True))
        assert places == {"Country", "City in the country"}
        assert Figure.objects.public().count() == 1
    with time_machine.travel(LATER + datetime.timedelta(minutes=1), tick=False):
        assert "Person of the later event" in set(
            Person.objects.public().values_list("name", flat=True)
        )
        assert Place.objects.public().filter(name="Named by a scheduled event").exists()


def test_every_outlet_shows_a_subset_of_the_public_rule(mixed_content):
    with time_machine.travel(NOW, tick=False):
        for sitemap, model in [
            (DocumentSitemap, Document),
            (EventSitemap, Event),
            (PersonSitemap, Person),
            (PlaceSitemap, Place),
        ]:
            shown = {item.pk for item in sitemap().items()}
            assert shown <= set(model.objects.public().values_list("pk", flat=True))
        visitor = Client()
        pages = {
            "/people/": Person,
            "/places/": Place,
            "/events/": Event,
            "/archive/": Document,
            "/calendar/": Commemoration,
            "/feeds/commemorations/": Commemoration,
            "/feeds/documents/": Document,
            "/api/documents/": Document,
            "/api/events/": Event,
        }
        for url, model in pages.items():
            page = visitor.get(url).content.decode()
            field = "title" if model is Document else "name"
            hidden = model.objects.exclude(pk__in=model.objects.public()).values_list(
                field, flat=True
            )
            for name in hidden:
                assert name not in page, (url, name)
        for model in [Event, Person, Document]:
            for item in model.objects.exclude(pk__in=model.objects.public()):
                assert visitor.get(item.get_absolute_url()).status_code == 404, str(item)
        for place in Place.objects.exclude(pk__in=Place.objects.public()):
            assert visitor.get(place.get_absolute_url()).status_code == 404, str(place)
