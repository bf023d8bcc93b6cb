"""An event's page names its first people and leads to the register for the rest."""

from memorials import selectors
from tests.conftest import make_event, make_person


def test_an_event_with_more_people_than_its_page_shows_links_to_the_register(
    client, db, monkeypatch
):
    monkeypatch.setattr(selectors, "EVENT_PEOPLE_SHOWN", 3)
    event = make_event(slug="tragedy")
    for number in range(5):
        make_person(name=f"Həsənov {number}", event=event)
    page = client.get("/events/tragedy/").content.decode()
    assert sum(f"Həsənov {number}" in page for number in range(5)) == 3
    assert "All 5 people of this event in the register" in page
    assert 'href="/people/?event=tragedy"' in page


def test_an_event_whose_people_all_fit_has_no_such_link(client, db):
    event = make_event(slug="tragedy")
    make_person(name="Həsənov Rəşad", event=event)
    page = client.get("/events/tragedy/").content.decode()
    assert "Həsənov Rəşad" in page
    assert "of this event in the register" not in page
