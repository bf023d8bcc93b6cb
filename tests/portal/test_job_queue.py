"""Slow work as jobs (portal/jobs.py): display sizes, scan pages, the re-indexing a change
cascades to, the admin's import and link checks — on a real Celery worker against the local
Redis, and inline when there is no broker (the rest of the suite, and `make run`)."""

import http.server
import threading
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, transaction

from archive import tasks
from archive.models import RENDITION_FIELDS, Attachment, Document, ScanPage
from portal import jobs
from portal.celery import app
from portal.models import Job, SearchEntry
from portal.publishing import Status
from tests.archive.test_attachments import PREFIX, png
from tests.archive.test_bulk_import import confirm
from tests.archive.test_bulk_import import upload as upload_for_import
from tests.conftest import SEED_FILE, SEED_TITLE, document_form, make_document, make_person
from tests.conftest import make_place as make_place_

# The worker's broker: a Redis database of these tests' own, emptied before each.
BROKER = "redis://127.0.0.1:6379/14"
WAIT_SECONDS = 90


def upload(client, document, name, content, **fields):
    """The document's change form with one new attachment, as the admin inline posts it."""
    attachment = {
        "TOTAL_FORMS": "1",
        "0-file": SimpleUploadedFile(name, content),
        "0-alt_text": fields.get("alt_text", "People at a memorial meeting"),
        "0-caption": "",
        "0-credit": "",
        "0-rights": "https://creativecommons.org/licenses/by/4.0/",
        "0-role": fields.get("role", "gallery"),
        "0-position": "0",
    }
    data = document_form(
        document, **{f"{PREFIX}-{key}": value for key, value in attachment.items()}
    )
    return client.post(f"/admin/archive/document/{document.pk}/change/", data)


def job_messages(response) -> list[str]:
    """What the admin said about the jobs a request asked for."""
    return [
        str(message)
        for message in get_messages(response.wsgi_request)
        if str(message).startswith(("Done:", "Failed:", "Queued:"))
    ]


def stored_files() -> set[str]:
    found = set()

    def walk(folder):
        folders, files = default_storage.listdir(folder)
        found.update(f"{folder}/{name}" if folder else name for name in files)
        for name in folders:
            walk(f"{folder}/{name}" if folder else name)

    walk("")
    return found


def make_place(name):
    return make_place_(name=name)


# --- Inline: no broker, as in the rest of the suite and `make run` ----------------------------


@pytest.fixture
def draft(db):
    return make_document(status=Status.DRAFT, title="Draft with files")


def test_without_a_broker_jobs_run_inline(settings):
    assert settings.CELERY_BROKER_URL == ""
    assert jobs.inline()


def test_an_uploaded_image_gets_its_display_sizes_from_a_job_run_at_once(
    editor_client, editor, draft, media_root
):
    response = upload(editor_client, draft, "photo.png", png(1600, 1000))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.missing_renditions == []
    job = Job.objects.get(kind="renditions")
    assert job.state == Job.State.DONE and job.item == attachment and job.started_by == editor
    assert job.message == "7 sizes made" and job.attempts == 1
    assert job.started_at and job.finished_at
    [message] = job_messages(response)
    assert message.startswith("Done: Display sizes of “photo.png” — done: 7 sizes made")
    assert f'href="/admin/portal/job/{job.pk}/change/"' in message

    # The attachment's line on the change form says how its sizes went.
    page = editor_client.get(f"/admin/archive/document/{draft.pk}/change/").content.decode()
    assert "Display sizes of “photo.png”: done: 7 sizes made" in page


def test_running_a_job_again_makes_nothing_twice(editor_client, draft, media_root):
    upload(editor_client, draft, "photo.png", png(900, 600))
    attachment = Attachment.objects.get()
    files = stored_files()
    sizes = {name: getattr(attachment, name).name for name in RENDITION_FIELDS}

    again = tasks.make_renditions.enqueue("again", item=attachment, attachment=attachment.pk)
    assert again.state == Job.State.DONE and again.message == "nothing to do: every size exists"
    # Sizes lost (an older image's): the job makes them once more under the same names.
    Attachment.objects.filter(pk=attachment.pk).update(medium="", blurred="")
    refilled = tasks.make_renditions.enqueue("refill", item=attachment, attachment=attachment.pk)
    assert refilled.message == "2 sizes made"
    attachment.refresh_from_db()
    assert {name: getattr(attachment, name).name for name in RENDITION_FIELDS} == sizes
    assert stored_files() == files


def test_a_new_file_gets_its_own_sizes_not_the_last_ones(editor_client, draft, media_root):
    upload(editor_client, draft, "first.png", png(800, 600))
    first = Attachment.objects.get()
    data = document_form(
        draft,
        **{
            f"{PREFIX}-TOTAL_FORMS": "1",
            f"{PREFIX}-INITIAL_FORMS": "1",
            f"{PREFIX}-0-id": str(first.pk),
            f"{PREFIX}-0-file": SimpleUploadedFile("second.png", png(640, 480)),
            f"{PREFIX}-0-alt_text": "Another photo",
            f"{PREFIX}-0-rights": "https://creativecommons.org/licenses/by/4.0/",
            f"{PREFIX}-0-role": "gallery",
            f"{PREFIX}-0-position": "0",
        },
    )
    response = editor_client.post(f"/admin/archive/document/{draft.pk}/change/", data)
    assert response.status_code == 302
    second = Attachment.objects.get()
    assert second.checksum != first.checksum
    assert second.display.name.startswith(f"attachments/{second.checksum[:2]}/{second.checksum}")
    assert Job.objects.filter(kind="renditions", state=Job.State.DONE).count() == 2


def test_a_scan_gets_its_pages_from_a_job(editor_client, draft, media_root):
    response = upload(editor_client, draft, "scan.png", png(1200, 1600), role="scan")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    job = Job.objects.get(kind="scan_pages")
    assert job.state == Job.State.DONE and job.message == "1 page made"
    assert ScanPage.objects.get(attachment=attachment).identifier == attachment.checksum
    assert any(
        message.startswith("Done: Scan pages of “scan.png”") for message in job_messages(response)
    )


def test_a_failed_job_is_recorded_with_its_error_and_the_save_stands(
    editor_client, draft, media_root, caplog
):
    upload(editor_client, draft, "photo.png", png(500, 400))
    attachment = Attachment.objects.get()
    default_storage.delete(attachment.file.name)  # the original lost: no size can be made
    Attachment.objects.filter(pk=attachment.pk).update(thumbnail="")
    job = tasks.make_renditions.enqueue("lost", item=attachment, attachment=attachment.pk)
    assert job.state == Job.State.FAILED
    assert job.error.startswith("FileNotFoundError")
    assert "Traceback" in job.error
    assert job.attempts == 1  # a missing file is no passing trouble: not tried again
    assert f"Job {job.pk} (renditions, lost) failed" in caplog.text
    page = editor_client.get(f"/admin/portal/job/{job.pk}/change/").content.decode()
    assert "FileNotFoundError" in page


_flaky_calls = {"count": 0}


@jobs.job("test_flaky", max_retries=3)
def _flaky(job, failures):
    _flaky_calls["count"] += 1
    if _flaky_calls["count"] <= failures:
        raise OperationalError("database is locked")
    return "made it"


def test_a_passing_failure_is_tried_again_a_bounded_number_of_times(db):
    _flaky_calls["count"] = 0
    job = _flaky.enqueue("flaky twice", failures=2)
    assert (job.state, job.attempts, job.message, job.error) == (Job.State.DONE, 3, "made it", "")

    _flaky_calls["count"] = 0
    job = _flaky.enqueue("flaky always", failures=100)
    assert job.state == Job.State.FAILED and job.attempts == 4  # the first try and 3 more
    assert job.error.startswith("OperationalError: database is locked")
    assert _flaky_calls["count"] == 4


def test_saving_a_place_indexes_its_people_inline(db):
    place = make_place("Baku")
    people = [make_person(name=f"Victim {n}", place=place) for n in range(3)]
    place.name = "Bakı"
    place.save()
    for person in people:
        assert "Bakı" in SearchEntry.objects.get(key=f"memorials.person:{person.pk}").text
    assert not Job.objects.exists()  # inline, a save's cascade is no job


# --- The job list in the admin ---------------------------------------------------------------


def test_editors_see_jobs_filtered_by_state_and_kind_and_cannot_change_them(
    editor_client, draft, media_root, django_assert_max_num_queries
):
    upload(editor_client, draft, "photo.png", png(400, 300))
    Job.objects.create(kind="link_check", label="Source link of “X”", state=Job.State.FAILED)
    with django_assert_max_num_queries(12):
        page = editor_client.get("/admin/portal/job/").content.decode()
    assert "Display sizes of “photo.png”" in page and "Source link of “X”" in page
    failed = editor_client.get("/admin/portal/job/?state=failed").content.decode()
    assert "Source link of “X”" in failed and "photo.png" not in failed
    sizes = editor_client.get("/admin/portal/job/?kind=renditions").content.decode()
    assert "photo.png" in sizes and "Source link" not in sizes
    assert "Display sizes of an image" in page  # the kind's name in the filter
    job = Job.objects.get(kind="renditions")
    detail = editor_client.get(f"/admin/portal/job/{job.pk}/change/").content.decode()
    assert "Draft with files" in detail  # what it concerns: the attachment's document
    assert editor_client.get("/admin/portal/job/add/").status_code == 403
    assert editor_client.post(f"/admin/portal/job/{job.pk}/delete/").status_code == 403
    assert (
        editor_client.post(f"/admin/portal/job/{job.pk}/change/", {"label": "x"}).status_code == 403
    )
    assert Job.objects.get(pk=job.pk).label == "Display sizes of “photo.png”"


def test_visitors_see_no_jobs(client, db):
    assert client.get("/admin/portal/job/").status_code == 302  # to the login page


# --- Link checks -----------------------------------------------------------------------------


class _Source(http.server.BaseHTTPRequestHandler):
    def _answer(self, with_body):
        if self.path == "/gone":
            self.send_response(404)
        elif self.path == "/busy":
            self.send_response(503)
        elif self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture
def source_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Source)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_editors_check_source_links_and_see_the_result(editor_client, source_server):
    works = make_document(title="Works", source_url=f"{source_server}/release")
    gone = make_document(title="Gone", source_url=f"{source_server}/gone")
    no_head = make_document(title="No head", source_url=f"{source_server}/no-head")
    busy = make_document(title="Busy", source_url=f"{source_server}/busy")
    make_document(title="No link")
    response = editor_client.post(
        "/admin/archive/document/",
        {
            "action": "check_source_links",
            "_selected_action": [str(pk) for pk in Document.objects.values_list("pk", flat=True)],
        },
    )
    assert response.status_code == 302
    assert Job.objects.filter(kind="link_check").count() == 4  # none for the document without
    results = {job.item: job for job in Job.objects.filter(kind="link_check")}
    assert results[works].message == "works: 200 OK"
    assert results[gone].message == "broken: 404 Not Found"
    assert results[no_head].message == "works: 200 OK"
    assert results[busy].state == Job.State.FAILED and results[busy].attempts == 4
    assert "503" in results[busy].error
    page = editor_client.get(f"/admin/archive/document/{gone.pk}/change/").content.decode()
    assert "broken: 404 Not Found" in page
    unchecked = make_document(title="Unchecked", source_url=f"{source_server}/x")
    page = editor_client.get(f"/admin/archive/document/{unchecked.pk}/change/").content.decode()
    assert "not checked yet" in page


# --- On a real worker, against the local Redis ----------------------------------------------


@pytest.fixture
def worker(transactional_db, media_root):
    """A Celery worker in this process (solo pool, one at a time) on the tests' own Redis
    database; it reads and writes the test database, as the tests do."""
    redis.Redis.from_url(BROKER).flushdb()
    saved = {key: app.conf[key] for key in ["broker_url", "task_always_eager"]}
    app.close()  # no connection kept from another configuration
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    try:
        with start_worker(
            app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30
        ):
            assert not jobs.inline()
            yield
    finally:
        app.conf.update(saved)
        app.close()


def finished(**filters) -> Job:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job = Job.objects.filter(**filters).first()
        if job is not None and job.finished:
            return job
        time.sleep(0.1)
    pytest.fail(f"no finished job {filters} after {WAIT_SECONDS} s: {list(Job.objects.values())}")


def test_a_worker_makes_the_display_sizes_of_an_uploaded_image(worker, editor_client, editor):
    document = make_document(status=Status.DRAFT, title="Draft with files")
    response = upload(editor_client, document, "photo.png", png(1600, 1000))
    assert response.status_code == 302
    [message] = job_messages(response)
    assert message.startswith("Queued: Display sizes of “photo.png” — queued")
    job = finished(kind="renditions")
    assert job.state == Job.State.DONE, job.error
    assert job.message == "7 sizes made" and job.started_by == editor
    attachment = Attachment.objects.get()
    assert attachment.missing_renditions == []
    assert default_storage.exists(attachment.display.name)
    assert default_storage.exists(attachment.blurred.name)


def test_a_worker_indexes_the_people_of_a_renamed_place(worker):
    place = make_place("Baku")
    people = [make_person(name=f"Victim {n}", place=place) for n in range(40)]
    # Each person's save asked for its place to be indexed again: those jobs finish first.
    deadline = time.monotonic() + WAIT_SECONDS
    while Job.objects.exclude(state__in=["done", "failed"]).exists():
        assert time.monotonic() < deadline, "the people's jobs did not finish"
        time.sleep(0.1)

    with transaction.atomic():
        place.name = "Bakı"
        place.save()
        # The save indexes the place itself; its people wait for the job (sent at commit).
        assert "Bakı" in SearchEntry.objects.get(key=f"memorials.place:{place.pk}").title
        assert "Bakı" not in SearchEntry.objects.get(key=f"memorials.person:{people[0].pk}").text
    job = finished(kind="reindex_dependents", object_id=place.pk, label__contains="Bakı")
    assert job.state == Job.State.DONE, job.error
    assert job.message == "40 items indexed" and (job.done_steps, job.total_steps) == (40, 40)
    for person in people:
        assert "Bakı" in SearchEntry.objects.get(key=f"memorials.person:{person.pk}").text


def test_a_worker_runs_a_confirmed_import(worker, editor_client, editor):
    dry_run = upload_for_import(editor_client, ("release.txt", SEED_FILE.read_bytes()))
    response = confirm(editor_client, dry_run)
    job = Job.objects.get(kind="import")
    assert response.status_code == 302 and response["Location"] == jobs.admin_url(job)
    job = finished(kind="import")
    assert job.state == Job.State.DONE, job.error
    assert job.message == "1 created"
    document = Document.objects.get()
    assert document.title == SEED_TITLE and document.history.get().history_user == editor
    assert job.params["files"] == [["release.txt", ""]]  # the bytes are not kept
    page = editor_client.get(jobs.admin_url(job)).content.decode()
    assert SEED_TITLE in page and "created" in page
