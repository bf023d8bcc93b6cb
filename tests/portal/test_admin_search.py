"""The admin's search finds a name however it is typed (portal/admin_search.py)."""

import datetime
import re

import pytest

from portal.publishing import Status
from tests.conftest import make_document, make_event, make_person, make_place

pytestmark = pytest.mark.django_db


def found(client, changelist, query) -> str:
    """The result table of a changelist searched for ``query``."""
    response = client.get(changelist, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    table = re.search(r'<table id="result_list">.*?</table>', html, flags=re.S)
    return table.group(0) if table else ""


@pytest.mark.parametrize("query", ["Baku", "baku", "Bakı", "BAKI", "Баку", "баку"])
def test_a_place_is_found_in_any_script(publisher_client, query):
    make_place(name="Baku", slug="baku")
    make_place(name="Gəncə", slug="ganja")
    results = found(publisher_client, "/admin/memorials/place/", query)
    assert ">Baku<" in results
    assert "Gəncə" not in results


@pytest.mark.parametrize(
    "query", ["Mamedov", "Мамедов", "Məmmədov", "Memmedov", "Elchin Mammadov", "mamedov elcin"]
)
def test_a_person_is_found_however_the_name_is_spelled(publisher_client, query):
    event = make_event()
    make_person(name="Məmmədov Elçin", event=event)
    make_person(name="Mahmudov Elçin", event=event)
    make_person(name="Məmmədov Rauf", event=event)
    results = found(publisher_client, "/admin/memorials/person/", query)
    assert "Məmmədov Elçin" in results
    assert "Mahmudov" not in results
    if "el" in query.lower():
        assert "Rauf" not in results  # every typed word counts


def test_a_scheduled_persons_name_is_found_by_editors(publisher_client):
    """Visitors' search cannot find a person not yet public; the admin's can."""
    event = make_event()
    person = make_person(name="Məmmədov Elçin", event=event)
    person.published_at = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    person.save()
    assert not person.is_public
    assert "Məmmədov Elçin" in found(publisher_client, "/admin/memorials/person/", "Мамедов")


def test_a_draft_is_found_across_scripts_by_its_folded_name(editor_client):
    make_event(name="Baku events", slug="baku-events", status=Status.DRAFT)
    results = found(editor_client, "/admin/memorials/event/", "Баку")
    assert "Baku events" in results


def test_a_document_title_is_found_by_a_folded_query(publisher_client):
    make_document(title="Statement on the Khojaly tragedy")
    make_document(title="Statement on Baku")
    results = found(publisher_client, "/admin/archive/document/", "Баку")
    assert "Statement on Baku" in results and "Khojaly" not in results


def test_the_admins_own_search_still_works(publisher_client):
    make_place(name="Baku", slug="baku", name_variants="Bakou")
    make_place(name="Sumqayıt", slug="sumgait")
    assert ">Baku<" in found(publisher_client, "/admin/memorials/place/", "Bakou")
    assert "Sumqayıt" in found(publisher_client, "/admin/memorials/place/", "sumgait")
    assert ">Baku<" in found(publisher_client, "/admin/memorials/place/", "")
