"""Nothing lost, nobody in (issue 12): restarts keep editors' work, bags carry content only,
what the public sees changes only through a publisher, and a text keeps its bytes on every save.
"""

import io
import json
import threading

import bagit
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection
from django.test import Client

from archive.models import Document, sha256_of_text
from memorials.models import Event, Figure, Place
from portal import bags
from portal.publishing import Status
from tests.conftest import (
    REPO,
    SEED_FILE,
    document_form,
    make_document,
    make_figure,
    make_organization,
)

SEED_SLUG = "the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky"


def run_steps_of_make_run() -> str:
    """What `make run` does to the database before serving (Makefile: run)."""
    out = io.StringIO()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_initial_data", stdout=out)
    return out.getvalue()


# 1. A restart keeps the editors' work ---------------------------------------------------------


def test_make_run_loads_its_steps_from_the_makefile():
    makefile = (REPO / "Makefile").read_text()
    run = makefile.split("\nrun:")[1].split("\n\n")[0]
    assert "manage.py migrate --noinput" in run
    assert "manage.py load_initial_data\n" in run + "\n"


@pytest.mark.django_db
def test_a_restart_finds_everything_as_the_editor_left_it():
    first = run_steps_of_make_run()
    assert "Added" in first and "1 document" in first

    event = Event.objects.get(slug="black-january")
    event.name = "Black January (20 January 1990)"
    event.save()
    document = Document.objects.get(slug=SEED_SLUG)
    document.status = Status.WITHDRAWN
    document.save()
    linked = make_document(title="A later statement", slug="a-later-statement")
    event.documents.add(linked)
    Figure.objects.get(measure="vehicles-destroyed").delete()
    Place.objects.filter(slug="new-york").update(name="New York City")

    again = run_steps_of_make_run()

    assert again.count("\n") == 1, again  # one line
    assert "already holds content" in again and "not loaded" in again
    event.refresh_from_db()
    assert event.name == "Black January (20 January 1990)"
    assert set(event.documents.values_list("slug", flat=True)) == {SEED_SLUG, "a-later-statement"}
    assert Document.objects.get(slug=SEED_SLUG).status == Status.WITHDRAWN
    assert not Document.objects.public().filter(slug=SEED_SLUG).exists()
    assert not Figure.objects.filter(measure="vehicles-destroyed").exists()
    assert Place.objects.get(slug="new-york").name == "New York City"
    assert Client().get(document.get_absolute_url()).status_code == 410  # withdrawn: gone


@pytest.mark.django_db
def test_missing_adds_absent_seed_records_and_touches_none_that_exists():
    run_steps_of_make_run()
    event = Event.objects.get(slug="black-january")
    event.description = "Edited by an editor."
    event.save()
    Figure.objects.get(measure="vehicles-destroyed").delete()
    out = io.StringIO()

    call_command("load_initial_data", "--missing", "--dry-run", stdout=out)
    assert "Would add 1 figures" in out.getvalue()
    assert not Figure.objects.filter(measure="vehicles-destroyed").exists()

    call_command("load_initial_data", "--missing", stdout=out)
    assert Figure.objects.filter(measure="vehicles-destroyed").exists()
    event.refresh_from_db()
    assert event.description == "Edited by an editor."


# 2. A bag carries content and nothing else ---------------------------------------------------


def _reseal(bag_dir, mutate):
    """What anyone can do to a bag: change its content and regenerate the manifests."""
    content = bag_dir / "data" / "content.json"
    records = json.loads(content.read_text())
    mutate(records)
    content.write_text(json.dumps(records))
    bag = bagit.Bag(str(bag_dir))
    bag.save(manifests=True)


@pytest.fixture
def exported_bag(seed, tmp_path, settings):
    call_command("export_archive", str(tmp_path / "bag"), stdout=io.StringIO())
    from tests.portal.test_bags import empty_the_instance

    empty_the_instance(settings, tmp_path)
    return tmp_path / "bag"


ACCOUNT_RECORDS = [
    {
        "model": "auth.user",
        "pk": 1,
        "fields": {"username": "admin", "password": "md5$x$y", "is_superuser": True},
    },
    {"model": "auth.group", "pk": 90, "fields": {"name": "Owners"}},
    {"model": "sessions.session", "pk": "abc", "fields": {"session_data": "", "expire_date": ""}},
]


@pytest.mark.django_db
def test_a_resealed_bag_carrying_accounts_is_refused_naming_each_record(exported_bag):
    admin = User.objects.create_superuser("admin", password="the-real-one")
    _reseal(exported_bag, lambda records: records.extend(ACCOUNT_RECORDS))

    with pytest.raises(Exception) as refused:
        call_command("import_archive", str(exported_bag), stdout=io.StringIO())

    message = str(refused.value)
    assert "not content" in message
    assert "auth.user, pk 1" in message and "auth.group, pk 90" in message
    assert "sessions.session" in message and "Nothing was loaded" in message
    admin.refresh_from_db()
    assert admin.check_password("the-real-one")
    assert User.objects.count() == 1
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_a_bag_whose_text_no_longer_matches_its_checksum_is_refused(exported_bag):
    def alter(records):
        for record in records:
            if record["model"] == "archive.document":
                record["fields"]["body"] = record["fields"]["body"].replace("130", "13,000")

    _reseal(exported_bag, alter)
    with pytest.raises(Exception) as refused:
        call_command("import_archive", str(exported_bag), stdout=io.StringIO())
    assert "archive.document" in str(refused.value)
    assert "does not match its checksum" in str(refused.value)
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_a_bag_reports_what_it_loads_per_model_in_the_dry_run_and_the_summary(exported_bag):
    out = io.StringIO()
    call_command("import_archive", str(exported_bag), "--dry-run", stdout=out)
    assert "archive.document: 1" in out.getvalue()
    assert "memorials.figure: 6" in out.getvalue()
    assert Document.objects.count() == 0
    call_command("import_archive", str(exported_bag), stdout=out)
    assert "Loaded" in out.getvalue() and Document.objects.count() == 1


@pytest.mark.django_db
def test_a_bag_figure_that_disagrees_with_its_wording_is_refused(exported_bag):
    def inflate(records):
        for record in records:
            if record["model"] == "memorials.figure" and record["fields"]["value"] == 130:
                record["fields"]["value"] = 13000

    _reseal(exported_bag, inflate)
    with pytest.raises(Exception) as refused:
        call_command("import_archive", str(exported_bag), stdout=io.StringIO())
    assert "memorials.figure" in str(refused.value) and "13,000" in str(refused.value)
    assert Figure.objects.count() == 0


def test_the_bag_and_the_bulk_import_refuse_the_same_records():
    assert bags.not_content([{"model": "admin.logentry", "pk": 3}]) == [
        "record 1 (admin.logentry, pk 3)"
    ]
    assert bags.not_content([{"model": "archive.document", "pk": 3}]) == []


# 3. What the public sees changes only through a publisher ------------------------------------


@pytest.mark.parametrize(
    ("wording", "value", "qualifier", "agrees"),
    [
        ("more than 130 civilians were killed", 130, "more-than", True),
        ("more than 130 civilians were killed", 13000, "more-than", False),
        ("more than 130 civilians were killed", 130, "exact", False),
        ("700 wounded", 700, "exact", True),
        ("700 wounded", 700, "about", False),
        ("expulsion of 200 000 Azerbaijanis", 200000, "exact", True),
        ("at least 1,500 people", 1500, "at-least", True),
        ("около 150 человек", 150, "about", True),
        ("более 130 человек погибли", 130, "more-than", True),
        ("130-dan çox insan həlak oldu", 130, "more-than", True),
        ("hundreds of civilians", 100, "exact", False),
    ],
)
def test_a_figure_must_state_what_its_wording_states(wording, value, qualifier, agrees):
    from memorials.wording import disagreement

    problem = disagreement(wording, value, qualifier, dict(Figure.Qualifier.choices))
    assert (problem == "") is agrees, problem


@pytest.mark.django_db
def test_the_admin_refuses_a_figure_that_disagrees_with_its_source(publisher_client, seed):
    figure = Figure.objects.get(measure="killed")
    url = f"/admin/memorials/figure/{figure.pk}/change/"
    form = {
        "event": figure.event_id,
        "measure": "killed",
        "qualifier": "more-than",
        "value": "13000",
        "source": figure.source_id,
        "wording": figure.wording,
    }
    response = publisher_client.post(url, form)
    assert response.status_code == 200
    assert "is not the number the wording states (130)" in response.content.decode()
    figure.refresh_from_db()
    assert figure.value == 130


@pytest.mark.django_db
def test_an_editor_cannot_change_what_public_pages_show(editor_client, seed):
    figure = Figure.objects.get(measure="killed")
    place = Place.objects.get(slug="baku")
    issuer = seed.issuer
    for url, field in [
        (f"/admin/memorials/figure/{figure.pk}/change/", "value"),
        (f"/admin/memorials/place/{place.pk}/change/", "name"),
        (f"/admin/archive/organization/{issuer.pk}/change/", "name"),
    ]:
        page = editor_client.get(url).content.decode()
        assert "only a publisher can change it" in page
        assert f'name="{field}"' not in page  # read-only
        refused = editor_client.post(url, {field: "13000", "name": "Renamed"})
        assert refused.status_code == 403
    figure.refresh_from_db()
    place.refresh_from_db()
    issuer.refresh_from_db()
    assert (figure.value, place.name, issuer.name) == (
        130,
        "Baku",
        "Permanent Mission of the Republic of Azerbaijan to the United Nations",
    )


@pytest.mark.django_db
def test_an_editor_cannot_add_a_figure_that_would_be_public_at_once(editor_client, seed):
    event = Event.objects.get(slug="black-january")
    form = {
        "event": event.pk,
        "measure": "other",
        "measure_label": "Troops",
        "qualifier": "exact",
        "value": "20",
        "source": seed.pk,
        "wording": "On 20 January 1990",
    }
    response = editor_client.post("/admin/memorials/figure/add/", form)
    assert response.status_code == 200
    assert "only a publisher can change it" in response.content.decode()
    assert not Figure.objects.filter(measure="other").exists()

    draft = make_document(status=Status.DRAFT, body="Some 20 buses were counted.")
    response = editor_client.post(
        "/admin/memorials/figure/add/",
        {**form, "source": draft.pk, "wording": "Some 20 buses", "qualifier": "about"},
    )
    assert response.status_code == 302  # not public until a publisher publishes the source


@pytest.mark.django_db
def test_an_editor_may_still_edit_records_nothing_public_shows(editor_client):
    figure = make_figure(source=make_document(status=Status.DRAFT, body="42 people were hurt."))
    response = editor_client.post(
        f"/admin/memorials/figure/{figure.pk}/change/",
        {
            "event": figure.event_id,
            "measure": "wounded",
            "qualifier": "exact",
            "value": "42",
            "source": figure.source_id,
            "wording": "42 people were hurt",
        },
    )
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.measure == "wounded"


@pytest.mark.django_db
def test_a_bulk_import_by_an_editor_cannot_change_public_records(editor_client, seed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    renamed = [
        {
            "model": "memorials.place",
            "fields": {"name": "Renamed", "slug": "baku", "kind": "city"},
        }
    ]
    upload = SimpleUploadedFile("places.json", json.dumps(renamed).encode())
    response = editor_client.post(
        "/admin/archive/document/import/", {"files": [upload], "language": "en"}
    )
    assert "public pages show this record" in response.content.decode()
    assert Place.objects.get(slug="baku").name == "Baku"


@pytest.mark.django_db
def test_publishers_may_change_public_records(publisher_client, seed):
    place = Place.objects.get(slug="baku")
    page = publisher_client.get(f"/admin/memorials/place/{place.pk}/change/").content.decode()
    assert 'name="name"' in page


# 4. Edit conflicts hold when saves truly run at once ----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_cannot_both_win(editor, django_user_model):
    from django.contrib.auth.models import Group

    draft = make_document(status=Status.DRAFT, summary="First.")
    colleague = django_user_model.objects.create_user("colleague", is_staff=True)
    colleague.groups.set(Group.objects.filter(name="Editors"))
    url = f"/admin/archive/document/{draft.pk}/change/"
    desks = []
    for user in [editor, colleague]:
        desk = Client()
        desk.force_login(user)
        html = desk.get(url).content.decode()
        token = html.split('name="_edit_token" value="')[1].split('"')[0]
        desks.append((desk, token, user.username))
    start, results = threading.Barrier(2), {}

    def save(desk, token, name):
        try:
            start.wait()
            response = desk.post(url, document_form(draft, summary=name, _edit_token=token))
            results[name] = response.status_code
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=save, args=desk) for desk in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(results.values()) == [200, 302], results
    winner = next(name for name, status in results.items() if status == 302)
    draft.refresh_from_db()
    assert draft.summary == winner


@pytest.mark.django_db
def test_saving_again_after_the_conflict_warning_is_refused_too(editor_client, editor):
    draft = make_document(status=Status.DRAFT, summary="First.")
    url = f"/admin/archive/document/{draft.pk}/change/"
    html = editor_client.get(url).content.decode()
    token = html.split('name="_edit_token" value="')[1].split('"')[0]
    draft.summary = "A colleague's."
    draft.save()

    refused = editor_client.post(url, document_form(draft, summary="Mine.", _edit_token=token))
    assert "Someone else saved this item" in refused.content.decode()
    resent = refused.content.decode().split('name="_edit_token" value="')[1].split('"')[0]
    again = editor_client.post(url, document_form(draft, summary="Mine.", _edit_token=resent))
    assert "Someone else saved this item" in again.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "A colleague's."


# Issue 18, item 1: no save changes a text as issued -------------------------------------------


@pytest.mark.django_db
def test_a_metadata_only_admin_save_keeps_the_text_and_its_checksum(publisher_client, seed):
    stored, checksum = seed.body, seed.checksum
    text_before = publisher_client.get(seed.get_text_url()).content
    url = f"/admin/archive/document/{seed.pk}/change/"
    # What a browser sends from a textarea: CRLF line ends.
    form = document_form(
        seed, body=seed.body.replace("\n", "\r\n"), summary="An editor's summary.\r\nTwo lines."
    )
    response = publisher_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    seed.refresh_from_db()
    assert seed.body == stored and seed.checksum == checksum
    assert seed.summary == "An editor's summary.\nTwo lines."
    assert publisher_client.get(seed.get_text_url()).content == text_before
    assert "text matches its checksum" in publisher_client.get(url).content.decode()


@pytest.mark.django_db
def test_every_path_stores_the_same_bytes_for_the_same_text():
    shell = make_document(body="Line one.\r\nLine two.\rLine three.")
    assert shell.body == "Line one.\nLine two.\nLine three."
    assert shell.checksum == sha256_of_text("Line one.\nLine two.\nLine three.")
    # A fixture saved raw (loaddata, bags) is normalized too, its checksum kept matching.
    raw = [
        {
            "model": "archive.document",
            "fields": {
                "kind": "statement",
                "title": "Raw",
                "slug": "raw",
                "issuer": [make_organization().slug],
                "issued_on": "2011-01-01",
                "body": "A.\r\nB.",
                "checksum": sha256_of_text("A.\r\nB."),
                "status": "draft",
                "created_at": "2011-01-01T00:00:00Z",
                "updated_at": "2011-01-01T00:00:00Z",
            },
        }
    ]
    with bags_transaction():
        bags.load_content(json.dumps(raw))
    loaded = Document.objects.get(slug="raw")
    assert loaded.body == "A.\nB." and loaded.fixity_ok


@pytest.mark.django_db
def test_importing_a_file_again_after_an_admin_save_creates_nothing(publisher_client, tmp_path):
    out = io.StringIO()
    call_command("import_documents", str(SEED_FILE), stdout=out)
    document = Document.objects.get()
    url = f"/admin/archive/document/{document.pk}/change/"
    form = document_form(document, body=document.body.replace("\n", "\r\n"), summary="S.")
    assert publisher_client.post(url, form).status_code == 302
    call_command("import_documents", str(SEED_FILE), stdout=out)
    assert "unchanged" in out.getvalue()
    assert Document.objects.count() == 1


def bags_transaction():
    from django.db import transaction

    return transaction.atomic()


# 7. Control characters are refused on import and in the admin -------------------------------


@pytest.mark.django_db
def test_the_admin_refuses_a_control_character_naming_the_field(publisher_client):
    draft = make_document(status=Status.DRAFT)
    url = f"/admin/archive/document/{draft.pk}/change/"
    response = publisher_client.post(url, document_form(draft, title="Bad\x1btitle"))
    assert response.status_code == 200
    assert "invisible control character (U+001B" in response.content.decode()
    draft.refresh_from_db()
    assert "\x1b" not in draft.title


@pytest.mark.django_db
def test_the_importer_refuses_a_control_character_and_writes_nothing(tmp_path):
    text = SEED_FILE.read_text(encoding="utf-8").replace("Eighteen years", "Eighteen\x0byears")
    (tmp_path / "release.txt").write_text(text, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_documents", str(tmp_path / "release.txt"), stderr=err)
    assert "invisible control character (U+000B" in err.getvalue()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_bidi_overrides_in_a_tribute_never_reach_the_page(seed, client):
    from memorials.models import Tribute

    url = "/events/black-january/tributes/"
    response = client.post(url, {"kind": "message", "name": "A\u202eB", "text": "x\u2066y\u202c"})
    assert response.status_code == 302
    tribute = Tribute.objects.get()
    assert (tribute.name, tribute.text) == ("AB", "xy")


# 8. Smaller holes ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_file_on_a_draft_and_a_public_item_stays_public(publisher_client, media_root):
    from tests.archive.test_attachments import png, upload

    public = make_document(status=Status.DRAFT)
    upload(publisher_client, public, "flag.png", png(), alt_text="A flag")
    public.status = Status.PUBLISHED
    public.save()
    draft = make_document(status=Status.DRAFT)
    upload(publisher_client, draft, "flag.png", png(), alt_text="The same flag")
    from archive.models import Attachment

    stored = {attachment.file.name for attachment in Attachment.objects.all()}
    assert len(stored) == 1  # stored once
    for order in ["pk", "-pk"]:  # whichever record the database returns first
        name = Attachment.objects.order_by(order).first().file.name
        assert Client().get(f"/media/{name}").status_code == 200


@pytest.mark.django_db
def test_many_large_images_in_one_save_are_refused_clearly_not_a_timeout(
    publisher_client, media_root, settings
):
    from tests.archive.test_attachments import PREFIX, errors_of, png

    settings.MEDIA_MAX_PIXELS_PER_SAVE = 3 * 400 * 300
    from django.core.files.uploadedfile import SimpleUploadedFile

    draft = make_document(status=Status.DRAFT)
    forms = {f"{PREFIX}-TOTAL_FORMS": "5"}
    for index in range(5):
        forms.update(
            {
                f"{PREFIX}-{index}-file": SimpleUploadedFile(f"p{index}.png", png(400, 300)),
                f"{PREFIX}-{index}-alt_text": "A picture",
                f"{PREFIX}-{index}-position": str(index),
            }
        )
    response = publisher_client.post(
        f"/admin/archive/document/{draft.pk}/change/", document_form(draft, **forms)
    )
    errors = errors_of(response)
    assert "“p3.png” was not processed" in errors and "“p4.png” was not processed" in errors
    assert "p2.png" not in errors
    from archive.models import Attachment

    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_changed_text_under_an_existing_heading_is_refused_naming_it(tmp_path):
    call_command("import_documents", str(SEED_FILE), stdout=io.StringIO())
    existing = Document.objects.get()
    changed = SEED_FILE.read_text(encoding="utf-8").replace("700 wounded", "744 wounded")
    (tmp_path / "changed.txt").write_text(changed, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_documents", str(tmp_path / "changed.txt"), stderr=err)
    assert "same title, date and issuer is already in the archive" in err.getvalue()
    assert existing.get_absolute_url() in err.getvalue()
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_a_file_too_large_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from pathlib import Path

    big = tmp_path / "big.txt"
    with open(big, "wb") as stream:
        stream.truncate(6 * 1024 * 1024)  # sparse: its size, without the bytes
    read = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or original(self))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_documents", str(big), stderr=err)
    assert "larger than 5 MB" in err.getvalue()
    assert read == []


@pytest.mark.django_db
def test_an_all_cyrillic_title_keeps_its_letters_in_the_slug(tmp_path):
    text = "\n".join(
        [
            "Mission of Azerbaijan to the United Nations",
            "Press Release",
            "21 January 2008",
            "ЧЁРНЫЙ ЯНВАРЬ: 18-Я ГОДОВЩИНА",
            "",
            "Текст заявления.",
        ]
    )
    (tmp_path / "ru.txt").write_text(text, encoding="utf-8")
    call_command("import_documents", str(tmp_path / "ru.txt"), stdout=io.StringIO())
    assert Document.objects.get().slug == "chernyy-yanvar-18-ya-godovshchina"


@pytest.mark.django_db
def test_texts_stored_with_crlf_before_the_fix_are_repaired_by_the_migration():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("archive.migrations.0004_text_line_ends_normalized")
    document = make_document(body="One.\nTwo.")
    Document.objects.filter(pk=document.pk).update(body="One.\r\nTwo.", checksum="stale")
    migration.normalize_line_ends(apps, None)
    document.refresh_from_db()
    assert document.body == "One.\nTwo." and document.fixity_ok
