"""The admin at a common laptop width: the documents' changelist shows every column,
publication included, without scrolling sideways (1366×768)."""

import datetime

import pytest
from django.contrib.auth.models import Group

from portal import roles
from tests.conftest import make_document, make_organization

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 1366, 768


def test_the_documents_changelist_shows_its_publication_column_at_1366_pixels(
    page, seed, django_user_model
):
    # Long titles and issuer names, as real releases have them.
    issuer = make_organization(
        name="Ministry of Foreign Affairs of the Republic of Azerbaijan, Press Service Department"
    )
    make_document(
        issuer=issuer,
        title="Statement of the Ministry of Foreign Affairs on the anniversary of the tragedy "
        "of 20 January 1990 and the events that preceded and followed it in Baku and elsewhere",
    )
    make_document(
        issuer=issuer,
        title="Scheduled statement",
        published_at=datetime.datetime(2099, 1, 20, 10, 0, tzinfo=datetime.UTC),
    )
    user = django_user_model.objects.create_user("desk", password="desk-password", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PUBLISHERS))

    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill("desk-password")
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/archive/document/")
    header = page.locator("#result_list th.column-publication")
    box = header.bounding_box()
    screenshot(page, "admin-documents-1366")
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    # Nor hidden in the table's own scrolling area, beside the filters.
    results = page.locator("#changelist-form .results").bounding_box()
    assert box["x"] + box["width"] <= results["x"] + results["width"], (box, results)
    assert "Scheduled for" in page.locator("#result_list").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
