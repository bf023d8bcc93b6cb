"""Small things visitors and editors found (issue 14 item 8, issue 18 item 6): each fails
without its fix."""

import pytest

from memorials.models import Event
from portal.publishing import Status
from tests.conftest import make_document, make_event

pytestmark = pytest.mark.django_db

EVENT_URL = "/events/black-january/"


# 1. A document's page links to the public events it belongs to.


def test_a_document_page_links_to_its_public_events_only(client, seed):
    event = Event.objects.get(slug="black-january")
    draft = make_event(name="A draft event", status=Status.DRAFT, documents=[seed])
    html = client.get(seed.get_absolute_url()).content.decode()
    assert f'<a href="{event.get_absolute_url()}">{event.name}</a>' in html
    assert draft.name not in html and draft.get_absolute_url() not in html


def test_a_document_of_no_event_shows_no_events_heading(client, db):
    document = make_document()
    assert "events-heading" not in client.get(document.get_absolute_url()).content.decode()


# 4. An issuer's place reads true: the city is where it issues, the country is whose it is.


def test_the_issuers_city_and_country_are_not_joined_as_one_place(client, seed):
    html = client.get(seed.get_absolute_url()).content.decode()
    assert "New York, Azerbaijan" not in html
    assert "<dt>Place of issue</dt><dd>New York</dd>" in html
    assert "<dt>Issuer’s country</dt><dd>Azerbaijan</dd>" in html
