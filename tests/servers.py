"""Real servers for the tests: gunicorn serving the portal, and moto's S3 on loopback.

Shared by the tests that run the site as production does (tests/portal/test_shared_limits.py,
tests/test_two_servers.py, tests/portal/test_replica.py) and the media-on-S3 tests.
"""

import contextlib
import hashlib
import html
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import boto3
import psycopg
import requests
from psycopg import sql

from tests.conftest import REPO


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# gunicorn -------------------------------------------------------------------------------------


def server_environment(var_dir: Path, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a server process: the test settings (production mode), the database
    ``database_url``, its own var folder, and ``settings``; none of the developer's own cache,
    proxy, broker or storage settings."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "PORTAL_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }
    for name in [
        "REDIS_URL",
        "TRUSTED_PROXIES",
        "DEBUG",
        "CELERY_BROKER_URL",
        "S3_BUCKET",
        "DATABASE_REPLICA_URL",
    ]:
        environment.pop(name, None)
    return {**environment, **settings}


class Gunicorn:
    """The site on a real gunicorn, as production runs it, logging which worker answered
    what to ``access.log`` in ``log_dir``."""

    def __init__(self, log_dir: Path, environment: dict[str, str], workers: int = 2):
        self.port = free_port()
        self.log = log_dir / f"access-{self.port}.log"
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--access-logfile",
                str(self.log),
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s",
                "--log-level",
                "warning",
                # Not the one control socket in the home folder that every gunicorn on the
                # machine would otherwise take over from the one started before it.
                "--no-control-socket",
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
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# S3 -------------------------------------------------------------------------------------------

S3_KEYS = {"access_key": "testing", "secret_key": "testing"}


def start_s3_server():
    """moto's S3 server (``moto[server]``) in this process, on a free loopback port; returns
    the server (``stop()`` it) and its address."""
    from moto.server import ThreadedMotoServer  # imported by the tests that need it only

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


@dataclass
class Bucket:
    endpoint: str
    name: str

    @property
    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=S3_KEYS["access_key"],
            aws_secret_access_key=S3_KEYS["secret_key"],
        )

    def keys(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {entry["Key"] for page in pages for entry in page.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def checksums(self) -> dict[str, str]:
        return {key: hashlib.sha256(self.read(key)).hexdigest() for key in sorted(self.keys())}

    def unsigned_get(self, key: str) -> int:
        """The status of a plain GET of the object's address, as any browser could send."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/{self.name}/{key}") as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code


def new_bucket(endpoint: str) -> Bucket:
    bucket = Bucket(endpoint, f"portal-media-{uuid.uuid4().hex[:12]}")
    bucket.client.create_bucket(Bucket=bucket.name)
    return bucket


# Databases ------------------------------------------------------------------------------------

# The local PostgreSQL server, always there (here and in CI), whatever the suite runs on.
POSTGRES = "postgres://postgres@127.0.0.1:5432"


@contextlib.contextmanager
def throwaway_postgres(template: str | None = None):
    """A new, empty PostgreSQL database (or a copy of ``template``) on the local server, dropped
    afterwards whatever happened; yields its URL."""
    name = f"portal_servers_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as server:
        copy = sql.SQL(" TEMPLATE {}").format(sql.Identifier(template)) if template else sql.SQL("")
        server.execute(sql.SQL("CREATE DATABASE {}{}").format(sql.Identifier(name), copy))
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


PUBLISHER = ("publisher", "publisher-pass")


def prepare_database(environment: dict[str, str]) -> None:
    """What an installation runs once, in a process of its own on the database the
    ``environment`` names: ``migrate``, the seed (``load_initial_data``), and a publisher."""
    script = f"""
import django
django.setup()
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from portal import roles
call_command("migrate", verbosity=0)
call_command("load_initial_data", verbosity=0)
user = User.objects.create_user({PUBLISHER[0]!r}, password={PUBLISHER[1]!r}, is_staff=True)
user.groups.add(Group.objects.get(name=roles.PUBLISHERS))
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


# What a browser does --------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The (name, value) pairs a browser would post back from a page's forms: inputs but files
    and buttons, checked boxes, textareas, every selected option of a select (several of a
    multiple one). The empty forms of the admin's inlines (``__prefix__``) are left out."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: list | None = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        kind = attrs.get("type", "text")
        if tag == "input" and name and kind not in ("submit", "button", "file", "image"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                default = "on" if kind in ("checkbox", "radio") else ""
                self.fields.append((name, attrs.get("value") or default))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            name, text = self._textarea
            self.fields.append((name, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(page: str) -> list[tuple[str, str]]:
    parser = _FormFields()
    parser.feed(page)
    return [(name, value) for name, value in parser.fields if "__prefix__" not in name]


def logged_in(server: Gunicorn) -> requests.Session:
    """A publisher's browser, logged in to the admin on ``server``."""
    browser = requests.Session()
    browser.get(f"{server.url}/admin/login/")
    answer = browser.post(
        f"{server.url}/admin/login/?next=/admin/",
        data={
            "username": PUBLISHER[0],
            "password": PUBLISHER[1],
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/"
    return browser


def change_page(browser: requests.Session, server: Gunicorn, model: str) -> str:
    """The address of the change form of the one ``model`` ("archive/document") of the seed
    that the admin lists."""
    listing = browser.get(f"{server.url}/admin/{model}/").text
    (address,) = set(re.findall(rf'href="(/admin/{model}/\d+/change/)', listing))
    return address


def heading(page: str) -> str:
    return html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)).strip()
