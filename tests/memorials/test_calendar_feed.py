"""/calendar.ics read back with the icalendar library, its recurrences expanded with dateutil."""

import datetime

import pytest
from dateutil.rrule import rrulestr
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from memorials.models import Event, Place
from portal import freshness
from portal.publishing import Status
from tests.conftest import make_commemoration, make_event, make_place

pytestmark = pytest.mark.django_db


def fetch(client, path="/calendar.ics", **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def entries(calendar):
    return {str(entry["UID"]): entry for entry in calendar.walk("VEVENT")}


def occurrences(entry, count):
    start = entry.decoded("DTSTART")
    rule = rrulestr(
        entry["RRULE"].to_ical().decode(), dtstart=datetime.datetime.combine(start, datetime.time())
    )
    return [moment.date() for moment in rule[:count]]


def test_the_feed_is_a_valid_calendar(client, seed):
    calendar = fetch(client)
    assert calendar["VERSION"] == "2.0"
    assert "Commemoration portal" in str(calendar["PRODID"])
    for entry in calendar.walk("VEVENT"):
        for required in ["UID", "DTSTAMP", "DTSTART", "SUMMARY"]:
            assert required in entry


def test_each_event_recurs_yearly_as_an_all_day_entry(client, seed):
    entry = entries(fetch(client))["anniversary-black-january@commemoration-portal"]
    assert str(entry["SUMMARY"]) == "Anniversary of Black January (20 January 1990)"
    assert entry.decoded("DTSTART") == datetime.date(1991, 1, 20)
    assert entry.decoded("DTEND") == datetime.date(1991, 1, 21)
    assert not isinstance(entry.decoded("DTSTART"), datetime.datetime)  # all day
    assert occurrences(entry, 37)[-1] == datetime.date(2027, 1, 20)  # the 37th anniversary
    assert str(entry["URL"]) == "http://testserver/events/black-january/"


def test_each_commemoration_is_a_dated_entry_as_precise_as_its_source(client, seed):
    entry = entries(fetch(client))[
        "commemoration-memorial-meeting-new-york-2008@commemoration-portal"
    ]
    # The release gives the month, not the day: the entry spans January 2008.
    assert entry.decoded("DTSTART") == datetime.date(2008, 1, 1)
    assert entry.decoded("DTEND") == datetime.date(2008, 2, 1)
    assert "RRULE" not in entry
    assert "New York" in str(entry["LOCATION"])
    assert "Date known to the month: January 2008" in str(entry["DESCRIPTION"])


def test_a_day_precise_commemoration_is_one_day(client, seed):
    event = make_event(name="Some event", slug="some-event")
    make_commemoration(event=event, slug="vigil-2011", name="Vigil", date="2011-01-20")
    entry = entries(fetch(client))["commemoration-vigil-2011@commemoration-portal"]
    assert (entry.decoded("DTSTART"), entry.decoded("DTEND")) == (
        datetime.date(2011, 1, 20),
        datetime.date(2011, 1, 21),
    )


def test_uids_are_stable_across_requests_and_hosts(client, seed, settings):
    settings.ALLOWED_HOSTS = ["testserver", "portal.example"]
    first = set(entries(fetch(client)))
    second = set(entries(fetch(client, HTTP_HOST="portal.example")))
    assert first == second
    assert len(first) == 2


def test_29_february_recurs_on_the_last_day_of_february(client, db):
    make_event(slug="leap", start_date="2000-02-29")
    entry = entries(fetch(client))["anniversary-leap@commemoration-portal"]
    assert occurrences(entry, 4) == [
        datetime.date(2001, 2, 28),
        datetime.date(2002, 2, 28),
        datetime.date(2003, 2, 28),
        datetime.date(2004, 2, 29),
    ]


def test_events_not_known_to_the_day_get_no_invented_day(client, db):
    make_event(slug="month-only", start_date="1920-03-01", date_precision="month")
    assert "anniversary-month-only@commemoration-portal" not in entries(fetch(client))


def test_drafts_are_not_in_the_feed(client, db):
    draft = make_event(slug="draft-event", status=Status.DRAFT)
    public = make_event(slug="public-event")
    make_commemoration(event=public, slug="draft-vigil", status=Status.DRAFT)
    make_commemoration(event=draft, slug="vigil-of-draft-event")
    assert set(entries(fetch(client))) == {"anniversary-public-event@commemoration-portal"}


def test_an_entry_follows_a_change_to_any_of_its_parts(client, db):
    """Entries are kept as written between requests: a save of the event, the commemoration or
    its place must reach every entry that shows it."""
    event = make_event(name="Event as first named", slug="named-event")
    place = make_place(name="Hall as first named")
    make_commemoration(event=event, place=place, slug="meeting", name="Meeting")
    fetch(client)
    place.name = "Hall as renamed"
    place.save()
    meeting = entries(fetch(client))["commemoration-meeting@commemoration-portal"]
    assert str(meeting["LOCATION"]) == "Hall as renamed"
    event.name = "Event as renamed"
    event.save()
    renamed = entries(fetch(client))
    anniversary = renamed["anniversary-named-event@commemoration-portal"]
    meeting = renamed["commemoration-meeting@commemoration-portal"]
    assert "Event as renamed" in str(anniversary["SUMMARY"])
    assert "Event as renamed" in str(meeting["DESCRIPTION"])


def test_kept_entries_make_the_same_calendar_as_new_ones(client, seed):
    new = client.get("/calendar.ics").content
    freshness.touch()  # the page is out of date; its entries are not
    kept = client.get("/calendar.ics").content
    cache.clear()
    assert kept == new == client.get("/calendar.ics").content
    assert len(Calendar.from_ical(kept).walk("VEVENT")) > 1


def test_after_a_restart_the_entries_are_not_written_again(client, seed):
    """Pages live in the process's memory; written entries outlive it (the "kept" cache, in
    the database or Redis): the first calendar after a restart reads what changed, no item
    whole."""
    first = client.get("/calendar.ics").content
    cache.clear()  # what a restart loses
    freshness.touch()
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/calendar.ics").content
    assert again == first
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"memorials_commemoration"."description"' not in read
    assert '"memorials_event"."description"' not in read


# The feed's own words in English: none may reach a reader of /az/ or /ru/.
ENGLISH_WORDS = ["Anniversary of", "began on", "for Black January", "Date known to the", "Vigil"]


@pytest.mark.parametrize(
    "language, calendar_name, anniversary, began, kind_and_month, vigil",
    [
        (
            "az",
            "Anım portalı",
            "20 Yanvar faciəsi ildönümü (20 Yanvar 1990)",
            "20 Yanvar faciəsi: başlanğıc tarixi 20 Yanvar 1990. http://testserver/az/events/black-january/",
            "Anım mərasimi. Hadisə: 20 Yanvar faciəsi. Tarix ay dəqiqliyi ilə məlumdur: Yanvar 2008.",
            "Bir hadisə ildönümü (20 Yanvar 1990)",
        ),
        (
            "ru",
            "Мемориальный портал",
            "Годовщина: Чёрный январь (20 января 1990 г.)",
            "Чёрный январь (начало — 20 января 1990 г.). http://testserver/ru/events/black-january/",
            "Траурное собрание. Событие: Чёрный январь. Дата известна с точностью до месяца (Январь 2008 г.).",
            "Годовщина: Одно событие (20 января 1990 г.)",
        ),
    ],
)
def test_the_calendar_in_azerbaijani_and_russian_says_everything_in_that_language(
    client, seed, language, calendar_name, anniversary, began, kind_and_month, vigil
):
    make_event(name="Some event", name_az="Bir hadisə", name_ru="Одно событие", slug="named")
    event = Event.objects.get(slug="black-january")
    make_commemoration(
        event=event, place=Place.objects.get(slug="baku"), slug="vigil", name="Vigil",
        kind="vigil", date="2011-01-20",
    )  # fmt: skip
    calendar = fetch(client, f"/{language}/calendar.ics")
    assert str(calendar["X-WR-CALNAME"]) == calendar_name
    found = entries(calendar)

    entry = found["anniversary-black-january@commemoration-portal"]
    assert str(entry["SUMMARY"]) == anniversary
    assert entry["SUMMARY"].params["LANGUAGE"] == language
    assert str(entry["DESCRIPTION"]) == began
    assert str(entry["URL"]) == f"http://testserver/{language}/events/black-january/"
    # An event's name recorded in the reader's language is the one the entry gives.
    assert str(found["anniversary-named@commemoration-portal"]["SUMMARY"]) == vigil
    meeting = found["commemoration-memorial-meeting-new-york-2008@commemoration-portal"]
    assert str(meeting["DESCRIPTION"]).startswith(kind_and_month)
    assert meeting["DESCRIPTION"].params["LANGUAGE"] == language
    # A place's name in the reader's language.
    vigil_entry = found["commemoration-vigil@commemoration-portal"]
    assert str(vigil_entry["LOCATION"]) == Place.objects.get(slug="baku").name_for(language)[0]
    words = " ".join(
        str(item[field])
        for item in found.values()
        for field in ["SUMMARY", "DESCRIPTION"]
        if item["UID"] != "commemoration-vigil@commemoration-portal" or field != "SUMMARY"
    )
    assert [word for word in ENGLISH_WORDS if word in words] == []
