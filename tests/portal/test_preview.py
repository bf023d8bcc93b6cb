"""Editors preview unpublished items on their public URL; nobody else can."""

import pytest

from portal.publishing import Status
from tests.conftest import make_document, make_event, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(db):
    return [
        make_document(status=Status.DRAFT, title="Draft release"),
        make_event(status=Status.DRAFT, name="Draft event"),
        make_person(status=Status.DRAFT, name="Draft person"),
    ]


def test_an_editor_previews_drafts_with_a_banner_and_no_caching(editor_client, editor, drafts):
    for item in drafts:
        response = editor_client.get(item.get_absolute_url())
        assert response.status_code == 200, item
        html = response.content.decode()
        assert "<strong>Preview</strong>" in html and "is draft and not public" in html
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    document = drafts[0]
    assert editor_client.get(document.get_text_url()).status_code == 200


def test_the_admins_view_on_site_leads_to_the_preview(editor_client, drafts):
    document = drafts[0]
    html = editor_client.get(f"/admin/archive/document/{document.pk}/change/").content.decode()
    assert "View on site" in html
    assert editor_client.get(document.get_absolute_url()).status_code == 200


def test_visitors_outsiders_and_staff_without_permission_get_404(
    client, outsider, django_user_model, drafts
):
    for item in drafts:
        assert client.get(item.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    for item in drafts:
        assert client.get(item.get_absolute_url()).status_code == 404
    client.force_login(django_user_model.objects.create_user("clerk", is_staff=True))
    for item in drafts:
        assert client.get(item.get_absolute_url()).status_code == 404


def test_published_pages_carry_no_preview_banner_and_stay_cacheable(client, seed):
    response = client.get(seed.get_absolute_url())
    assert "Preview" not in response.content.decode()
    assert "no-store" not in response.get("Cache-Control", "")


def test_previews_never_reach_lists_search_or_feeds(editor_client, drafts):
    for url in [
        "/archive/",
        "/events/",
        "/people/",
        "/search/?q=draft",
        "/feeds/documents/",
        "/api/documents/",
    ]:
        body = editor_client.get(url).content.decode()
        assert (
            "Draft release" not in body and "Draft event" not in body and "Draft person" not in body
        ), url
