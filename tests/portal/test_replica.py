"""A read replica (issue 17, item 5): with DATABASE_REPLICA_URL, visitors' pages are read from
the replica; the admin, every form sent and what follows it, transactions, jobs and commands
read the primary; writes and migrations go to the primary alone (portal/database.py).

The end-to-end test runs the site on a real gunicorn over two real databases of the suite's
kind (two PostgreSQL databases, or two SQLite files) holding different data, so that each
answer tells which database gave it. Replication is played by the test: it copies the changed
rows to the replica when it chooses.
"""

import shutil
import sqlite3
from contextlib import closing, contextmanager

import psycopg
import pytest
import requests
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from portal.database import ReplicaReadsMiddleware, ReplicaRouter, reading_database
from tests.portal.test_settings import GOOD_KEY, setting, start
from tests.servers import (
    Gunicorn,
    change_page,
    form_fields,
    heading,
    logged_in,
    prepare_database,
    server_environment,
    throwaway_postgres,
)

EVENT_PAGE = "/events/black-january/"

# The settings ---------------------------------------------------------------------------------


def test_without_a_replica_there_is_one_database_and_no_router():
    expression = (
        "list(settings.DATABASES), settings.DATABASE_ROUTERS,"
        " [m for m in settings.MIDDLEWARE if 'database' in m]"
    )
    assert setting(expression, DEBUG="1", DATABASE_REPLICA_URL="") == "['default'] [] []"


def test_a_replica_is_a_second_database_read_before_the_page_cache():
    expression = (
        "list(settings.DATABASES), settings.DATABASES['replica']['NAME'],"
        " settings.DATABASE_ROUTERS, settings.MIDDLEWARE[1:4]"
    )
    primary, replica = "postgres://db1:5432/portal", "postgres://db2:5432/portal"
    assert setting(expression, DEBUG="1", DATABASE_URL=primary, DATABASE_REPLICA_URL=replica) == (
        "['default', 'replica'] portal ['portal.database.ReplicaRouter']"
        " ['portal.hostile.HostileRequestMiddleware', 'portal.database.ReplicaReadsMiddleware',"
        " 'portal.freshness.PageCacheMiddleware']"
    )


def test_a_replica_of_another_kind_of_database_is_refused():
    result = start(
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="portal.example",
        DATABASE_URL="postgres://db1:5432/portal",
        DATABASE_REPLICA_URL="sqlite:////tmp/replica.sqlite3",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must name a copy of the DATABASE_URL database" in result.stderr


# Which requests read where --------------------------------------------------------------------


def read_from(request, during=None) -> list[str]:
    """The databases ``request``'s reads go to: at its start, and after ``during()``."""
    seen = []

    def view(request):
        seen.append(reading_database())
        if during:
            during()
            seen.append(reading_database())
        return HttpResponse("ok")

    ReplicaReadsMiddleware(view)(request)
    return seen


def test_a_visitors_page_is_read_from_the_replica_and_nothing_else_is():
    requests_ = RequestFactory()
    assert read_from(requests_.get("/events/black-january/")) == ["replica"]
    assert read_from(requests_.head("/archive/")) == ["replica"]
    assert read_from(requests_.get("/admin/login/")) == ["default"]
    assert read_from(requests_.post("/events/black-january/tributes/")) == ["default"]
    editor = requests_.get("/events/black-january/", HTTP_COOKIE="sessionid=abc")
    assert read_from(editor) == ["default"]  # an editor's preview: what was just saved
    after_a_form = requests_.get("/events/black-january/", HTTP_COOKIE="messages=x")
    assert read_from(after_a_form) == ["default"]
    assert reading_database() == "default"  # outside any request: commands, jobs


def test_a_public_request_that_writes_reads_the_primary_from_then_on():
    router = ReplicaRouter()
    request = RequestFactory().get("/events/black-january/")
    assert read_from(request, during=lambda: router.db_for_write(None)) == ["replica", "default"]


@pytest.mark.django_db(transaction=True)
def test_a_public_request_reads_the_primary_inside_a_transaction():
    def inside_a_transaction():
        with transaction.atomic():
            assert reading_database() == "default"

    assert read_from(RequestFactory().get("/"), during=inside_a_transaction) == [
        "replica",
        "replica",
    ]


def test_writes_and_migrations_go_to_the_primary_alone():
    router = ReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("default", "archive") is True
    assert router.allow_migrate("replica", "archive") is False


# On a real server over two databases ----------------------------------------------------------


class Database:
    """A database the test reads and writes directly, by URL: PostgreSQL or a SQLite file."""

    def __init__(self, url: str):
        self.url = url

    @contextmanager
    def cursor(self):
        """A cursor in one transaction, committed at the end."""
        if self.url.startswith("sqlite:///"):
            with closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as database:
                with database:
                    yield _QmarkCursor(database.cursor())
        else:
            with psycopg.connect(self.url) as database, database.cursor() as cursor:
                yield cursor

    def rows(self, query: str, *params) -> list[tuple]:
        with self.cursor() as cursor:
            cursor.execute(query, params)
            return [tuple(row) for row in cursor.fetchall()]

    def replicate(self, primary: "Database", table: str) -> None:
        """Make ``table`` here what it is on ``primary``, as replication would (in one
        transaction: PostgreSQL checks the foreign keys of the rows put back at its end)."""
        with self.cursor() as target, primary.cursor() as source:
            target.execute(f"DELETE FROM {table}")  # noqa: S608 -- the test's own names
            if isinstance(target, _QmarkCursor):
                rows = source.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608
                for row in rows:
                    marks = ", ".join(["?"] * len(row))
                    target.execute(f"INSERT INTO {table} VALUES ({marks})", row)  # noqa: S608
                return
            # Every column as PostgreSQL itself writes and reads it (JSON, arrays, dates).
            with (
                source.copy(f"COPY {table} TO STDOUT") as out,
                target.copy(f"COPY {table} FROM STDIN") as into,
            ):
                for block in out:
                    into.write(block)


class _QmarkCursor:
    """sqlite3's cursor, taking the %s placeholders psycopg takes."""

    def __init__(self, cursor):
        self._cursor = cursor

    def execute(self, query, params=()):
        self._cursor.execute(query.replace("%s", "?"), params)
        return self

    def fetchall(self):
        return self._cursor.fetchall()


@contextmanager
def primary_and_replica(tmp_path, environment):
    """Two databases of the suite's kind holding the same migrated, seeded installation: the
    primary's URL and the replica's."""
    if connection.vendor == "sqlite":
        primary = f"sqlite:///{tmp_path / 'primary.sqlite3'}"
        prepare_database({**environment, "DATABASE_URL": primary})
        shutil.copy(tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3")
        yield primary, f"sqlite:///{tmp_path / 'replica.sqlite3'}"
        return
    with throwaway_postgres() as primary:
        prepare_database({**environment, "DATABASE_URL": primary})
        with throwaway_postgres(template=primary.rpartition("/")[2]) as replica:
            yield primary, replica


def event_name(database: Database) -> str:
    return database.rows("SELECT name FROM memorials_event WHERE slug = %s", "black-january")[0][0]


def test_visitors_read_the_replica_and_the_admin_reads_and_writes_the_primary(tmp_path):
    environment = server_environment(
        tmp_path, "", SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0"
    )
    with primary_and_replica(tmp_path, environment) as (primary_url, replica_url):
        primary, replica = Database(primary_url), Database(replica_url)
        server = Gunicorn(
            tmp_path,
            {**environment, "DATABASE_URL": primary_url, "DATABASE_REPLICA_URL": replica_url},
            workers=1,  # one page cache, which the last request below must not find stale
        )
        try:
            server.wait_until_up()
            visitor = requests.Session()
            visitor.get(server.url + EVENT_PAGE)  # a first visit, which gives the visitor a cookie
            before = visitor.get(server.url + EVENT_PAGE)
            assert heading(before.text) == "Black January"

            # A tribute is written to the primary alone.
            lit = visitor.post(
                server.url + EVENT_PAGE + "tributes/",
                data={"kind": "candle", "csrfmiddlewaretoken": visitor.cookies["csrftoken"]},
                allow_redirects=False,
            )
            assert lit.status_code == 302
            assert primary.rows("SELECT COUNT(*) FROM memorials_tribute") == [(1,)]
            assert replica.rows("SELECT COUNT(*) FROM memorials_tribute") == [(0,)]
            visitor.cookies.pop("messages", None)  # "Your candle is lit", once shown

            # A publisher renames the event: the admin reads and writes the primary.
            publisher = logged_in(server)
            address = server.url + change_page(publisher, server, "memorials/event")
            fields = form_fields(publisher.get(address).text)
            renamed = [(n, "Black January 1990" if n == "name" else v) for n, v in fields]
            assert publisher.post(address, data=renamed, allow_redirects=False).status_code == 302
            assert event_name(primary) == "Black January 1990"
            assert event_name(replica) == "Black January"
            assert 'value="Black January 1990"' in publisher.get(address).text
            # The publisher, with a session, sees the page as it now is.
            assert heading(publisher.get(server.url + EVENT_PAGE).text) == "Black January 1990"

            # Visitors read the replica, not yet replicated: the name it holds.
            assert heading(visitor.get(server.url + EVENT_PAGE).text) == "Black January"

            # Replicated, the change is on the visitors' page at once: the page rendered while
            # the replica was behind was kept under the replica's version, not the primary's.
            for table in ["memorials_event", "memorials_tribute", "portal_contentchange"]:
                replica.replicate(primary, table)
            after = visitor.get(server.url + EVENT_PAGE)
            assert heading(after.text) == "Black January 1990"
            assert after.headers["ETag"] != before.headers["ETag"]
        finally:
            server.stop()
