"""A date known to the month or the year is never shown as a day (issue 14).

The seed's memorial meeting is known to January 2008 and stored as 2008-01-01; a commemoration
and an event known to the year are stored as 1 January. Every outlet says what is known and no
more: pages ("January 2008", ``<time datetime="2008-01">``), search results, schema.org JSON-LD
(read with extruct), the JSON API (a date with its precision), the Atom feed (read with
feedparser) and the calendar page.
"""

import datetime
import json
import re

import extruct
import feedparser
import pytest
import time_machine
from django.utils import translation

from memorials.anniversaries import Precision, format_partial_date
from memorials.models import Commemoration, Event
from portal import dates, search
from portal.models import SearchEntry
from tests.conftest import LONG_AGO, make_commemoration, make_event

pytestmark = pytest.mark.django_db

MEETING = "Memorial meeting at the Permanent Mission of Azerbaijan to the United Nations"
EVENT_URL = "/events/black-january/"
# A moment before January 2008, when the meeting is in the calendar's next twelve months.
BEFORE_THE_MEETING = "2007-03-01 12:00Z"

# HTML's machine-readable dates (a date, a month or a year string).
TIME = re.compile(r'<time datetime="([^"]*)">([^<]*)</time>')


def says(text: str, day: str) -> bool:
    """Whether ``text`` writes the day "1 January 2008" (not as the end of "21 January 2008")."""
    return re.search(rf"(?<!\d){re.escape(day)}", text) is not None


def times(html: str) -> dict[str, str]:
    """Each <time>'s text and its datetime."""
    return {text: value for value, text in TIME.findall(html)}


@pytest.fixture
def meeting(seed):
    meeting = Commemoration.objects.get(slug="memorial-meeting-new-york-2008")
    assert (meeting.date, meeting.date_precision) == (datetime.date(2008, 1, 1), Precision.MONTH)
    return meeting


@pytest.fixture
def year_known(seed):
    """An event known only to its year, and a commemoration of it known to the year."""
    event = make_event(
        name="Founding of the Republic",
        slug="founding",
        start_date="1918-01-01",
        date_precision=Precision.YEAR,
        description="Known only to the year.",
    )
    make_commemoration(
        event=event,
        name="Centenary conference",
        slug="centenary-conference",
        date="2018-01-01",
        date_precision=Precision.YEAR,
    )
    # Public in the past the calendar test travels to, as the seed is.
    Event.objects.filter(pk=event.pk).update(published_at=LONG_AGO)
    Commemoration.objects.filter(event=event).update(published_at=LONG_AGO)
    search.rebuild()
    event.refresh_from_db()
    return event


@pytest.mark.parametrize(
    ("value", "precision", "iso"),
    [
        (datetime.date(1990, 1, 20), "day", "1990-01-20"),
        (datetime.date(2008, 1, 1), "month", "2008-01"),
        (datetime.date(1918, 1, 1), "year", "1918"),
        (datetime.date(918, 1, 1), "year", "0918"),  # HTML's year string has four digits
        (None, "month", ""),
    ],
)
def test_iso_partial(value, precision, iso):
    assert dates.iso_partial(value, precision) == iso


@pytest.mark.parametrize("language", ["en", "az", "ru"])
@pytest.mark.parametrize("precision", list(Precision.values))
def test_the_kernel_writes_a_date_as_the_memorials_do(language, precision):
    with translation.override(language):
        value = datetime.date(2008, 1, 1)
        assert dates.format_partial(value, precision) == format_partial_date(value, precision)


def test_event_page(client, meeting):
    html = client.get(EVENT_URL).content.decode()
    assert not says(html, "1 January 2008")
    assert "2008-01-01" not in html
    article = html.split('id="commemoration-memorial-meeting-new-york-2008"')[1].split("</p>")[0]
    assert '<time datetime="2008-01">January 2008</time>' in article
    # The timeline too.
    timeline = html.split('id="timeline-heading"')[1].split("</section>")[0]
    assert '<time datetime="2008-01">January 2008</time>' in timeline
    # The event itself is known to the day.
    assert times(html)["20 January 1990"] == "1990-01-20"


def test_year_precision_event_page(client, year_known):
    html = client.get(year_known.get_absolute_url()).content.decode()
    assert not says(html, "1 January 1918")
    assert not says(html, "1 January 2018")
    assert "1918-01" not in html
    shown = times(html)
    assert shown["1918"] == "1918"
    assert shown["2018"] == "2018"
    # Its next anniversary is in a year, not on a day.
    next_anniversary = html.split('class="next-anniversary"')[1].split("</p>")[0]
    (value, text) = TIME.search(next_anniversary).groups()
    assert value == text and re.fullmatch(r"\d{4}", value)


def test_every_time_on_the_pages_is_at_its_precision(client, meeting, year_known):
    """Every <time datetime> is an HTML date, month or year string, and its text says the same
    date as precisely."""
    with time_machine.travel(BEFORE_THE_MEETING):
        pages = [EVENT_URL, year_known.get_absolute_url(), "/calendar/", "/events/", "/"]
        pages += ["/search/?q=meeting", "/search/?q=founding", "/search/?q=centenary"]
        for path in pages:
            html = client.get(path).content.decode()
            for value, text in TIME.findall(html):
                if re.fullmatch(r"\d{4}", value):
                    assert text == value, (path, value, text)
                elif re.fullmatch(r"\d{4}-\d\d", value):
                    month = datetime.date.fromisoformat(f"{value}-01")
                    assert text == format_partial_date(month, Precision.MONTH), (path, value)
                else:
                    day = datetime.date.fromisoformat(value)
                    assert text in {
                        format_partial_date(day, Precision.DAY),
                        day.strftime("%-d %B"),  # the home page's "On this day, 1 March"
                    }, (path, value, text)


@time_machine.travel(BEFORE_THE_MEETING)
def test_calendar_page(client, meeting, year_known):
    html = client.get("/calendar/").content.decode()
    assert not says(html, "1 January 2008")
    items = {
        name: item
        for item in html.split("<li>")[1:]
        for name in [MEETING, "Black January", "Founding of the Republic"]
        if name in item
    }
    assert '<time datetime="2008-01">January 2008</time>' in items[MEETING]
    # Black January is known to the day, and so is its anniversary.
    assert '<time datetime="2008-01-20">20 January 2008</time>' in items["Black January"]
    # The founding is known to the year: its 90th anniversary is in 2008, on no day.
    assert '<time datetime="2008">2008</time>' in items["Founding of the Republic"]


def test_search_results(client, meeting, year_known):
    html = client.get("/search/", {"q": "memorial meeting"}).content.decode()
    assert MEETING in html
    assert not says(html, "1 January 2008")
    assert 'Commemoration · <time datetime="2008-01">January 2008</time>' in html

    html = client.get("/search/", {"q": "founding"}).content.decode()
    assert 'Event · <time datetime="1918">1918</time>' in html
    assert not says(html, "1 January 1918")

    # In every language: Russian and Azerbaijani write the month their own way.
    for language in ["az", "ru"]:
        html = client.get(f"/{language}/search/", {"q": "memorial meeting"}).content.decode()
        with translation.override(language):
            month = format_partial_date(meeting.date, Precision.MONTH)
            day = format_partial_date(meeting.date, Precision.DAY)
        assert f'<time datetime="2008-01">{month}</time>' in html
        assert not says(html, day)


def test_search_entries_keep_the_precision(meeting, year_known):
    entries = SearchEntry.objects
    assert entries.get(title=MEETING).date_precision == "month"
    assert entries.get(title="Founding of the Republic").date_precision == "year"
    assert entries.get(title="Centenary conference").date_precision == "year"
    assert entries.get(title="Black January").date_precision == "day"
    assert set(entries.filter(kind="document").values_list("date_precision", flat=True)) == {"day"}
    # A changed precision is indexed with the change.
    meeting.date_precision = Precision.YEAR
    meeting.save()
    assert entries.get(title=MEETING).date_precision == "year"


def json_ld_of(client, path):
    response = client.get(path)
    data = extruct.extract(
        response.content.decode(), base_url=f"http://testserver{path}", syntaxes=["json-ld"]
    )
    (json_ld,) = data["json-ld"]
    return json_ld


def test_json_ld(client, meeting, year_known):
    event = json_ld_of(client, EVENT_URL)
    assert event["startDate"] == "1990-01-20"
    (remembered,) = event["subjectOf"]
    assert remembered == {
        "@type": "Event",
        "name": MEETING,
        "startDate": "2008-01",
        "url": "http://testserver/events/black-january/#commemoration-memorial-meeting-new-york-2008",
        "location": remembered["location"],
    }
    assert remembered["location"]["name"] == "New York"

    founding = json_ld_of(client, year_known.get_absolute_url())
    assert founding["startDate"] == "1918"
    assert [item["startDate"] for item in founding["subjectOf"]] == ["2018"]


def test_json_api(client, meeting, year_known):
    response = client.get("/api/events/black-january/")
    data = response.json()
    (commemoration,) = data["commemorations"]
    assert commemoration["name"] == MEETING
    # A date with its precision: a client reads "2008-01", never a day.
    assert (commemoration["date"], commemoration["date_precision"]) == ("2008-01-01", "month")
    reduced = dates.iso_partial(
        datetime.date.fromisoformat(commemoration["date"]), commemoration["date_precision"]
    )
    assert reduced == "2008-01"
    assert not says(response.content.decode(), "1 January 2008")

    founding = client.get("/api/events/founding/").json()
    assert (founding["start_date"], founding["date_precision"]) == ("1918-01-01", "year")
    assert [(item["date"], item["date_precision"]) for item in founding["commemorations"]] == [
        ("2018-01-01", "year")
    ]
    listed = {item["slug"]: item for item in client.get("/api/events/").json()["results"]}
    assert listed["founding"]["date_precision"] == "year"
    assert listed["black-january"]["date_precision"] == "day"
    # Every date field of an event has its precision beside it.
    for item in [data, founding, *listed.values()]:
        assert {"start_date", "end_date", "date_precision"} <= set(item)
        for commemoration in item.get("commemorations", []):
            assert {"date", "date_precision"} <= set(commemoration)


def test_commemorations_feed(client, meeting, year_known):
    event = Event.objects.get(slug="black-january")
    make_commemoration(event=event, name="Vigil", slug="vigil", date="2011-01-20")
    content = client.get("/feeds/commemorations/").content
    feed = feedparser.parse(content)
    assert not feed.bozo, feed.bozo_exception
    entries = {entry.title: entry for entry in feed.entries}
    assert set(entries) == {
        "Centenary conference (2018)",
        "Vigil (20 January 2011)",
        f"{MEETING} (January 2008)",
    }
    text = content.decode()
    assert not says(text, "1 January 2008")
    assert "2008-01-01" not in text
    assert "2018-01-01" not in text
    # <published> is a moment: given for a day, left out rather than invented for a month or
    # a year. <updated> is always there.
    assert entries["Vigil (20 January 2011)"].published.startswith("2011-01-20")
    for title in ["Centenary conference (2018)", f"{MEETING} (January 2008)"]:
        assert "published" not in entries[title]
        assert entries[title].updated
    assert len({entry.id for entry in feed.entries}) == 3


def test_the_api_and_json_ld_agree(client, meeting):
    """The reduced date the page declares is the one the API's pair gives."""
    api = client.get("/api/events/black-january/").json()["commemorations"][0]
    page = json_ld_of(client, EVENT_URL)["subjectOf"][0]
    assert page["startDate"] == dates.iso_partial(
        datetime.date.fromisoformat(api["date"]), api["date_precision"]
    )
    assert json.dumps(page).count("2008-01-01") == 0
