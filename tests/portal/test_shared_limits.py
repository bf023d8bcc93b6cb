"""Limits hold across workers (issue 12, item 6).

Without Redis, pages stay in each process's local memory, but the counters of the tribute rate
limit and login throttling live in the "limits" cache, a database table every worker shares,
with an increment no two workers can interleave. Tested on the cache itself and on a real
gunicorn with two workers, as `make run` starts it.
"""

import datetime
import sqlite3
import threading
import urllib.parse
from pathlib import Path

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection

from memorials.models import Tribute
from portal.limits import DatabaseLimitsCache, increment
from tests.conftest import make_event
from tests.portal.test_settings import setting
from tests.servers import Gunicorn, server_environment

needs_database_limits = pytest.mark.skipif(
    not isinstance(caches["limits"], DatabaseLimitsCache),
    reason="REDIS_URL is set: the limits are in Redis, not in the database",
)


# The settings ---------------------------------------------------------------------------------


def test_without_redis_pages_stay_in_memory_and_limits_go_to_the_database():
    expression = "settings.CACHES['default']['BACKEND'], settings.CACHES['limits']['BACKEND']"
    assert setting(expression, DEBUG="1", REDIS_URL="") == (
        "django.core.cache.backends.locmem.LocMemCache portal.limits.DatabaseLimitsCache"
    )


def test_with_redis_both_caches_are_redis():
    expression = "settings.CACHES['default']['BACKEND'], settings.CACHES['limits']['BACKEND']"
    redis = "django.core.cache.backends.redis.RedisCache"
    assert setting(expression, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/15") == (
        f"{redis} {redis}"
    )


# The counters ---------------------------------------------------------------------------------


@needs_database_limits
@pytest.mark.django_db
def test_a_count_keeps_its_window_and_then_expires():
    """Django's own incr writes the value back with the default timeout (5 minutes), moving the
    window; ours keeps it."""
    with time_machine.travel("2026-11-25 12:00Z", tick=False) as clock:
        assert [increment("tribute-rate:x", 600) for _ in range(3)] == [1, 2, 3]
        clock.shift(datetime.timedelta(seconds=500))
        assert increment("tribute-rate:x", 600) == 4
        clock.shift(datetime.timedelta(seconds=99))
        assert caches["limits"].get("tribute-rate:x") == 4
        clock.shift(datetime.timedelta(seconds=2))
        assert caches["limits"].get("tribute-rate:x") is None
        assert increment("tribute-rate:x", 600) == 1  # a new window


@needs_database_limits
@pytest.mark.django_db
def test_a_restarted_window_lasts_from_the_last_hit():
    with time_machine.travel("2026-11-25 12:00Z", tick=False) as clock:
        increment("login-failures:x", 900, restart_window=True)
        clock.shift(datetime.timedelta(seconds=800))
        assert increment("login-failures:x", 900, restart_window=True) == 2
        clock.shift(datetime.timedelta(seconds=800))
        assert caches["limits"].get("login-failures:x") == 2
        clock.shift(datetime.timedelta(seconds=101))
        assert caches["limits"].get("login-failures:x") is None


@needs_database_limits
@pytest.mark.django_db
def test_incrementing_a_missing_or_expired_key_is_an_error():
    limits = caches["limits"]
    with pytest.raises(ValueError, match="not found"):
        limits.incr("nothing-here")
    with time_machine.travel("2026-11-25 12:00Z", tick=False) as clock:
        limits.set("short", 1, 10)
        clock.shift(datetime.timedelta(seconds=11))
        with pytest.raises(ValueError, match="not found"):
            limits.incr("short")


# Two workers ----------------------------------------------------------------------------------


def shared_database_url(tmp_path: Path) -> str:
    """A database the test and the server's processes all see, holding what the test wrote:
    on PostgreSQL the test database itself; on SQLite (whose test database is in this process's
    memory) a copy of it in a file."""
    if connection.vendor == "sqlite":
        path = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{path}"
    database = connection.settings_dict
    user = urllib.parse.quote(database["USER"] or "")
    password = urllib.parse.quote(database["PASSWORD"] or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}{host}:{database['PORT'] or 5432}/{database['NAME']}"


@needs_database_limits
@pytest.mark.django_db(transaction=True)
def test_two_gunicorn_workers_share_the_tribute_rate_limit(tmp_path):
    event = make_event()
    server = Gunicorn(tmp_path, server_environment(tmp_path, shared_database_url(tmp_path)))
    try:
        server.wait_until_up()
        token = "a" * 32  # a CSRF secret of the visitor's own: cookie and form agree
        cookie, body = f"csrftoken={token}", f"kind=candle&csrfmiddlewaretoken={token}"
        path = f"/events/{event.slug}/tributes/"

        # Six tributes from one visitor, three to each worker: a connection opened and left
        # silent holds the worker that accepts it, so the next request must go to the other.
        statuses = []
        for _ in range(3):
            held = server.connect()
            statuses.append(server.send(server.connect(), "POST", path, body, cookie)[0])
            statuses.append(server.send(held, "POST", path, body, cookie)[0])
        workers = server.workers_of("POST")
        assert [workers[i] != workers[i + 1] for i in (0, 2, 4)] == [True] * 3, workers
        assert statuses == [302] * 5 + [429]

        # Twelve at once from another visitor, both workers answering together: still five.
        results = []

        def post():
            sock = server.connect(source="127.0.0.2")
            results.append(server.send(sock, "POST", path, body, cookie)[0])

        threads = [threading.Thread(target=post) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [302] * 5 + [429] * 7
    finally:
        server.stop()
    assert stored_tributes(tmp_path) == 10  # every accepted tribute, and only those


def stored_tributes(tmp_path: Path) -> int:
    if connection.vendor == "sqlite":  # the server wrote to the copy
        with sqlite3.connect(tmp_path / "shared.sqlite3") as copy:
            return copy.execute("SELECT COUNT(*) FROM memorials_tribute").fetchone()[0]
    return Tribute.objects.count()
