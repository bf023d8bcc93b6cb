import re

import pytest
import time_machine

from memorials.models import Event, Place
from portal.publishing import Status
from tests.conftest import (
    SEED_TITLE,
    make_commemoration,
    make_document,
    make_event,
    make_figure,
    make_person,
    make_place,
)

pytestmark = pytest.mark.django_db

EVENT_URL = "/events/black-january/"


@pytest.fixture
def black_january(seed):
    return Event.objects.get(slug="black-january")


def text_of(response):
    """The page's visible text, tags removed and white space folded."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@time_machine.travel("2026-11-25 12:00Z")
def test_the_event_page(client, black_january):
    response = client.get(EVENT_URL)
    assert response.status_code == 200
    text = text_of(response)
    assert "Black January" in text and "20 January 1990" in text
    assert "Baku" in text
    assert "Next anniversary: the 37th anniversary , 20 January 2027 (in 56 days)" in text
    for shown in [  # one table: measure, value, the source's words, its numbered source
        "Killed more than 130 “more than 130 civilians were killed” Source [1]",
        "Wounded 700 “700 wounded” Source [1]",
        "Missing 5 “5 people disappeared” Source [1]",
        "Arrested 841 “841 civilians were arrested and subjected to various forms of physical pressure” Source [1]",
        "Houses burned 200 “200 houses were burned” Source [1]",
        "Vehicles destroyed 80 “80 cars even ambulance cars were destroyed” Source [1]",
    ]:
        assert shown in text
    # The one source, listed once below the table: title, issuer, date as issued.
    assert text.count(SEED_TITLE) == 2  # the list of sources and the timeline
    assert (
        f"{SEED_TITLE} , Permanent Mission of the Republic of Azerbaijan to the United Nations,"
        " issued 21 January 2008"
    ) in text
    assert "No names are recorded yet" in text


@time_machine.travel("2026-11-25 12:00Z")
def test_the_timeline_merges_event_documents_and_commemorations(client, black_january):
    text = text_of(client.get(EVENT_URL))
    timeline = text.split("Timeline")[1].split("Commemorations")[0]
    assert (
        "20 January 1990 the event Black January "
        "January 2008 18th anniversary Memorial meeting at the Permanent Mission of Azerbaijan to the United Nations (Memorial meeting) "
        f"21 January 2008 18th anniversary {SEED_TITLE}"
    ) in timeline


def test_the_commemoration_is_described(client, black_january):
    text = text_of(client.get(EVENT_URL))
    assert "Participants: Azerbaijani Diaspora in New York" in text
    assert "does not give the day of the meeting" in text


def test_figures_from_two_sources_are_shown_side_by_side(client, black_january):
    other = make_document(
        title="Another account",
        issued_on="2010-01-20",
        body="At least 147 people were killed that night.",
    )
    make_figure(
        event=black_january,
        source=other,
        value=147,
        qualifier="at-least",
        wording="At least 147 people were killed",
    )
    text = text_of(client.get(EVENT_URL))
    killed = text.split("Killed")[1].split("Wounded")[0]  # adjacent rows of one measure
    assert "more than 130 “more than 130 civilians were killed” Source [1]" in killed
    assert "at least 147 “At least 147 people were killed” Source [2]" in killed
    sources = text.split("Sources of the figures")[1]
    assert sources.index(SEED_TITLE) < sources.index("Another account , ")


def test_figures_citing_a_draft_source_are_not_shown(client, black_january):
    draft = make_document(status=Status.DRAFT, title="Unpublished report", body="999 people")
    make_figure(event=black_january, source=draft, value=999, wording="999 people")
    draft.events.add(black_january)
    html = client.get(EVENT_URL).content.decode()
    assert "999" not in html and "Unpublished report" not in html


def test_draft_events_people_and_commemorations_are_not_shown(client, black_january):
    draft_event = make_event(status=Status.DRAFT, name="Draft event")
    assert client.get(draft_event.get_absolute_url()).status_code == 404
    make_commemoration(event=black_january, status=Status.DRAFT, name="Draft vigil")
    make_person(event=black_january, status=Status.DRAFT, name="Draft Person")
    for url in [EVENT_URL, "/events/", "/people/", "/calendar/", "/places/baku/", "/calendar.ics"]:
        body = client.get(url).content.decode()
        assert (
            "Draft event" not in body and "Draft vigil" not in body and "Draft Person" not in body
        ), url


def test_event_list(client, black_january):
    make_event(name="Draft event", status=Status.DRAFT)
    text = text_of(client.get("/events/"))
    assert "Black January" in text and "20 January 1990" in text
    assert "Draft event" not in text


def test_people_register_says_when_it_is_empty(client, black_january):
    response = client.get("/people/")
    assert response.status_code == 200
    assert "The register of names is empty" in text_of(response)


def test_people_are_found_by_any_name_variant_and_filtered_by_event(client, black_january):
    other_event = make_event(name="Other event", slug="other-event")
    make_person(name="Ali Aliyev", name_variants="Əli Əliyev\nАли Алиев", event=black_january)
    make_person(name="Someone Else", event=other_event)
    assert "Ali Aliyev" in text_of(client.get("/people/", {"q": "Али"}))
    assert "Ali Aliyev" in text_of(client.get("/people/", {"q": "Əliyev"}))
    assert "Someone Else" not in text_of(client.get("/people/", {"q": "Əliyev"}))
    by_event = text_of(client.get("/people/", {"event": "other-event"}))
    assert "Someone Else" in by_event and "Ali Aliyev" not in by_event
    # The filter offers each event with people, in the reader's language, the chosen one kept.
    chooser = client.get("/az/people/", {"event": "other-event"}).content.decode()
    assert '<option value="other-event" lang="en" selected>Other event</option>' in chooser
    assert '<option value="black-january">20 Yanvar faciəsi</option>' in chooser
    assert "Nobody is recorded under that name" in text_of(client.get("/people/", {"q": "zzz"}))


def test_person_page(client, black_january):
    person = make_person(
        name="Ali Aliyev",
        event=black_january,
        age=27,
        death_date="1990-01-20",
        place=black_january.places.get(),
        biography="<b>Not bold</b>",
    )
    response = client.get(person.get_absolute_url())
    text = text_of(response)
    assert "Died 20 January 1990" in text and "Age 27" in text and "Place Baku" in text
    assert "Event Black January" in text
    assert "&lt;b&gt;Not bold&lt;/b&gt;" in response.content.decode()
    assert client.get(make_person(status=Status.DRAFT).get_absolute_url()).status_code == 404


def test_places(client, black_january):
    text = text_of(client.get("/places/"))
    assert "Baku (Baky, Bakı, Баку) — Azerbaijan" in text
    baku = text_of(client.get("/places/baku/"))
    assert "Part of Azerbaijan" in baku and "Black January" in baku
    new_york = text_of(client.get("/places/new-york/"))
    assert "Memorial meeting at the Permanent Mission" in new_york
    assert "Places within Baku" in text_of(client.get("/places/azerbaijan/"))
    assert client.get("/places/atlantis/").status_code == 404
    # Nothing public names Karabakh yet: it has no page, until something public does.
    assert "Karabakh" not in text
    assert client.get("/places/karabakh/").status_code == 404
    make_person(name="A person from Karabakh", place=Place.objects.get(slug="karabakh"))
    assert "Karabakh (Qarabağ, Карабах)" in text_of(client.get("/places/"))
    assert "Places within Baku , Karabakh" in text_of(client.get("/places/azerbaijan/"))


@time_machine.travel("2026-11-25 12:00Z")
def test_calendar_shows_the_next_twelve_months(client, black_january):
    make_commemoration(event=black_january, name="Vigil in Baku", date="2027-01-20", kind="vigil")
    make_commemoration(event=black_january, name="Vigil long past", date="2020-01-20")
    make_commemoration(event=black_january, name="Vigil too far", date="2027-12-01")
    text = text_of(client.get("/calendar/"))
    assert "25 November 2026 to 24 November 2027" in text
    assert "January 2027 20 January 2027 — Black January : the 37th anniversary" in text
    assert "Vigil in Baku" in text
    assert "Vigil long past" not in text and "Vigil too far" not in text


@time_machine.travel("2025-01-10 12:00Z")
def test_calendar_marks_milestones(client, black_january):
    assert "the 35th anniversary milestone" in text_of(client.get("/calendar/"))


@time_machine.travel("2027-01-20 09:00Z")
def test_home_on_the_anniversary(client, black_january):
    text = text_of(client.get("/"))
    on_this_day = text.split("On this day")[1].split("Upcoming anniversaries")[0]
    assert "Black January : the 37th anniversary, 20 January 2027" in on_this_day
    assert SEED_TITLE in text  # latest documents


@time_machine.travel("2027-01-21 09:00Z")
def test_home_shows_documents_issued_on_this_day(client, black_january):
    on_this_day = text_of(client.get("/")).split("On this day")[1].split("Upcoming")[0]
    assert f"{SEED_TITLE} — issued by Permanent Mission" in on_this_day
    assert "on this day in 2008" in on_this_day


@time_machine.travel("2028-02-29 09:00Z")
def test_on_this_day_reaches_the_earliest_document_and_leap_days(client, black_january):
    make_document(title="Issued on a leap day", issued_on="1904-02-29")
    make_document(title="Issued the day before", issued_on="1904-02-28")
    make_document(title="Issued this year", issued_on="2028-02-29")
    on_this_day = text_of(client.get("/")).split("On this day")[1].split("Upcoming")[0]
    assert "Issued on a leap day" in on_this_day and "on this day in 1904" in on_this_day
    assert "Issued the day before" not in on_this_day and "Issued this year" not in on_this_day


@time_machine.travel("2026-11-25 12:00Z")
def test_home_upcoming_anniversaries_within_60_days(client, black_january):
    upcoming = (
        text_of(client.get("/")).split("Upcoming anniversaries")[1].split("Latest documents")[0]
    )
    assert "Black January : the 37th anniversary, 20 January 2027" in upcoming


@time_machine.travel("2026-11-01 12:00Z")
def test_home_lists_the_ten_soonest_anniversaries_and_links_the_calendar(client, db):
    for day in range(1, 13):
        make_event(
            name=f"Event of {day} November",
            slug=f"event-{day}",
            start_date=f"2000-11-{day + 1:02d}",
        )
    upcoming = text_of(client.get("/")).split("Upcoming anniversaries")[1].split("Latest")[0]
    listed = re.findall(r"Event of (\d+) November", upcoming)
    assert listed == [str(day) for day in range(1, 11)]  # the soonest first, ten of twelve
    assert "The calendar for the next twelve months" in upcoming


@time_machine.travel("2026-11-01 12:00Z")
def test_home_upcoming_leaves_out_what_is_further_than_60_days(client, black_january):
    upcoming = (
        text_of(client.get("/")).split("Upcoming anniversaries")[1].split("Latest documents")[0]
    )
    assert "No anniversaries in the next 60 days" in upcoming


@time_machine.travel("2001-02-28 12:00Z")
def test_a_29_february_event_is_remembered_on_28_february_in_common_years(client, db):
    make_event(name="Leap day event", start_date="2000-02-29")
    on_this_day = text_of(client.get("/")).split("On this day")[1].split("Upcoming")[0]
    assert "Leap day event : the 1st anniversary" in on_this_day


def _grow(event, count):
    places = [make_place() for _ in range(count)]
    event.places.add(*places)
    for number in range(count):
        document = make_document(
            body=f"{number + 10} people were counted.", issued_on=f"{2000 + number}-01-20"
        )
        event.documents.add(document)
        make_figure(
            event=event, source=document, value=number + 10, wording=f"{number + 10} people"
        )
        make_commemoration(
            event=event, place=places[number], date=f"{2000 + number}-01-20", documents=[document]
        )
        make_person(event=event, place=places[number])
        make_event(places=[places[number]], start_date=f"19{50 + number}-12-{number + 1:02d}")


@pytest.mark.parametrize(
    "url",
    [
        EVENT_URL,
        "/events/",
        "/people/",
        "/people/?event=black-january",
        "/places/",
        "/places/baku/",
        "/calendar/",
        "/calendar.ics",
        "/",
    ],
)
def test_pages_use_a_constant_number_of_queries(
    client, black_january, django_assert_max_num_queries, url
):
    _grow(black_january, 2)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    _grow(black_january, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_person_of_a_draft_event_waits_for_the_event(client, db):
    hidden = make_event(name="Hidden draft event", status=Status.DRAFT)
    person = make_person(name="Waiting Person", event=hidden)
    listing = client.get("/people/").content.decode()
    assert "Waiting Person" not in listing and "Hidden draft event" not in listing
    assert client.get(person.get_absolute_url()).status_code == 404
    hidden.status = Status.PUBLISHED
    hidden.save()
    assert "Waiting Person" in client.get("/people/").content.decode()
    assert "Hidden draft event" in client.get(person.get_absolute_url()).content.decode()
