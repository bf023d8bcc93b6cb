"""Visitors' testimonies and correction requests (issue 15): sent from a person's or an event's
page, protected like tributes, shown attributed once an editor approves them; a photo only with
consent, cleaned, behind a check; the email address for the editors' eyes only."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from memorials.models import CorrectionRequest, Event, Testimony, Tribute
from portal import bags, freshness
from portal.models import SearchEntry
from portal.publishing import Status
from portal.rights import Rights
from tests.conftest import make_event, make_person

pytestmark = pytest.mark.django_db
Testimony.__test__ = False  # a model, not a test class

EVENT_URL = "/events/black-january/"
GPS_IFD = 0x8825


@pytest.fixture
def event(seed):
    return Event.objects.get(slug="black-january")


@pytest.fixture
def visitor():
    """Someone not logged in (``client`` is the editor's, once ``editor_client`` is asked for)."""
    return Client()


@pytest.fixture
def person(event):
    return make_person(name="Remembered Person", slug="remembered", event=event)


def jpeg_with_gps(width=800, height=600) -> bytes:
    image = Image.new("RGB", (width, height), (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (40.0, 45.0, 0.0), 3: "W", 4: (73.0, 58.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def photo(name="family-album.jpg", content=None):
    return SimpleUploadedFile(name, content or jpeg_with_gps(), content_type="image/jpeg")


def sent(**changes):
    return {
        "shown_name": "Aysel",
        "relation": "daughter",
        "email": "aysel@example.org",
        "text": "He walked me to school every morning.",
        **changes,
    }


def with_photo(**changes):
    photo_fields = {
        "photo": photo(),
        "photo_description": "My father on the boulevard, 1989",
        "photo_consent": "on",
        "photo_rights": Rights.CC_BY.value,
    }
    return sent(**{**photo_fields, **changes})


def approve(client, model, ids):
    name = model._meta.model_name
    return client.post(
        f"/admin/memorials/{name}/", {"action": "approve", "_selected_action": ids}, follow=True
    )


# Sending and showing ----------------------------------------------------------------------------


def test_a_testimony_waits_for_an_editor_then_shows_attributed(
    visitor, person, editor_client, editor
):
    page = person.get_absolute_url()
    response = visitor.post(f"{page}testimonies/", sent())
    assert response.status_code == 302 and response["Location"] == f"{page}testimony-sent/"
    thanks = visitor.get(response["Location"])
    assert thanks.status_code == 200
    assert "will appear on the page once an editor has read and approved it" in (
        thanks.content.decode()
    )
    testimony = Testimony.objects.get()
    assert (testimony.person, testimony.event, testimony.state) == (person, None, "pending")
    assert (testimony.decided_by, testimony.decided_at) == (None, None)
    assert "He walked me to school" not in visitor.get(page).content.decode()

    before = timezone.now()
    response = approve(editor_client, Testimony, [testimony.pk])
    assert "1 approved." in response.content.decode()
    testimony.refresh_from_db()
    assert testimony.state == "approved"
    assert testimony.decided_by == editor and testimony.decided_at >= before

    html = visitor.get(page).content.decode()
    assert "He walked me to school every morning." in html
    assert "Shared by <bdi>Aysel</bdi>, <bdi>daughter</bdi>" in html


def test_a_testimony_without_a_relation_names_only_its_sender(visitor, event, editor_client):
    visitor.post(f"{EVENT_URL}testimonies/", sent(relation=""))
    approve(editor_client, Testimony, [Testimony.objects.get().pk])
    html = visitor.get(EVENT_URL).content.decode()
    assert "Shared by <bdi>Aysel</bdi>," in html and "<bdi>daughter</bdi>" not in html
    assert Testimony.objects.get().event == Testimony.objects.get().subject


def test_the_event_form_asks_for_a_relation_to_the_event(client, event, person):
    assert "Your relation to the event (optional)" in client.get(EVENT_URL).content.decode()
    person_page = client.get(person.get_absolute_url()).content.decode()
    assert "Your relation to the person (optional)" in person_page


def test_a_pending_testimony_changes_no_public_page_and_an_approval_does(
    visitor, event, editor_client
):
    version = freshness.content_version()
    visitor.post(f"{EVENT_URL}testimonies/", sent())
    visitor.post(f"{EVENT_URL}corrections/", sent(text="The date is wrong."))
    assert Testimony.objects.count() == CorrectionRequest.objects.count() == 1
    assert freshness.content_version() == version
    approve(editor_client, Testimony, [Testimony.objects.get().pk])
    assert freshness.content_version() > version


def test_a_testimony_is_shown_as_plain_text(client, event):
    payload = '<script>alert(1)</script> <a href="https://spam.example">cheap</a>\nSecond line'
    client.post(
        f"{EVENT_URL}testimonies/",
        sent(shown_name="<b>Aysel</b>", relation="<i>son</i>", text=payload),
    )
    assert Testimony.objects.get().text == payload  # stored as written
    Testimony.objects.update(state=Testimony.State.APPROVED)
    freshness.touch()
    html = client.get(EVENT_URL).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert '<a href="https://spam.example">' not in html
    assert "&lt;b&gt;Aysel&lt;/b&gt;" in html and "&lt;i&gt;son&lt;/i&gt;" in html
    assert "<br>Second line" in html


def test_rejected_testimonies_never_show(client, event):
    client.post(f"{EVENT_URL}testimonies/", sent(text="Words an editor refused"))
    Testimony.objects.update(state=Testimony.State.REJECTED)
    freshness.touch()
    assert "Words an editor refused" not in client.get(EVENT_URL).content.decode()


def test_a_correction_request_reaches_the_editors_and_is_never_shown(client, person):
    page = person.get_absolute_url()
    response = client.post(
        f"{page}corrections/",
        {"shown_name": "Rauf", "email": "rauf@example.org", "text": "Born in 1961, not 1962."},
    )
    assert response.status_code == 302 and response["Location"] == f"{page}correction-sent/"
    assert "check it against the sources" in client.get(response["Location"]).content.decode()
    correction = CorrectionRequest.objects.get()
    assert (correction.person, correction.state) == (person, "pending")
    CorrectionRequest.objects.update(state=CorrectionRequest.State.APPROVED)
    freshness.touch()
    assert "Born in 1961" not in client.get(page).content.decode()


@pytest.mark.parametrize(
    "changes, field, error",
    [
        ({"email": ""}, "email", "This field is required."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"shown_name": ""}, "shown_name", "This field is required."),
        ({"text": ""}, "text", "This field is required."),
        ({"text": "x" * 5001}, "text", "at most 5000 characters"),
        ({"text": "bad \x07 bell"}, "text", "control character"),
    ],
)
def test_invalid_testimonies_are_refused_with_errors_linked_to_their_fields(
    client, event, changes, field, error
):
    response = client.post(f"{EVENT_URL}testimonies/", sent(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    # The field points at its error, and the summary links to the field.
    assert re.search(rf'aria-describedby="[^"]*testimony-{field}_error[^"]*"', html)
    assert f'id="testimony-{field}_error"' in html
    assert f'href="#testimony-{field}"' in html
    assert '<details class="visitor-submission" open>' in html
    assert not Testimony.objects.exists()


def test_an_invalid_correction_request_shows_its_own_form_again(client, event):
    response = client.post(f"{EVENT_URL}corrections/", {"shown_name": "R", "text": "Wrong"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="correction-email_error"' in html and 'id="testimony-email_error"' not in html
    assert not CorrectionRequest.objects.exists()


def test_the_honeypot_drops_bots_silently(client, event):
    response = client.post(f"{EVENT_URL}testimonies/", sent(website="http://bot.example"))
    assert response.status_code == 302
    response = client.post(f"{EVENT_URL}corrections/", sent(website="http://bot"))
    assert response.status_code == 302
    assert not Testimony.objects.exists() and not CorrectionRequest.objects.exists()


def test_csrf_is_required(event):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"{EVENT_URL}testimonies/", sent()).status_code == 403
    assert strict.post(f"{EVENT_URL}corrections/", sent()).status_code == 403
    token = strict.get(EVENT_URL).cookies["csrftoken"].value
    data = sent(csrfmiddlewaretoken=token)
    assert strict.post(f"{EVENT_URL}testimonies/", data).status_code == 302
    assert Testimony.objects.count() == 1


def test_a_per_address_rate_limit_shared_by_both_forms_and_apart_from_tributes(client, event):
    address = {"REMOTE_ADDR": "203.0.113.7"}
    for url in ["testimonies/", "corrections/"] * 2 + ["testimonies/"]:
        assert client.post(f"{EVENT_URL}{url}", sent(), **address).status_code == 302
    blocked = client.post(
        f"{EVENT_URL}corrections/",
        sent(text="One too many"),
        HTTP_X_FORWARDED_FOR="10.0.0.9",
        **address,
    )
    assert blocked.status_code == 429
    assert "Please try again later." in blocked.content.decode()
    assert not CorrectionRequest.objects.filter(text="One too many").exists()
    # Its own counter: the same visitor may still light a candle, and others may still write.
    assert client.post(f"{EVENT_URL}tributes/", {"kind": "candle"}, **address).status_code == 302
    other = {"REMOTE_ADDR": "198.51.100.1"}
    assert client.post(f"{EVENT_URL}testimonies/", sent(), **other).status_code == 302
    assert Testimony.objects.count() + CorrectionRequest.objects.count() == 6
    senders = {t.sender for t in Testimony.objects.all()}
    assert len(senders) == 2 and "203.0.113.7" not in str(senders)


def test_nothing_is_received_for_drafts_or_with_get(client, db):
    draft = make_event(slug="draft", status=Status.DRAFT)
    hidden = make_person(slug="hidden-person", event=draft)
    for url in [f"/events/{draft.slug}/", hidden.get_absolute_url()]:
        assert client.post(f"{url}testimonies/", sent()).status_code == 404
        assert client.post(f"{url}corrections/", sent()).status_code == 404
        assert client.get(f"{url}testimony-sent/").status_code == 404
    make_event(slug="public")
    assert client.get("/events/public/testimonies/").status_code == 405
    assert client.get("/events/public/corrections/").status_code == 405
    assert not Testimony.objects.exists() and not CorrectionRequest.objects.exists()


def test_the_person_page_reads_its_testimonies_in_one_query(
    client, person, django_assert_max_num_queries
):
    client.get(person.get_absolute_url())  # the page's own reads, once, for the baseline
    with django_assert_max_num_queries(40) as baseline:
        client.get(person.get_absolute_url() + "?baseline")
    for number in range(5):
        Testimony.objects.create(
            person=person,
            shown_name=f"Visitor {number}",
            email=f"visitor{number}@example.org",
            text=f"Memory {number}",
            state=Testimony.State.APPROVED,
        )
    with django_assert_max_num_queries(len(baseline.captured_queries) + 1):
        html = client.get(person.get_absolute_url() + "?five").content.decode()
    assert all(f"Memory {number}" in html for number in range(5))


# Photos -----------------------------------------------------------------------------------------


def test_a_photo_is_cleaned_stored_under_a_random_name_and_hidden_until_approved(
    visitor, person, editor_client, media_root
):
    response = visitor.post(f"{person.get_absolute_url()}testimonies/", with_photo())
    assert response.status_code == 302
    testimony = Testimony.objects.get()
    assert testimony.photo_consent and testimony.photo_rights == Rights.CC_BY.value
    name = testimony.photo.name
    assert name.startswith("testimonies/") and "family-album" not in name
    assert len(Path(name).stem) >= 30  # a random token nobody can guess
    stored = Image.open(Path(media_root) / name)
    assert stored.format == "JPEG" and not stored.getexif().get_ifd(GPS_IFD)
    assert not stored.getexif()
    assert (testimony.photo_width, testimony.photo_height) == (800, 600)

    photo_url = f"/testimonies/{testimony.pk}/photo/"
    # Pending: nobody but an editor sees it, by its own address or the media one.
    assert visitor.get(photo_url).status_code == 404
    assert visitor.get(f"/media/{name}").status_code == 404
    assert visitor.get(f"/media/{testimony.photo_display.name}").status_code == 404
    change_page = editor_client.get(f"/admin/memorials/testimony/{testimony.pk}/change/")
    assert f'<img src="{photo_url}" alt="My father on the boulevard, 1989"' in (
        change_page.content.decode()
    )
    preview = editor_client.get(photo_url)
    assert preview.status_code == 200 and "no-store" in preview["Cache-Control"]
    assert b"".join(preview.streaming_content).startswith(b"RIFF")  # the display size, WebP

    approve(editor_client, Testimony, [testimony.pk])
    shown = visitor.get(photo_url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/webp"
    assert shown["X-Content-Type-Options"] == "nosniff" and "public" in shown["Cache-Control"]
    assert visitor.get(f"/media/{name}").status_code == 404
    html = visitor.get(person.get_absolute_url()).content.decode()
    assert f'<img src="{photo_url}" alt="My father on the boulevard, 1989"' in html
    assert f'<a href="{Rights.CC_BY.value}" rel="license">CC BY 4.0</a>' in html


def test_a_photo_leaves_when_its_testimony_is_rejected_or_its_subject_withdrawn(
    visitor, person, editor_client, media_root
):
    visitor.post(f"{person.get_absolute_url()}testimonies/", with_photo())
    testimony = Testimony.objects.get()
    photo_url = f"/testimonies/{testimony.pk}/photo/"
    approve(editor_client, Testimony, [testimony.pk])
    assert visitor.get(photo_url).status_code == 200
    person.status = Status.DRAFT
    person.save()
    assert visitor.get(photo_url).status_code == 404
    person.status = Status.PUBLISHED
    person.save()
    Testimony.objects.update(state=Testimony.State.REJECTED)
    assert visitor.get(photo_url).status_code == 404
    assert visitor.get("/testimonies/999999/photo/").status_code == 404


def test_deleting_a_testimony_deletes_its_photo(
    visitor, person, editor_client, media_root, django_capture_on_commit_callbacks
):
    visitor.post(f"{person.get_absolute_url()}testimonies/", with_photo())
    testimony = Testimony.objects.get()
    files = [
        Path(media_root) / testimony.photo.name,
        Path(media_root) / testimony.photo_display.name,
    ]
    assert all(file.is_file() for file in files)
    url = f"/admin/memorials/testimony/{testimony.pk}/delete/"
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, {"post": "yes"}).status_code == 302
    assert not Testimony.objects.exists()
    assert not any(file.exists() for file in files)


@pytest.mark.parametrize(
    "changes, field, error",
    [
        ({"photo_consent": ""}, "photo_consent", "only with your consent to publish it"),
        ({"photo_rights": ""}, "photo_rights", "Choose who may reuse the photo."),
        ({"photo_rights": Rights.PUBLIC_DOMAIN.value}, "photo_rights", "Select a valid choice"),
        ({"photo_description": " "}, "photo_description", "Say what the photo shows."),
        ({"photo": photo("scan.pdf", b"%PDF-1.4 a pdf")}, "photo", "Only a JPEG, PNG or WebP"),
        ({"photo": photo("fake.jpg", b"not an image at all")}, "photo", "is not a readable JPEG"),
    ],
)
def test_a_photo_needs_consent_rights_and_a_description_and_must_be_an_image(
    client, event, media_root, changes, field, error
):
    response = client.post(f"{EVENT_URL}testimonies/", with_photo(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert f'href="#testimony-{field}' in html
    assert "Please choose your photo again" in html
    assert not Testimony.objects.exists()
    assert not (Path(media_root) / "testimonies").exists() or not any(
        (Path(media_root) / "testimonies").iterdir()
    )


def test_a_photo_over_the_limit_is_refused(client, event, media_root, monkeypatch):
    monkeypatch.setattr("memorials.testimonies.PHOTO_MAX_BYTES", 1000)
    response = client.post(f"{EVENT_URL}testimonies/", with_photo())
    assert response.status_code == 400
    assert "The photo is larger than 1000" in response.content.decode()
    assert not Testimony.objects.exists()


def test_without_a_photo_consent_and_rights_are_not_recorded(client, event):
    client.post(
        f"{EVENT_URL}testimonies/",
        sent(photo_consent="on", photo_rights=Rights.CC_BY.value, photo_description="x"),
    )
    testimony = Testimony.objects.get()
    assert (testimony.photo.name, testimony.photo_consent, testimony.photo_rights) == (
        "",
        False,
        "",
    )
    assert testimony.photo_description == ""


# The editors' side ------------------------------------------------------------------------------


def test_editors_moderate_but_never_add(editor):
    assert editor.has_perm("memorials.moderate_testimony")
    for model in ["testimony", "correctionrequest"]:
        for action in ["view", "change", "delete"]:
            assert editor.has_perm(f"memorials.{action}_{model}")
        assert not editor.has_perm(f"memorials.add_{model}")


def test_the_queue_counts_what_waits_and_filters_by_state(visitor, event, editor_client):
    for text in ["one", "two", "three"]:
        visitor.post(f"{EVENT_URL}testimonies/", sent(text=text))
    visitor.post(f"{EVENT_URL}corrections/", sent(text="a mistake"))
    approve(editor_client, Testimony, [Testimony.objects.get(text="one").pk])

    home = editor_client.get("/admin/").content.decode()
    assert "Testimonies (2 waiting)" in home and "Correction requests (1 waiting)" in home
    queue = editor_client.get("/admin/memorials/testimony/")
    assert "Testimonies: 2 waiting for moderation" in queue.content.decode()
    assert editor_client.get("/admin/memorials/testimony/add/").status_code == 403
    waiting = editor_client.get("/admin/memorials/testimony/?state__exact=pending")
    assert waiting.status_code == 200
    assert [t.text for t in waiting.context["cl"].result_list] == ["three", "two"]
    corrections = editor_client.get("/admin/memorials/correctionrequest/?state__exact=pending")
    assert "Correction requests: 1 waiting for moderation" in corrections.content.decode()


def test_rejecting_asks_for_a_reason_and_records_who_and_when(
    visitor, event, editor_client, editor
):
    visitor.post(f"{EVENT_URL}testimonies/", sent())
    visitor.post(f"{EVENT_URL}corrections/", sent(text="Not a mistake"))
    for model in [Testimony, CorrectionRequest]:
        item = model.objects.get()
        url = f"/admin/memorials/{model._meta.model_name}/"
        chosen = {"action": "reject", "_selected_action": [item.pk]}
        asked = editor_client.post(url, chosen)
        assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
        item.refresh_from_db()
        assert item.state == "pending"
        empty = editor_client.post(url, {**chosen, "post": "yes", "reason": " "})
        assert "This field is required." in empty.content.decode()
        done = editor_client.post(
            url, {**chosen, "post": "yes", "reason": "Not about this person."}, follow=True
        )
        assert "1 rejected." in done.content.decode()
        item.refresh_from_db()
        assert (item.state, item.reason, item.decided_by) == (
            "rejected",
            "Not about this person.",
            editor,
        )
        assert item.decided_at is not None


def test_the_change_form_shows_the_email_and_refuses_a_rejection_without_reason(
    visitor, event, editor_client, editor
):
    visitor.post(f"{EVENT_URL}testimonies/", sent(email="only.editors@example.org"))
    testimony = Testimony.objects.get()
    url = f"/admin/memorials/testimony/{testimony.pk}/change/"
    assert "only.editors@example.org" in editor_client.get(url).content.decode()
    refused = editor_client.post(url, {"state": "rejected", "reason": ""})
    assert refused.status_code == 200 and "Say why it is rejected." in refused.content.decode()
    testimony.refresh_from_db()
    assert testimony.state == "pending"
    editor_client.post(url, {"state": "approved", "reason": ""})
    testimony.refresh_from_db()
    assert (testimony.state, testimony.decided_by) == ("approved", editor)
    # What the visitor sent stays as they sent it.
    editor_client.post(url, {"state": "approved", "email": "x@example.org", "text": "Changed"})
    testimony.refresh_from_db()
    assert (testimony.email, testimony.text) == ("only.editors@example.org", testimony.text)
    assert testimony.text == "He walked me to school every morning."


def test_tribute_decisions_record_who_and_when(visitor, event, editor_client, editor):
    for text in ["approve me", "reject me"]:
        visitor.post(f"{EVENT_URL}tributes/", {"kind": "message", "text": text})
    approved, rejected = (
        Tribute.objects.get(text="approve me"),
        Tribute.objects.get(text="reject me"),
    )
    assert "Tributes (2 waiting)" in editor_client.get("/admin/").content.decode()
    approve(editor_client, Tribute, [approved.pk])
    editor_client.post(
        "/admin/memorials/tribute/", {"action": "reject", "_selected_action": [rejected.pk]}
    )
    for tribute in (approved, rejected):
        tribute.refresh_from_db()
        assert tribute.decided_by == editor and tribute.decided_at is not None
    assert [approved.state, rejected.state] == ["approved", "rejected"]
    # A decision in the change form is recorded too.
    candle = Tribute.objects.create(event=event, kind="candle", state="approved")
    editor_client.post(f"/admin/memorials/tribute/{candle.pk}/change/", {"state": "rejected"})
    candle.refresh_from_db()
    assert (candle.state, candle.decided_by) == ("rejected", editor)


# The email address goes nowhere public ----------------------------------------------------------

SECRET_EMAIL = "unique.sender.7f3a9c@example.org"


def test_the_email_address_reaches_no_public_page_feed_api_harvest_search_or_bag(
    visitor, seed, event, person, editor_client, media_root, tmp_path
):
    visitor.post(
        f"{person.get_absolute_url()}testimonies/",
        with_photo(shown_name="Zeynab Qasimova", email=SECRET_EMAIL, text="Memorable words"),
    )
    visitor.post(f"{EVENT_URL}testimonies/", sent(email=SECRET_EMAIL))
    visitor.post(f"{EVENT_URL}corrections/", sent(email=SECRET_EMAIL))
    approve(editor_client, Testimony, list(Testimony.objects.values_list("pk", flat=True)))
    approve(editor_client, CorrectionRequest, [CorrectionRequest.objects.get().pk])
    assert Testimony.objects.filter(state="approved").count() == 2

    person_page = visitor.get(person.get_absolute_url()).content.decode()
    assert "Zeynab Qasimova" in person_page and "Memorable words" in person_page
    urls = [
        person.get_absolute_url(),
        f"/az{person.get_absolute_url()}",
        EVENT_URL,
        f"/ru{EVENT_URL}",
        "/",
        "/events/",
        "/people/",
        "/calendar/",
        "/calendar.ics",
        "/feeds/documents/",
        "/feeds/commemorations/",
        "/api/documents/",
        "/api/events/",
        "/api/events/black-january/",
        seed.get_absolute_url(),
        "/api/documents/2008/" + seed.slug + "/",
        "/oai?verb=Identify",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        "/oai?verb=ListSets",
        "/search/?q=Zeynab",
        "/search/?q=Memorable",
        "/search/?q=example.org",
        f"/testimonies/{Testimony.objects.exclude(photo='').get().pk}/photo/",
        "/sitemap.xml",
    ]
    index = visitor.get("/sitemap.xml").content.decode()
    urls += [re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r"<loc>([^<]+)</loc>", index)]
    for url in urls:
        response = visitor.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET_EMAIL.encode() not in body, url
        assert b"unique.sender" not in body, url

    entries = json.dumps(list(SearchEntry.objects.values()), default=str)
    assert SECRET_EMAIL not in entries and "Memorable words" not in entries

    bag = tmp_path / "bag"
    call_command("export_archive", str(bag), stdout=io.StringIO())
    for file in bag.rglob("*"):
        if file.is_file():
            assert SECRET_EMAIL.encode() not in file.read_bytes(), file
    content = json.loads((bag / "data" / bags.CONTENT_FILE).read_text(encoding="utf-8"))
    labels = {entry["model"] for entry in content}
    assert "memorials.person" in labels
    assert not labels & {"memorials.testimony", "memorials.correctionrequest"}
    assert not (bag / "data" / "media" / "testimonies").exists()


def test_a_bag_that_carries_testimonies_is_refused(event):
    record = {
        "model": "memorials.testimony",
        "pk": 1,
        "fields": {"event": event.pk, "shown_name": "A", "email": SECRET_EMAIL, "text": "t"},
    }
    with pytest.raises(bags.BagRefused, match="memorials.testimony"):
        bags.load_content(json.dumps([record]))
    assert not Testimony.objects.exists()
