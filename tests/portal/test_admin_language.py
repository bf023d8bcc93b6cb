"""The admin in the editor's language: chosen in its header, remembered, and complete."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from portal.publishing import Status
from tests.conftest import make_document

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


def choose(client, language, next_page=ADMIN):
    return client.post("/admin/language/", {"language": language, "next": next_page})


def page(client, address) -> str:
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def test_the_admin_is_in_english_until_another_language_is_chosen(publisher_client):
    html = page(publisher_client, ADMIN)
    assert '<html lang="en"' in html
    assert "Commemoration portal — editors" in html and "Welcome," in html
    # The chooser is in the header, the current language selected, each name in itself.
    chooser = html.split('id="admin-language"')[1].split("</form>")[0]
    assert 'value="az" lang="az">Azərbaycanca</option>' in chooser
    assert 'value="en" lang="en" selected>English</option>' in chooser
    assert f'name="next" value="{ADMIN}"' in chooser


def test_azerbaijani_chosen_is_remembered_on_every_admin_page(publisher_client):
    document = make_document(title="Zeitplan statement")
    change_form = f"/admin/archive/document/{document.pk}/change/"
    response = choose(publisher_client, "az", change_form)
    assert response.status_code == 302 and response["Location"] == change_form
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "az"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] > 0

    index = page(publisher_client, ADMIN)
    assert '<html lang="az"' in index
    assert "Anım portalı — redaktorlar" in index  # the site's header
    assert "Xoş gördük," in index and "Son əməliyyatlar" in index  # Django's own
    assert "Sənədlər" in index  # a model's name
    assert 'value="az" lang="az" selected>' in index

    form = page(publisher_client, change_form)
    assert '<html lang="az"' in form
    assert "Başlıq" in form and "Verildiyi kimi." in form  # a field's label and help
    assert "Yadda saxla" in form
    # And the next request too, without choosing again.
    assert '<html lang="az"' in page(
        publisher_client, f"/admin/archive/document/{document.pk}/history/"
    )


def test_russian_then_english_again(publisher_client):
    choose(publisher_client, "ru")
    html = page(publisher_client, ADMIN)
    assert '<html lang="ru"' in html
    assert "Мемориальный портал — редакция" in html and "Документы" in html
    assert page(publisher_client, "/admin/archive/document/add/").count("Сохранить") >= 1
    choose(publisher_client, "en")
    html = page(publisher_client, ADMIN)
    assert '<html lang="en"' in html and "Documents" in html


def test_the_browsers_language_until_one_is_chosen(publisher_client):
    response = publisher_client.get(ADMIN, HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    assert '<html lang="ru"' in response.content.decode()
    assert response["Content-Language"] == "ru"
    choose(publisher_client, "az")
    response = publisher_client.get(ADMIN, HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert '<html lang="az"' in response.content.decode()  # the choice wins


def test_the_login_page_too(client):
    html = page(client, "/admin/login/?next=/admin/")
    assert 'id="admin-language"' in html
    choose(client, "az", "/admin/login/?next=/admin/")
    html = page(client, "/admin/login/?next=/admin/")
    assert '<html lang="az"' in html and "Daxil ol" in html


def test_public_pages_keep_the_language_of_their_address(client, seed):
    choose(client, "ru")
    assert '<html lang="en">' in page(client, "/events/black-january/")
    assert '<html lang="az">' in page(client, "/az/events/black-january/")


@pytest.mark.parametrize(
    "data",
    [
        {"language": "de", "next": ADMIN},
        {"language": "", "next": ADMIN},
        {"next": ADMIN},
    ],
)
def test_an_unknown_language_is_refused(client, data):
    response = client.post("/admin/language/", data)
    assert response.status_code == 400
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize(
    "next_page", ["https://elsewhere.example/admin/", "//elsewhere.example/", "/events/", ""]
)
def test_the_chooser_leads_back_into_the_admin_only(client, next_page):
    response = choose(client, "az", next_page)
    assert response.status_code == 302 and response["Location"] == ADMIN


def test_the_chooser_takes_only_a_post(client):
    assert client.get("/admin/language/", {"language": "az"}).status_code == 405


def test_the_admins_stylesheet_is_on_every_admin_page(publisher_client):
    """It keeps Azerbaijani headers as written (tests/browser/test_admin_language.py)."""
    for response in [Client().get("/admin/login/"), publisher_client.get(ADMIN)]:
        assert re.search(r'<link rel="stylesheet" href="[^"]*css/admin\.css">', response.text)


# Times carry their zone ------------------------------------------------------------------------


@time_machine.travel("2026-11-29 12:00Z", tick=False)
@pytest.mark.parametrize(
    "language, scheduled",
    [
        ("en", "Scheduled for 1 December 2026, 13:00 +04"),
        ("az", "1 Dekabr 2026, 13:00 +04"),
        ("ru", "1 декабря 2026 г. 13:00 +04"),
    ],
)
def test_a_scheduled_publication_shows_its_time_zone(
    publisher_client, settings, language, scheduled
):
    settings.TIME_ZONE = "Asia/Baku"
    make_document(
        title="Zeitplan statement",
        status=Status.PUBLISHED,
        published_at=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC),
    )
    choose(publisher_client, language)
    listing = page(publisher_client, "/admin/archive/document/")
    assert scheduled in listing


@time_machine.travel("2026-11-29 12:00Z", tick=False)
def test_times_in_utc_say_so(publisher_client):
    document = make_document(title="Zeitplan statement")
    history = page(publisher_client, f"/admin/archive/document/{document.pk}/history/")
    assert "29 November 2026, 12:00 UTC" in history
