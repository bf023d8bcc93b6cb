"""Editors' texts in the reader's language (issue 16, item 4): descriptions, notes, summaries,
biographies, figure labels and commemorations' names shown translated where a translation is
recorded, else in the original, marked with its language and a note; found by search in every
language; translated in the admin, through the same workflow and history."""

import json
import re
from pathlib import Path

import pytest
from icalendar import Calendar

from memorials.models import Event, Figure
from portal.corrections import Correction
from portal.publishing import Status
from tests.conftest import (
    REPO,
    document_form,
    make_commemoration,
    make_document,
    make_event,
    make_figure,
    make_person,
    make_place,
)

pytestmark = pytest.mark.django_db

EN_DESCRIPTION = "Soldiers entered the city at night."
AZ_DESCRIPTION = "Əsgərlər gecə şəhərə daxil oldular."
NOT_IN_RUSSIAN = "Ещё не переведено на русский; показан английский оригинал."
NOT_IN_ENGLISH = "Not yet translated into English; shown in the original Azerbaijani."


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def described_event(**fields):
    return make_event(
        slug="night",
        description=EN_DESCRIPTION,
        translated_texts={"description": {"az": AZ_DESCRIPTION}},
        **fields,
    )


# Public pages


def test_a_description_shows_in_the_readers_language_or_marked_as_the_original(client):
    described_event()
    english = page(client, "/events/night/")
    assert f"<p>{EN_DESCRIPTION}</p>" in english
    assert "translation-note" not in english
    azerbaijani = page(client, "/az/events/night/")
    assert f"<p>{AZ_DESCRIPTION}</p>" in azerbaijani
    assert EN_DESCRIPTION not in azerbaijani and "translation-note" not in azerbaijani
    russian = page(client, "/ru/events/night/")
    assert re.search(
        r'<p class="translation-note">[^<]+</p><div class="original-text" lang="en"><p>'
        + re.escape(EN_DESCRIPTION),
        russian,
    )


def test_the_note_names_both_languages(client):
    make_event(slug="written-in-azerbaijani", description=AZ_DESCRIPTION, texts_language="az")
    english = page(client, "/events/written-in-azerbaijani/")
    assert f'<p class="translation-note">{NOT_IN_ENGLISH}</p>' in english
    assert f'<div class="original-text" lang="az"><p>{AZ_DESCRIPTION}</p></div>' in english
    # Written in the reader's language: no note.
    assert "translation-note" not in page(client, "/az/events/written-in-azerbaijani/")


def test_texts_are_escaped_in_every_language(client):
    make_event(
        slug="escaped",
        description="<script>alert(1)</script>",
        translated_texts={"description": {"ru": "<b>жирный</b>"}},
    )
    for url in ["/events/escaped/", "/az/events/escaped/"]:
        html = page(client, url)
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    russian = page(client, "/ru/events/escaped/")
    assert "<b>жирный</b>" not in russian and "&lt;b&gt;жирный&lt;/b&gt;" in russian


def test_figures_labels_and_notes_in_the_readers_language(client):
    event = make_event(slug="counted")
    make_figure(
        event=event,
        measure=Figure.Measure.OTHER,
        measure_label="Shops looted",
        note="Counted by the mission.",
        translated_texts={"measure_label": {"ru": "Разграблено магазинов"}},
    )
    russian = page(client, "/ru/events/counted/")
    assert '<th scope="rowgroup">Разграблено магазинов</th>' in russian
    assert (
        '<span class="original-text" lang="en">Counted by the mission.</span>'
        f' <small class="translation-note">({NOT_IN_RUSSIAN})</small>'
    ) in russian
    assert '<th scope="rowgroup">Shops looted</th>' in page(client, "/events/counted/")


def test_commemorations_names_and_descriptions_in_the_readers_language(client):
    event = make_event(slug="remembered")
    make_commemoration(
        event=event,
        name="Vigil at the memorial",
        name_ru="Бдение у мемориала",
        description="Candles were lit.",
        translated_texts={"description": {"ru": "Зажгли свечи."}},
        date="2026-12-20",
    )
    russian = page(client, "/ru/events/remembered/")
    assert "<h3>Бдение у мемориала</h3>" in russian and "<p>Зажгли свечи.</p>" in russian
    azerbaijani = page(client, "/az/events/remembered/")
    assert '<h3><span class="original-name" lang="en"' in azerbaijani
    assert '<div class="original-text" lang="en"><p>Candles were lit.</p></div>' in azerbaijani
    assert ">Бдение у мемориала</a>" in page(client, "/ru/calendar/")


def test_biographies_and_place_notes_in_the_readers_language(client):
    place = make_place(
        slug="square", note="A square.", translated_texts={"note": {"az": "Meydan."}}
    )
    make_person(
        slug="teacher",
        place=place,
        biography="A teacher.",
        translated_texts={"biography": {"ru": "Учитель."}},
    )
    assert "<p>Учитель.</p>" in page(client, "/ru/people/teacher/")
    assert '<div class="original-text" lang="en"><p>A teacher.</p></div>' in page(
        client, "/az/people/teacher/"
    )
    assert "<p>Meydan.</p>" in page(client, "/az/places/square/")
    assert '<div class="original-text" lang="en"><p>A square.</p></div>' in page(
        client, "/ru/places/square/"
    )


def test_document_summaries_on_the_page_in_its_head_and_in_lists(client):
    document = make_document(
        summary="The mission's statement.",
        translated_texts={"summary": {"ru": "Заявление миссии."}},
    )
    russian = page(client, f"/ru{document.get_absolute_url()}")
    assert "<p>Заявление миссии.</p>" in russian
    assert '<meta name="description" content="Заявление миссии.">' in russian
    assert "<p>Заявление миссии.</p>" in page(client, "/ru/archive/")
    listed = page(client, "/az/archive/")
    assert '<p><span class="original-text" lang="en">The mission&#x27;s statement.</span>' in listed


def test_names_in_another_language_are_not_set_in_italics():
    stylesheet = (REPO / "static" / "css" / "site.css").read_text(encoding="utf-8")
    rules = re.findall(r"([^{}]*)\{([^}]*)\}", stylesheet)
    for selector, declarations in rules:
        if "original-name" in selector or "original-text" in selector or ":lang(" in selector:
            assert "italic" not in declarations, selector


def test_the_seed_event_is_named_in_each_language_marked_by_lang_not_italics(client, seed):
    assert "<h1>20 Yanvar faciəsi</h1>" in page(client, "/az/events/black-january/")
    russian = page(client, "/ru/events/black-january/")
    assert "<h1>Чёрный январь</h1>" in russian
    assert "<p>20 января 1990 года советские войска вошли в Баку" in russian
    assert "<h1>Black January</h1>" in page(client, "/events/black-january/")


# Search


@pytest.mark.parametrize(
    "query",
    ["Qanlı Yanvar", "Qara Yanvar", "20 Yanvar faciəsi", "Чёрный январь", "Черный январь"],
)
def test_search_finds_the_seed_event_by_its_name_in_each_language(client, seed, query):
    html = page(client, f"/search/?q={query}")
    assert 'href="/events/black-january/"' in html


def test_search_finds_an_item_by_words_of_its_translation(client):
    described_event()
    make_document(
        slug="summarized",
        summary="A statement.",
        translated_texts={"summary": {"ru": "Заявление о трагедии."}},
    )
    assert 'href="/events/night/"' in page(client, "/search/?q=Əsgərlər")
    assert "/summarized/" in page(client, "/search/?q=трагедии")


# Outlets


def test_the_api_gives_the_original_and_its_translations(client, seed):
    event = client.get("/api/events/black-january/").json()
    assert event["name"] == "Black January" and event["name_language"] == "en"
    assert event["name_translations"] == {"az": "20 Yanvar faciəsi", "ru": "Чёрный январь"}
    assert event["description"].startswith("On 20 January 1990 Soviet troops entered Baku")
    assert event["description_language"] == "en"
    assert set(event["description_translations"]) == {"az", "ru"}
    assert event["description_translations"]["ru"].startswith("20 января 1990 года")
    commemoration = event["commemorations"][0]
    assert commemoration["name_translations"] == {}
    assert commemoration["description_language"] == "en"
    killed = next(f for f in event["figures"] if f["measure"] == "killed")
    assert killed["measure_label_translations"] == {}
    document = client.get("/api/documents/").json()["results"][0]
    assert "summary" in document and document["summary_translations"] == {}


def test_the_api_gives_a_documents_and_a_persons_translations(client):
    document = make_document(summary="Short.", translated_texts={"summary": {"az": "Qısa."}})
    data = client.get(f"/api/documents/{document.issued_on.year}/{document.slug}/").json()
    assert (data["summary"], data["summary_translations"]) == ("Short.", {"az": "Qısa."})
    make_person(slug="poet", biography="A poet.", translated_texts={"biography": {"ru": "Поэт."}})
    person = client.get("/api/people/poet/").json()
    assert (person["biography"], person["biography_language"]) == ("A poet.", "en")
    assert person["biography_translations"] == {"ru": "Поэт."}


def test_the_feed_and_the_calendar_name_a_commemoration_in_their_language(client):
    event = make_event(slug="named")
    make_commemoration(
        event=event,
        slug="anma",
        name="Anma mərasimi",
        name_language="az",
        name_en="Memorial ceremony",
        description="Gül qoyuldu.",
        texts_language="az",
        translated_texts={"description": {"en": "Flowers were laid."}},
    )
    feed = page(client, "/feeds/commemorations/")
    assert "Memorial ceremony" in feed and "Flowers were laid." in feed
    assert "Anma mərasimi" not in feed
    russian = Calendar.from_ical(client.get("/ru/calendar.ics").content)
    entry = next(e for e in russian.walk("VEVENT") if "anma" in str(e["UID"]))
    assert str(entry["SUMMARY"]) == "Anma mərasimi"
    assert entry["SUMMARY"].params["LANGUAGE"] == "az"
    english = Calendar.from_ical(client.get("/calendar.ics").content)
    entry = next(e for e in english.walk("VEVENT") if "anma" in str(e["UID"]))
    assert str(entry["SUMMARY"]) == "Memorial ceremony"
    assert entry["SUMMARY"].params["LANGUAGE"] == "en"


# The admin

CHANGELIST = "/admin/archive/document/"


def test_the_change_form_has_a_field_for_each_translation(publisher_client):
    document = make_document(summary="Summary.")
    html = page(publisher_client, f"{CHANGELIST}{document.pk}/change/")
    assert 'name="summary_in_az"' in html and 'name="summary_in_ru"' in html
    assert 'name="summary_in_en"' not in html  # the original's language
    assert "Summary (Azerbaijani)" in html and "Summary (Russian)" in html
    in_azerbaijani = make_document(summary="Xülasə.", texts_language="az")
    html = page(publisher_client, f"{CHANGELIST}{in_azerbaijani.pk}/change/")
    assert 'name="summary_in_en"' in html and 'name="summary_in_az"' not in html


def test_a_translation_saved_in_the_admin_is_stored_and_in_the_history(publisher_client):
    document = make_document(summary="Summary.")
    response = publisher_client.post(
        f"{CHANGELIST}{document.pk}/change/",
        document_form(
            document,
            summary="Summary.",
            texts_language="en",
            summary_in_az="Xülasə.\r\nİkinci sətir.",
            summary_in_ru="",
        ),
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.translated_texts == {"summary": {"az": "Xülasə.\nİkinci sətir."}}
    assert document.history.first().translated_texts == document.translated_texts
    assert document.text_for("summary", "az") == ("Xülasə.\nİkinci sətir.", "az")
    # Emptied, the translation is gone; the page shows the original again.
    publisher_client.post(
        f"{CHANGELIST}{document.pk}/change/",
        document_form(document, summary="Summary.", summary_in_az="", summary_in_ru="Резюме."),
    )
    document.refresh_from_db()
    assert document.translated_texts == {"summary": {"ru": "Резюме."}}
    assert document.history.count() == 3


def test_a_form_without_the_translation_fields_keeps_the_texts_language(publisher_client):
    document = make_document(summary="Xülasə.", texts_language="az")
    response = publisher_client.post(
        f"{CHANGELIST}{document.pk}/change/", document_form(document, summary="Xülasə.")
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.texts_language == "az"


def test_a_translation_with_a_control_character_is_refused(publisher_client):
    document = make_document(summary="Summary.")
    response = publisher_client.post(
        f"{CHANGELIST}{document.pk}/change/",
        document_form(document, summary="Summary.", summary_in_ru="Резюме\x07."),
    )
    assert response.status_code == 200
    assert "invisible control character" in response.content.decode()
    document.refresh_from_db()
    assert document.translated_texts == {}


def test_an_editor_translates_a_draft_but_not_a_live_item(editor_client):
    draft = make_document(status=Status.DRAFT, summary="Summary.")
    response = editor_client.post(
        f"{CHANGELIST}{draft.pk}/change/",
        document_form(draft, summary="Summary.", summary_in_az="Xülasə."),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.translated("summary", "az") == "Xülasə."
    live = make_document(summary="Summary.", translated_texts={"summary": {"ru": "Резюме."}})
    # The editor's translation of a live item is kept as a correction for a publisher
    # (tests/portal/test_corrections.py); the item keeps its translations.
    shown = page(editor_client, f"{CHANGELIST}{live.pk}/change/")
    assert "Summary (Russian)" in shown and "Резюме." in shown
    kept = editor_client.post(
        f"{CHANGELIST}{live.pk}/change/",
        document_form(live, summary="Summary.", summary_in_ru="Другое."),
    )
    assert kept.status_code == 302
    live.refresh_from_db()
    assert live.translated_texts == {"summary": {"ru": "Резюме."}}
    assert Correction.objects.get().values == {"translated_texts": {"summary": {"ru": "Другое."}}}


def test_an_editor_cannot_translate_a_figure_shown_publicly(editor_client, publisher):
    figure = make_figure(note="Counted.")
    url = f"/admin/memorials/figure/{figure.pk}/change/"
    form = {
        "event": figure.event.pk,
        "measure": figure.measure,
        "measure_label": "",
        "qualifier": figure.qualifier,
        "value": figure.value,
        "source": figure.source.pk,
        "wording": figure.wording,
        "note": "Counted.",
        "texts_language": "en",
        "note_in_az": "Sayılıb.",
    }
    assert editor_client.post(url, form).status_code == 403
    figure.refresh_from_db()
    assert figure.translated_texts == {}
    editor_client.force_login(publisher)
    assert editor_client.post(url, form).status_code == 302
    figure.refresh_from_db()
    assert figure.translated_texts == {"note": {"az": "Sayılıb."}}


def test_the_changelist_filters_and_counts_missing_translations(admin_client):
    translated = described_event(name="Translated into Azerbaijani")
    make_event(name="Not translated", description="Words.")
    make_event(name="Nothing to translate")
    in_azerbaijani = make_event(
        name="Written in Azerbaijani", description="Söz.", texts_language="az"
    )
    html = page(admin_client, "/admin/memorials/event/")
    completeness = html.split('<ul class="translation-completeness">')[1].split("</ul>")[0]
    assert re.findall(r"<li>([^<]+)</li>", completeness) == [
        "English: 0 of 1 translated",
        "Azerbaijani: 1 of 2 translated",
        "Russian: 0 of 3 translated",
    ]
    assert "missing_translation=az" in html

    def listed(language):
        found = page(admin_client, f"/admin/memorials/event/?missing_translation={language}")
        names = ["Translated into Azerbaijani", "Not translated", "Written in Azerbaijani"]
        return {name for name in names if f">{name}</a>" in found}

    assert listed("az") == {"Not translated"}
    assert listed("ru") == {
        "Translated into Azerbaijani",
        "Not translated",
        "Written in Azerbaijani",
    }
    assert listed("en") == {"Written in Azerbaijani"}
    Event.objects.filter(pk=in_azerbaijani.pk).update(
        translated_texts={"description": {"en": "Word.", "ru": ""}}
    )
    assert listed("en") == set()
    assert "Written in Azerbaijani" in listed("ru")  # an empty translation is none
    assert translated.pk


def test_every_admin_with_translated_texts_opens_with_its_fields(admin_client, seed):
    for url, field in [
        ("/admin/memorials/event/add/", "description_in_az"),
        ("/admin/memorials/person/add/", "biography_in_ru"),
        ("/admin/memorials/place/add/", "note_in_az"),
        ("/admin/memorials/commemoration/add/", "description_in_ru"),
        ("/admin/memorials/figure/add/", "measure_label_in_az"),
        ("/admin/archive/document/add/", "summary_in_ru"),
    ]:
        assert f'name="{field}"' in page(admin_client, url), url
        assert 'name="texts_language"' in page(admin_client, url)
    commemoration = page(admin_client, "/admin/memorials/commemoration/add/")
    assert 'name="name_az"' in commemoration and 'name="name_language"' in commemoration


def test_the_seed_event_translations_are_the_seeds():
    records = json.loads(Path(REPO / "fixtures" / "seed.json").read_text(encoding="utf-8"))
    event = next(r["fields"] for r in records if r["model"] == "memorials.event")
    assert event["name_az"] == "20 Yanvar faciəsi" and event["name_ru"] == "Чёрный январь"
    assert event["alternative_names"].splitlines() == ["Qanlı Yanvar", "Qara Yanvar"]
    assert set(event["translated_texts"]["description"]) == {"az", "ru"}
