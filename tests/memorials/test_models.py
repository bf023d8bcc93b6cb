import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from memorials.models import Commemoration, Event, Figure, Person, Place
from portal.publishing import Status
from tests.conftest import make_document, make_event, make_figure, make_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def memorial_seed(seed):
    return Event.objects.get(slug="black-january")


def test_the_seed_event(memorial_seed, seed):
    event = memorial_seed
    assert event.name == "Black January"
    assert event.start_date.isoformat() == "1990-01-20"
    assert event.date_precision == "day"
    assert [place.slug for place in event.places.all()] == ["baku"]
    assert list(event.documents.all()) == [seed]
    assert event.is_public


def test_the_seed_places_and_their_variants(memorial_seed):
    baku = Place.objects.get(slug="baku")
    assert baku.variants == ["Baky", "Bakı", "Баку"]
    assert baku.parent.name == "Azerbaijan"
    assert Place.objects.get(slug="karabakh").variants == ["Qarabağ", "Карабах"]
    assert Place.objects.filter(slug="new-york").exists()


def test_the_seed_figures_each_quote_the_2008_release(memorial_seed, seed):
    figures = {figure.measure: figure for figure in memorial_seed.figures.all()}
    assert {measure: (f.qualifier, f.value) for measure, f in figures.items()} == {
        "killed": ("more-than", 130),
        "wounded": ("exact", 700),
        "missing": ("exact", 5),
        "arrested": ("exact", 841),
        "houses-burned": ("exact", 200),
        "vehicles-destroyed": ("exact", 80),
    }
    for figure in figures.values():
        assert figure.source == seed
        assert figure.wording in seed.body
        figure.full_clean()  # the quotation check passes


def test_the_seed_commemoration_keeps_the_precision_the_release_gives(memorial_seed, seed):
    meeting = Commemoration.objects.get()
    assert meeting.event == memorial_seed
    assert meeting.date_precision == "month"
    assert meeting.date_display == "January 2008"
    assert meeting.place.name == "New York"
    assert "Permanent Mission" in meeting.venue
    assert list(meeting.documents.all()) == [seed]


def test_the_register_of_names_starts_empty(memorial_seed):
    assert not Person.objects.exists()


def test_loading_the_fixtures_twice_leaves_one_of_each(memorial_seed):
    counts = [
        Place.objects.count(),
        Event.objects.count(),
        Figure.objects.count(),
        Commemoration.objects.count(),
    ]
    call_command("load_initial_data", verbosity=0)
    assert (
        [
            Place.objects.count(),
            Event.objects.count(),
            Figure.objects.count(),
            Commemoration.objects.count(),
        ]
        == counts
        == [4, 1, 6, 1]
    )


def test_natural_keys(memorial_seed, seed):
    figure = memorial_seed.figures.get(measure="killed")
    assert figure.natural_key() == ("black-january", "killed", 130, *seed.natural_key())
    assert Figure.objects.get_by_natural_key(*figure.natural_key()) == figure
    assert Event.objects.get_by_natural_key("black-january") == memorial_seed
    assert Place.objects.get_by_natural_key("baku").name == "Baku"
    meeting = Commemoration.objects.get()
    assert Commemoration.objects.get_by_natural_key(*meeting.natural_key()) == meeting


def test_a_figures_wording_must_be_quoted_from_its_source():
    figure = make_figure()
    figure.wording = "42 persons"
    with pytest.raises(ValidationError, match="quoted exactly"):
        figure.full_clean()


def test_an_other_figure_needs_a_label():
    figure = make_figure()
    figure.measure = Figure.Measure.OTHER
    with pytest.raises(ValidationError):
        figure.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        figure.save()


def test_two_sources_may_give_figures_for_the_same_measure():
    event = make_event()
    make_figure(
        event=event, value=42, source=make_document(body="42 people died"), wording="42 people"
    )
    make_figure(
        event=event,
        value=50,
        source=make_document(body="about 50 people died"),
        wording="about 50 people",
    )
    assert event.figures.filter(measure="killed").count() == 2


def test_the_same_claim_from_the_same_source_is_recorded_once():
    event = make_event()
    source = make_document(body="42 people died")
    make_figure(event=event, source=source, wording="42 people")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_figure(event=event, source=source, wording="42 people died")


def test_an_event_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(start_date="1990-01-20", end_date="1990-01-19")


def test_coordinates_come_in_pairs():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_place(latitude="40.4")


def test_a_place_cannot_be_its_own_ancestor():
    country = make_place(name="Country")
    city = make_place(name="City", parent=country)
    country.parent = city
    with pytest.raises(ValidationError, match="part of itself"):
        country.full_clean()


def test_public_querysets_hide_drafts():
    draft_event = make_event(status=Status.DRAFT)
    public_event = make_event()
    assert list(Event.objects.public()) == [public_event]
    hidden_source = make_document(status=Status.DRAFT, body="42 people")
    make_figure(event=public_event, source=hidden_source)
    make_figure(event=draft_event)
    assert not Figure.objects.public().exists()
