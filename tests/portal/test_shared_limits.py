"""Limits hold across workers (issue 12, item 6).

Without Redis, pages stay in each process's local memory, but the counters of the tribute rate
limit and login throttling live in the "limits" cache, a database table every worker shares,
with an increment no two workers can interleave. Tested on the cache itself and on a real
gunicorn with two workers, as `make run` starts it.
"""

import datetime
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection

from memorials.models import Tribute
from portal.limits import DatabaseLimitsCache, increment
from tests.conftest import REPO, make_event
from tests.portal.test_settings import setting

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


class Gunicorn:
    """`make run`'s server: gunicorn with two workers, logging which worker answered what."""

    def __init__(self, tmp_path: Path, database_url: str):
        self.port = free_port()
        self.log = tmp_path / "access.log"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "0",
            "PORTAL_VAR_DIR": str(tmp_path),
            "LOG_LEVEL": "WARNING",
        }
        for name in ["REDIS_URL", "TRUSTED_PROXIES", "DEBUG"]:
            environment.pop(name, None)
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--access-logfile",
                str(self.log),
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s",
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=environment,
        )

    def wait_until_up(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn exited"
            try:
                if self.send(self.connect(), "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not start")

    def connect(self, source="127.0.0.1") -> socket.socket:
        return socket.create_connection(
            ("127.0.0.1", self.port), timeout=30, source_address=(source, 0)
        )

    @staticmethod
    def send(sock, method, path, body="", cookie="") -> tuple[int, str]:
        """One request on ``sock`` (sync workers close each connection); status and head."""
        request = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}"
        )
        with sock:
            sock.sendall(request.encode())
            response = b""
            while chunk := sock.recv(65536):
                response += chunk
        head = response.split(b"\r\n\r\n", 1)[0].decode("latin1")
        return int(head.split()[1]), head

    def workers_of(self, method) -> list[str]:
        """The pid of the worker that answered each ``method`` request, in order."""
        for _ in range(50):  # the access log is written as the response goes out
            lines = self.log.read_text().splitlines() if self.log.exists() else []
            if lines and all(re.fullmatch(r"<\d+> \w+ \S+ \d+", line) for line in lines):
                break
            time.sleep(0.1)
        return [line.split()[0] for line in lines if line.split()[1] == method]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@needs_database_limits
@pytest.mark.django_db(transaction=True)
def test_two_gunicorn_workers_share_the_tribute_rate_limit(tmp_path):
    event = make_event()
    server = Gunicorn(tmp_path, shared_database_url(tmp_path))
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
