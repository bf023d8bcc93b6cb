import pytest

from archive.models import Document
from portal.publishing import Status
from tests.conftest import EMPTY_INLINES, SEED_TITLE, make_document, make_organization

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/archive/document/"


def test_visitors_and_outsiders_are_sent_to_the_login(client, outsider, seed):
    assert client.get(CHANGELIST).status_code == 302
    client.force_login(outsider)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_changelist_columns(editor_client, seed):
    html = editor_client.get(CHANGELIST).content.decode()
    for column in ["Title", "Issuer", "Issued on", "Kind", "Language", "Publication"]:
        assert f">{column}</a>" in html or f">{column}</span>" in html, column
    assert SEED_TITLE in html
    assert "Press release" in html and "Published" in html


@pytest.mark.parametrize(
    "query, shown",
    [
        ({"kind__exact": "press-release"}, True),
        ({"kind__exact": "letter"}, False),
        ({"year": "2008"}, True),
        ({"year": "2009"}, False),
        ({"language__exact": "en"}, True),
        ({"publication": "draft"}, False),
        ({"publication": "published"}, True),
        ({"publication": "public"}, True),
        ({"publication": "scheduled"}, False),
        ({"tag": "black-january"}, True),
        ({"tag": "other"}, False),
        ({"q": "Baky"}, True),
        ({"q": "ten thousands of Soviet troops"}, True),
        ({"q": "nothing like this"}, False),
        ({"issued_on__year": "2008"}, True),
    ],
)
def test_changelist_filters_search_and_date_hierarchy(editor_client, seed, query, shown):
    seed.tags.add("Black January")
    make_document(title="A letter", kind="letter", tags=["other"])
    response = editor_client.get(CHANGELIST, query)
    assert response.status_code == 200
    assert (SEED_TITLE in response.content.decode()) is shown


def test_filter_sidebar_lists_years_issuers_and_tags(editor_client, seed):
    seed.tags.add("Black January")
    make_document(issuer=make_organization(name="Ministry of Examples"))
    html = editor_client.get(CHANGELIST).content.decode()
    assert "By year of issue" in html and "?year=2008" in html
    assert "By tag" in html and "Black January (1)" in html
    assert "By issuer" in html and "Ministry of Examples" in html


def test_add_page_and_adding_a_draft(editor_client):
    issuer = make_organization()
    assert editor_client.get(CHANGELIST + "add/").status_code == 200
    response = editor_client.post(
        CHANGELIST + "add/",
        {
            "title": "New statement",
            "slug": "new-statement",
            "kind": "statement",
            "issuer": issuer.pk,
            "issued_on": "2012-01-20",
            "status": "draft",
            "body": "Its text.",
            "language": "en",
            "tags": "remembrance, Baku",
            **EMPTY_INLINES,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    document = Document.objects.get(slug="new-statement")
    assert document.checksum and document.fixity_ok
    assert sorted(document.tags.names()) == ["Baku", "remembrance"]


def test_change_page_shows_checksum_read_only_and_view_on_site(publisher_client, seed):
    html = publisher_client.get(f"{CHANGELIST}{seed.pk}/change/").content.decode()
    assert seed.checksum in html
    assert 'name="checksum"' not in html
    assert "text matches its checksum" in html
    assert "View on site" in html
    # Autocomplete for the issuer.
    assert 'data-ajax--url="/admin/autocomplete/"' in html


def test_editing_the_seeds_tags_keeps_its_text(publisher_client, seed):
    response = publisher_client.post(
        f"{CHANGELIST}{seed.pk}/change/",
        {
            "title": seed.title,
            "slug": seed.slug,
            "kind": seed.kind,
            "issuer": seed.issuer.pk,
            "issued_on": "2008-01-21",
            "series": seed.series,
            "status": "published",
            "language": "en",
            "body": "An attempt to rewrite the published text.",
            "tags": "Black January, anniversary",
            **EMPTY_INLINES,
        },
    )
    assert response.status_code == 302
    seed.refresh_from_db()
    assert sorted(seed.tags.names()) == ["Black January", "anniversary"]
    assert seed.body.startswith("Eighteen years have passed")  # published text is read-only
    assert seed.fixity_ok


def test_issuer_autocomplete_finds_by_name(editor_client, seed):
    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "archive",
            "model_name": "document",
            "field_name": "issuer",
            "term": "Azerbaijan",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == seed.issuer.name


def test_publish_and_unpublish_actions_follow_through_to_search(publisher_client, client):
    draft = make_document(status=Status.DRAFT, body="uniqueword")
    publisher_client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.title in client.get("/search/", {"q": "uniqueword"}).content.decode()
    publisher_client.post(CHANGELIST, {"action": "return_to_draft", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.title not in client.get("/search/", {"q": "uniqueword"}).content.decode()


def test_organization_admin_lists_document_counts(editor_client, seed):
    html = editor_client.get("/admin/archive/organization/").content.decode()
    assert seed.issuer.name in html
    assert '<td class="field-document_count">1</td>' in html
