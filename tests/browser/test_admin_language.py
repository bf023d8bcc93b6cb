"""The admin in Azerbaijani, in a browser: chosen in the header, and no capital İ in an
English word ("TİTLE") where Django's admin writes headers in capitals."""

import pytest
from django.contrib.auth.models import Group

from portal import roles
from tests.conftest import make_document

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_chosen_language_and_no_dotted_capitals(page, seed, django_user_model):
    make_document(title="Statement with a title")
    user = django_user_model.objects.create_user("desk", password="desk-password", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PUBLISHERS))

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill("desk-password")
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/archive/document/")
    header = page.locator("#result_list thead th.column-title div.text")
    # English: Django's capitals.
    assert header.inner_text().strip() == "TITLE"

    page.get_by_label("Language of the admin").select_option("az")
    page.get_by_role("button", name="Choose").click()
    page.wait_for_url("**/admin/archive/document/")
    assert page.evaluate("document.documentElement.lang") == "az"
    header = page.locator("#result_list thead th.column-title div.text")
    screenshot(page, "admin-documents-az")
    assert header.inner_text().strip() == "Başlıq"  # as written, not BAŞLIQ
    filters = page.locator("#changelist-filter h2").first
    transform = filters.evaluate("element => getComputedStyle(element).textTransform")
    assert transform == "none"
    # An English word in an Azerbaijani page keeps its i.
    page.evaluate(
        "document.querySelector('#result_list thead th.column-title a').textContent = 'title'"
    )
    assert "İ" not in header.inner_text()

    page.reload()
    assert page.get_by_label("İdarəetmə panelinin dili").input_value() == "az"
