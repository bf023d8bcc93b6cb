"""The portal's benchmark: a throwaway database with synthetic content, then one JSON report.

    make bench                      # the default size (issue 7): 100,000 documents, …
    make bench SCALE=0.01           # a hundredth of it, for a quick look
    DATABASE_URL=postgres://… make bench   # on PostgreSQL (a throwaway database on that server)

It measures, for each public page: the SQL query count, and the server time p50/p95 over
repeated requests (in process, Django's test client), the same for a conditional GET answered
304, then the throughput of a real gunicorn server on a document page and the event page,
uncached and answered 304 ("cached"), each as a ratio to /healthz measured in the same run.
Finally a short load test: concurrent visitors and tribute posts against gunicorn while an
editor saves documents; it reports server errors and lost writes. Synthetic content is marked as
such in every title; nothing of it is real.
"""

import argparse
import datetime
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = {
    "documents": 100_000,
    "events": 1_000,
    "people": 50_000,
    "commemorations": 5_000,
    "figures": 10_000,
}
BUDGETS_MS = {"page_p95": 30, "search_p95_sqlite": 100, "search_p95_postgresql": 50, "304_p95": 5}


def environment(var_dir: Path, database_url: str) -> dict:
    env = {
        **os.environ,
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "PORTAL_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def server_arguments(url: str) -> list[str]:
    """createdb/dropdb options naming the PostgreSQL server of ``url``."""
    parsed = urllib.parse.urlsplit(url)
    server = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432)]
    return server + (["-U", parsed.username] if parsed.username else [])


def throwaway_postgres(url: str) -> tuple[str, str]:
    """A new database on the server of ``url``; returns (its URL, its name)."""
    name = f"portal_bench_{secrets.token_hex(4)}"
    subprocess.run(["createdb", *server_arguments(url), name], check=True)
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}")), name


# Synthetic content -----------------------------------------------------------------------------


def build(sizes: dict[str, int]) -> dict:
    from django.core.management import call_command
    from django.utils import timezone

    from archive.models import Document, Organization, sha256_of_text
    from memorials.models import Commemoration, Event, Figure, Person, Place
    from portal import search

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    random.seed(20080121)
    now = timezone.now()
    long_ago = now - datetime.timedelta(days=365)
    issuers = Organization.objects.bulk_create(
        [Organization(name=f"Synthetic issuer {i}", slug=f"issuer-{i}") for i in range(100)]
    )
    places = Place.objects.bulk_create(
        [Place(name=f"Synthetic place {i}", slug=f"place-{i}") for i in range(200)]
    )
    words = "archive memorial anniversary statement city victims remembrance mission".split()
    documents = []
    for i in range(sizes["documents"]):
        body = " ".join(random.choices(words, k=120)) + f" number {i}."
        documents.append(
            Document(
                kind="statement",
                title=f"Synthetic statement {i}",
                slug=f"synthetic-statement-{i}",
                issuer=issuers[i % len(issuers)],
                issued_on=datetime.date(1990 + i % 35, 1 + i % 12, 1 + i % 28),
                body=body,
                checksum=sha256_of_text(body),
                status="published",
                published_at=long_ago,
            )
        )
    Document.objects.bulk_create(documents, batch_size=2000)
    events = Event.objects.bulk_create(
        [
            Event(
                name=f"Synthetic event {i}",
                slug=f"event-{i}",
                start_date=datetime.date(1950 + i % 70, 1 + i % 12, 1 + i % 28),
                status="published",
                published_at=long_ago,
            )
            for i in range(sizes["events"])
        ],
        batch_size=2000,
    )
    Person.objects.bulk_create(
        [
            Person(
                name=f"Synthetic person {i}",
                slug=f"person-{i}",
                event=events[i % len(events)],
                place=places[i % len(places)],
                status="published",
                published_at=long_ago,
            )
            for i in range(sizes["people"])
        ],
        batch_size=2000,
    )
    Commemoration.objects.bulk_create(
        [
            Commemoration(
                event=events[i % len(events)],
                name=f"Synthetic gathering {i}",
                slug=f"gathering-{i}",
                date=datetime.date(2000 + i % 25, 1 + i % 12, 1 + i % 28),
                status="published",
                published_at=long_ago,
            )
            for i in range(sizes["commemorations"])
        ],
        batch_size=2000,
    )
    some_documents = list(Document.objects.order_by("pk")[: max(1, sizes["figures"])])
    Figure.objects.bulk_create(
        [
            Figure(
                event=events[i % len(events)],
                measure="killed",
                value=i + 1,
                source=some_documents[i % len(some_documents)],
                wording="number",
            )
            for i in range(sizes["figures"])
        ],
        batch_size=2000,
    )
    started = time.perf_counter()
    search.rebuild()
    return {"index_seconds": round(time.perf_counter() - started, 1)}


# Measuring pages in process ------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure_pages(repeat: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from archive.models import Document

    document = Document.objects.order_by("pk")[Document.objects.count() // 2]
    pages = {
        "home": "/",
        "archive": "/archive/",
        "archive_filtered": f"/archive/?year={document.issued_on.year}&kind=statement",
        "document": document.get_absolute_url(),
        "event": "/events/event-1/",
        "people": "/people/",
        "search": "/search/?q=remembrance",
        "calendar_ics": "/calendar.ics",
        "feed_documents": "/feeds/documents/",
        "sitemap": "/sitemap-documents.xml",
        "oai_list_records": "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        "api_documents": "/api/documents/",
        "healthz": "/healthz",
    }
    client = Client()
    report = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Count now: each request clears the connection's query log (reset_queries).
        query_count = len(queries)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        entry = {
            "url": url,
            "queries": query_count,
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
        }
        etag = response.get("ETag")
        if etag:
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                answer = client.get(url, HTTP_IF_NONE_MATCH=etag)
                times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 304
            entry["304_p50_ms"] = round(statistics.median(times), 2)
            entry["304_p95_ms"] = round(percentile(times, 0.95), 2)
        report[name] = entry
    return report


# A real server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, workers: int):
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def throughput(base: str, path: str, seconds: float, concurrency: int, headers=None) -> float:
    """Requests per second answered (2xx or 304) by the server at ``base``."""
    deadline = time.perf_counter() + seconds
    counts = []

    def visitor():
        done = 0
        while time.perf_counter() < deadline:
            request = urllib.request.Request(base + path, headers=headers or {})
            try:
                urllib.request.urlopen(request, timeout=10).read()
                done += 1
            except urllib.error.HTTPError as error:
                if error.code == 304:
                    done += 1
        counts.append(done)

    threads = [threading.Thread(target=visitor) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


def measure_server(env: dict, seconds: float, workers: int) -> dict:
    from archive.models import Document

    document = Document.objects.order_by("pk").first().get_absolute_url()
    server, base = start_gunicorn(env, workers)
    try:
        etags = {
            path: urllib.request.urlopen(base + path).headers.get("ETag")
            for path in [document, "/events/event-1/"]
        }
        floor = throughput(base, "/healthz", seconds, 8)
        result = {"workers": workers, "healthz_rps": round(floor, 1)}
        for name, path in [("document", document), ("event", "/events/event-1/")]:
            uncached = throughput(base, path, seconds, 8)
            result[f"{name}_rps"] = round(uncached, 1)
            result[f"{name}_ratio_to_healthz"] = round(uncached / floor, 3)
            if etags[path]:
                cached = throughput(base, path, seconds, 8, {"If-None-Match": etags[path]})
                result[f"{name}_304_rps"] = round(cached, 1)
                result[f"{name}_304_ratio_to_healthz"] = round(cached / floor, 3)
                result[f"{name}_304_ratio_to_uncached"] = round(cached / uncached, 2)
        result["load_test"] = load_test(base, seconds)
        return result
    finally:
        server.terminate()
        server.wait(timeout=10)


def load_test(base: str, seconds: float) -> dict:
    """Visitors read and post tributes while an editor saves documents; count what was lost."""
    from archive.models import Document
    from memorials.models import Tribute

    deadline = time.perf_counter() + seconds
    errors, accepted, saves = [], [], []
    before = Tribute.objects.count()
    editor_documents = list(Document.objects.order_by("pk")[:20])

    def reader():
        while time.perf_counter() < deadline:
            try:
                urllib.request.urlopen(base + "/events/event-0/", timeout=10).read()
            except urllib.error.HTTPError as error:
                if error.code >= 500:
                    errors.append(error.code)

    def poster(number):
        # Each poster is one visitor: its own CSRF cookie, and one address's rate limit.
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        page = opener.open(base + "/events/event-0/").read().decode()
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        for sent in range(3):
            data = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "kind": "message",
                    "text": f"load test {number}-{sent}",
                    "name": "",
                    "website": "",
                }
            ).encode()
            request = urllib.request.Request(
                base + "/events/event-0/tributes/", data=data, headers={"Referer": base + "/"}
            )
            try:
                opener.open(request, timeout=10).read()
                accepted.append(f"load test {number}-{sent}")
            except urllib.error.HTTPError as error:
                if error.code >= 500:
                    errors.append(error.code)

    def editor():
        number = 0
        while time.perf_counter() < deadline:
            document = editor_documents[number % len(editor_documents)]
            document.summary = f"edit {number}"
            document.save(update_fields=["summary", "updated_at"])
            saves.append((document.pk, document.summary))
            number += 1

    with ThreadPoolExecutor(max_workers=12) as pool:
        jobs = [pool.submit(reader) for _ in range(6)]
        jobs.append(pool.submit(poster, 1))
        jobs.append(pool.submit(editor))
        for job in jobs:
            job.result()
    stored = list(
        Tribute.objects.filter(text__startswith="load test").values_list("text", flat=True)
    )
    last_saves = {pk: summary for pk, summary in saves}
    lost_saves = [
        pk for pk, summary in last_saves.items() if Document.objects.get(pk=pk).summary != summary
    ]
    return {
        "server_errors": len(errors),
        "tributes_accepted": len(accepted),
        "tributes_stored": Tribute.objects.count() - before,
        "tributes_stored_twice": len(stored) - len(set(stored)),
        "editor_saves": len(saves),
        "editor_saves_lost": len(lost_saves),
        "note": "every tribute comes from 127.0.0.1, so the per-address limit (5 in 10 min) "
        "caps what is accepted; accepted ones must all be stored, once",
    }


# Main ------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the default sizes")
    parser.add_argument("--repeat", type=int, default=50, help="requests per page")
    parser.add_argument("--seconds", type=float, default=5.0, help="per throughput measure")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    arguments = parser.parse_args()

    sizes = {name: max(3, int(size * arguments.scale)) for name, size in DEFAULT_SIZES.items()}
    var_dir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    database_url, postgres_name = os.environ.get("DATABASE_URL", ""), None
    if database_url:
        database_url, postgres_name = throwaway_postgres(database_url)
    env = environment(var_dir, database_url)
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.db import connection

    try:
        started = time.perf_counter()
        built = build(sizes)
        report = {
            "database": connection.vendor,
            "sizes": sizes,
            "build_seconds": round(time.perf_counter() - started, 1),
            **built,
            "budgets_ms": BUDGETS_MS,
            "pages": measure_pages(arguments.repeat),
        }
        connection.close()
        report["server"] = measure_server(env, arguments.seconds, arguments.workers)
        print(json.dumps(report, indent=2))
    finally:
        connection.close()
        if postgres_name:
            server = server_arguments(os.environ["DATABASE_URL"])
            subprocess.run(["dropdb", *server, "--if-exists", postgres_name], check=False)


if __name__ == "__main__":
    main()
