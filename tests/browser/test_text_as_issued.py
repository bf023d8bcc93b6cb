"""A text as issued survives an editor's ordinary save in a real browser (issue 18, item 1).

Browsers send a textarea's line ends as CRLF: the admin must store the same text, so a save
that only changes metadata leaves the text, its checksum and the .txt bytes as they were."""

import urllib.request

import pytest
from django.contrib.auth.models import Group

from archive.models import Document
from portal import roles
from portal.publishing import Status
from tests.conftest import make_document

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_metadata_only_save_in_the_admin_keeps_the_text_checksum_and_txt(
    page, live_server, django_user_model
):
    user = django_user_model.objects.create_user("desk", password="desk-password", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PUBLISHERS))
    document = make_document(
        title="A release in paragraphs",
        body="First paragraph.\n\nSecond paragraph,\nwith a line break.\n\nThird.",
        status=Status.PUBLISHED,
    )
    text_url = f"{live_server.url}{document.get_text_url()}"
    with urllib.request.urlopen(text_url) as response:  # noqa: S310 (the live test server)
        bytes_before = response.read()
    checksum_before = document.checksum

    page.goto("/admin/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill("desk-password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/archive/document/{document.pk}/change/")
    page.locator("#id_summary").fill("An editor's summary,\non two lines.")
    page.get_by_role("button", name="Save and continue editing").first.click()
    page.get_by_text("was changed successfully").wait_for()

    document = Document.objects.get(pk=document.pk)
    assert document.summary == "An editor's summary,\non two lines."
    assert document.checksum == checksum_before
    assert "\r" not in document.body
    assert page.get_by_text("text matches its checksum").is_visible()
    with urllib.request.urlopen(text_url) as response:  # noqa: S310
        assert response.read() == bytes_before
