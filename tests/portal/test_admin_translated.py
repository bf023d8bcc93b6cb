"""Every label the admin shows is in the editor's language: the admin walked in Azerbaijani and
in Russian, as a superuser, each model's list and add form compared with the same page in
English. A label that reads the same in both was not translated."""

import html
import re

import polib
import pytest
from django.contrib import admin

from tests.conftest import REPO, make_document

pytestmark = pytest.mark.django_db

# Texts the same in every language: codes, abbreviations, names.
THE_SAME_EVERYWHERE = {"ID", "URL", "IIIF", "SHA-256", "English", "Azərbaycanca", "Русский", "—"}
# What a page labels: form labels, column headers, filter titles, fieldset names, help texts,
# the model's names in the breadcrumbs and titles.
LABELS = [
    re.compile(r"<label[^>]*>(.*?)</label>", re.S),
    re.compile(r'<th scope="col"[^>]*>.*?<(?:a|span)[^>]*>(.*?)</(?:a|span)>', re.S),
    re.compile(r"<summary>(.*?)</summary>", re.S),
    re.compile(r"<h3>(.*?)</h3>", re.S),
    re.compile(r'<h2 id="fieldset[^"]*"[^>]*>(.*?)</h2>', re.S),
    re.compile(r'<div class="help"[^>]*>\s*<div>(.*?)</div>', re.S),
    re.compile(r"<h1>(.*?)</h1>", re.S),
    re.compile(r"<caption>(.*?)</caption>", re.S),
    re.compile(r'<th scope="row"><a [^>]*>(.*?)</a>', re.S),
    re.compile(r'<option value="[^"]*"[^>]*>(.*?)</option>', re.S),
]


def labels(page: str) -> list[str]:
    found = []
    for pattern in LABELS:
        for text in pattern.findall(page):
            text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()).strip(" :")
            # "Archive | document | Can add document": Django's names of permissions and
            # content types, stored in the database in English.
            if " | " in text:
                continue
            if re.search(r"[A-Za-z]{3}", text) and text not in THE_SAME_EVERYWHERE:
                found.append(text)
    return found


def written_the_same(language: str) -> set[str]:
    """Words the catalog translates as themselves ("Media" and "Status" in Azerbaijani)."""
    po = polib.pofile(str(REPO / "locale" / language / "LC_MESSAGES" / "django.po"))
    same = {entry.msgid for entry in po if entry.msgstr == entry.msgid}
    return same | {text[:1].upper() + text[1:] for text in same}


def admin_pages() -> list[str]:
    pages = ["/admin/"]
    for model in admin.site._registry:
        opts = model._meta
        pages.append(f"/admin/{opts.app_label}/{opts.model_name}/")
        pages.append(f"/admin/{opts.app_label}/{opts.model_name}/add/")
    return pages


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chief", password="chief-pass")
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["az", "ru"])
def test_every_admin_label_is_translated(superuser_client, seed, language):
    make_document(title="Zeitplan statement")
    untranslated = {}
    for address in admin_pages():
        superuser_client.post("/admin/language/", {"language": "en", "next": "/admin/"})
        english = superuser_client.get(address)
        superuser_client.post("/admin/language/", {"language": language, "next": "/admin/"})
        translated = superuser_client.get(address)
        if english.status_code != 200:
            assert translated.status_code == english.status_code
            continue
        assert translated.status_code == 200, address
        same = set(labels(english.content.decode())) & set(labels(translated.content.decode()))
        same -= written_the_same(language)
        if same:
            untranslated[address] = sorted(same)
    assert untranslated == {}


def test_names_of_records_and_import_outcomes_follow_the_language():
    from django.utils import translation

    from memorials.models import Testimony
    from portal.fixtures import Outcome, outcome_label

    testimony = Testimony(shown_name="Aynur")
    with translation.override("az"):
        assert str(testimony) == "Xatirə: Aynur"
        assert str(Outcome.CREATED.label) == "yaradıldı"
        assert str(Outcome.CREATED.label_in_dry_run) == "yaradılacaq"
        assert str(outcome_label("failed")) == "alınmadı"
    with translation.override("ru"):
        assert str(testimony) == "Воспоминание: Aynur"
        assert str(outcome_label("unchanged")) == "без изменений"
    assert str(testimony) == "Testimony from Aynur"
    assert outcome_label("something else") == "something else"  # a report from before
