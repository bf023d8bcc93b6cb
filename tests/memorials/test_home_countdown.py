"""The home page leads with the anniversary that comes next, counted in days from today."""

import re

import pytest
import time_machine

from memorials.models import Event
from tests.conftest import make_event


def lead_of(client, path="/") -> str:
    html = client.get(path).content.decode()
    found = re.search(r'<section class="lead-anniversary".*?</section>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split()) if found else ""


@time_machine.travel("2026-11-29 09:00Z")
def test_the_home_page_counts_the_days_to_the_next_anniversary(client, seed):
    html = client.get("/").content.decode()
    assert '<time datetime="2027-01-20">20 January 2027</time>' in html
    lead = lead_of(client)
    assert "In 52 days: the 37th anniversary of Black January , 20 January 2027 The event" in lead
    assert "The event: 20 January 1990" in lead
    assert "In 52 days:" in lead.split("Next anniversary")[1]  # before "On this day"
    html = client.get("/").content.decode()
    assert html.index("lead-anniversary") < html.index("On this day")


@time_machine.travel("2027-01-19 09:00Z")
def test_one_day_before(client, seed):
    assert "In 1 day: the 37th anniversary of Black January" in lead_of(client)


@time_machine.travel("2027-01-20 09:00Z")
def test_on_the_day_itself(client, seed):
    lead = lead_of(client)
    assert "Today: the 37th anniversary of Black January , 20 January 2027 The event" in lead
    assert "In 0 days" not in lead


@time_machine.travel("2026-11-29 09:00Z")
def test_the_soonest_of_several_events_leads_and_drafts_never(client, seed):
    make_event(name="Sooner event", start_date="2000-12-05")
    make_event(name="Draft event", start_date="2000-12-01", status="draft")
    lead = lead_of(client)
    assert "In 6 days: the 26th anniversary of Sooner event" in lead
    assert "Draft event" not in client.get("/").content.decode()


@time_machine.travel("2026-11-29 09:00Z")
def test_an_anniversary_known_to_its_month_leads_while_it_is_under_way(client, db):
    make_event(name="Month event", start_date="1990-11-01", date_precision="month")
    lead = lead_of(client)
    assert "This month: the 36th anniversary of Month event , November 2026 The event" in lead


@pytest.mark.django_db
def test_without_public_events_the_home_page_has_no_lead(client):
    assert Event.objects.count() == 0
    assert lead_of(client) == ""
    assert client.get("/").status_code == 200


@time_machine.travel("2026-11-29 09:00Z")
@pytest.mark.parametrize("language", ["az", "ru"])
def test_the_lead_in_other_languages(client, seed, language, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert '<time datetime="2027-01-20">' in response.content.decode()
    assert "52" in lead_of(client, f"/{language}/")
