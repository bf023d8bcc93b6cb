import pytest

from archive.models import Document
from memorials.checks import check_document
from memorials.models import Event
from portal.publishing import Status
from tests.conftest import EMPTY_INLINES, make_document, make_event

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/archive/document/"


@pytest.fixture
def mismatched(seed):
    """A document that claims the wrong anniversary of Black January."""
    document = make_document(title="20th ANNIVERSARY OF BLACK JANUARY", issued_on="2008-01-20")
    document.events.add(Event.objects.get(slug="black-january"))
    return document


def test_the_seed_is_consistent(seed):
    (check,) = check_document(seed)
    assert check.claimed == 18 and check.expected.number == 18
    assert check.consistent
    assert "consistent" in check.message


def test_a_wrong_claim_is_a_mismatch(mismatched):
    (check,) = check_document(mismatched)
    assert not check.consistent
    assert check.message == (
        "The title claims the 20th anniversary of Black January (20 January 1990); the "
        "anniversary nearest to the issue date is the 18th (20 January 2008): MISMATCH."
    )


def test_no_claim_or_no_event_means_no_check(seed):
    assert check_document(make_document(title="18th anniversary")) == []  # no linked event
    unclaimed = make_document(title="Statement on Black January")
    unclaimed.events.add(make_event())
    assert check_document(unclaimed) == []


def test_a_document_before_the_first_anniversary(db):
    document = make_document(title="First anniversary", issued_on="1990-02-01")
    document.events.add(make_event(start_date="1990-01-20"))
    (check,) = check_document(document)
    assert check.expected.number == 1 and check.consistent


def test_the_change_page_shows_the_mismatch(editor_client, mismatched):
    response = editor_client.get(f"{CHANGELIST}{mismatched.pk}/change/")
    html = response.content.decode()
    assert html.count("MISMATCH") == 2  # the warning message and the check field
    assert 'class="warning"' in html


def test_the_change_page_shows_a_consistent_seed_without_warning(editor_client, seed):
    html = editor_client.get(f"{CHANGELIST}{seed.pk}/change/").content.decode()
    assert "the 18th (20 January 2008): consistent." in html
    assert "MISMATCH" not in html


def test_the_list_filter(editor_client, mismatched, seed):
    mismatch = editor_client.get(CHANGELIST, {"anniversary": "mismatch"}).content.decode()
    assert "20th ANNIVERSARY OF BLACK JANUARY" in mismatch and seed.title not in mismatch
    consistent = editor_client.get(CHANGELIST, {"anniversary": "consistent"}).content.decode()
    assert seed.title in consistent and "20th ANNIVERSARY OF BLACK JANUARY" not in consistent
    assert "By anniversary claim" in editor_client.get(CHANGELIST).content.decode()


def test_editors_link_documents_to_events_from_the_document(editor_client, seed):
    document = make_document(title="New statement", status="draft")
    event = Event.objects.get(slug="black-january")
    prefix = "Event_documents-"
    response = editor_client.post(
        f"{CHANGELIST}{document.pk}/change/",
        {
            "title": document.title,
            "slug": document.slug,
            "kind": document.kind,
            "issuer": document.issuer.pk,
            "issued_on": "2010-05-01",
            "status": "review",
            "body": document.body,
            "language": "en",
            "tags": "",
            **EMPTY_INLINES,
            f"{prefix}TOTAL_FORMS": "1",
            f"{prefix}INITIAL_FORMS": "0",
            f"{prefix}0-event": event.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Document.objects.get(pk=document.pk).events.all()) == [event]


def test_an_editor_adds_a_figure_from_another_source(editor_client, seed, client):
    other = make_document(
        title="Later report",
        issued_on="2010-01-19",
        body="In total 147 people were killed.",
        status=Status.REVIEW,
    )
    event = Event.objects.get(slug="black-january")
    form = {
        "event": event.pk,
        "measure": "killed",
        "measure_label": "",
        "qualifier": "exact",
        "value": "147",
        "source": other.pk,
        "note": "",
    }
    refused = editor_client.post("/admin/memorials/figure/add/", {**form, "wording": "147 victims"})
    assert refused.status_code == 200
    assert "must be quoted exactly" in refused.content.decode()
    accepted = editor_client.post(
        "/admin/memorials/figure/add/", {**form, "wording": "147 people were killed"}
    )
    assert accepted.status_code == 302
    # Public once a publisher publishes its source, not before.
    assert "147 people were killed" not in client.get("/events/black-january/").content.decode()
    other.status = Status.PUBLISHED
    other.save()
    page = client.get("/events/black-january/").content.decode()
    assert "more than 130" in page and "147 people were killed" in page
