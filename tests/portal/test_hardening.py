"""Security headers, login throttling, error pages, conditional GET and the shared cache."""

import datetime
import json
import os
import re
import subprocess
import sys

import pytest
import time_machine
from django.test import Client

from archive.models import Document
from portal.publishing import Status
from tests.conftest import REPO, SEED_TITLE, make_document

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


# Headers -------------------------------------------------------------------------------------


def test_a_content_security_policy_without_inline_scripts(client, seed):
    for url in ["/", seed.get_absolute_url(), "/admin/login/"]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert script_src.strip() == "'self'"
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
    # Our pages hold no inline script: every <script> has a src or is JSON-LD data.
    html = client.get(seed.get_absolute_url()).content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/ld+json"' in tag, tag


# Login throttling ----------------------------------------------------------------------------


def try_login(client, password, **headers):
    return client.post(LOGIN, {"username": "desk", "password": password}, **headers)


@pytest.fixture
def desk(django_user_model):
    return django_user_model.objects.create_user("desk", password="right-password", is_staff=True)


def test_repeated_failures_lock_the_address_out_until_the_lockout_expires(desk, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    with time_machine.travel("2026-11-25 12:00Z", tick=False) as clock:
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            assert (
                "Please enter the correct username" in try_login(attacker, "guess").content.decode()
            )
        locked = try_login(attacker, "right-password")
        assert locked.status_code == 200
        assert "Too many failed attempts from this address" in locked.content.decode()
        # Forging X-Forwarded-For neither escapes the lock …
        forged = try_login(attacker, "right-password", HTTP_X_FORWARDED_FOR="198.51.100.1")
        assert "Too many failed attempts" in forged.content.decode()
        # … nor locks out someone else: another address logs in.
        colleague = Client(REMOTE_ADDR="192.0.2.10")
        assert try_login(colleague, "right-password").status_code == 302
        clock.shift(datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1))
        assert try_login(attacker, "right-password").status_code == 302


def test_failures_spread_over_forged_forwarded_addresses_still_count(desk, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.8")
    for number in range(settings.LOGIN_FAILURE_LIMIT):
        try_login(attacker, "guess", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    assert "Too many failed attempts" in try_login(attacker, "right-password").content.decode()


# Error pages ---------------------------------------------------------------------------------


def test_the_404_page_is_the_sites_own_in_the_readers_language(client, seed):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no public page at this address" in html and "Traceback" not in html
    assert "Tapılmadı" in client.get("/az/no/such/page/").content.decode()
    draft = make_document(status=Status.DRAFT, title="Secret draft title")
    hidden = client.get(draft.get_absolute_url()).content.decode()
    assert "Secret draft title" not in hidden


def test_the_500_page_leaks_nothing(settings):
    settings.ROOT_URLCONF = "tests.portal.error_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/fail/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "secret internals" not in html and "RuntimeError" not in html and "Traceback" not in html


# Conditional GET -----------------------------------------------------------------------------


def test_a_document_answers_304_until_something_it_shows_changes(client, seed):
    first = client.get(seed.get_absolute_url())
    etag, last_modified = first["ETag"], first["Last-Modified"]
    again = client.get(seed.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    since = client.get(seed.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=last_modified)
    assert since.status_code == 304
    seed.issuer.name = "Renamed issuer"  # the page shows the issuer's name
    seed.issuer.save()
    changed = client.get(seed.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "Renamed issuer" in changed.content.decode()


def test_feeds_and_the_calendar_change_version_when_a_scheduled_item_comes_out(client, seed):
    later = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel("2026-11-25 12:00Z", tick=False):
        make_document(title="Scheduled release", published_at=later)
        feed = client.get("/feeds/documents/")
        calendar = client.get("/calendar.ics")
        assert client.get("/feeds/documents/", HTTP_IF_NONE_MATCH=feed["ETag"]).status_code == 304
        assert client.get("/calendar.ics", HTTP_IF_NONE_MATCH=calendar["ETag"]).status_code == 304
    with time_machine.travel(later, tick=False):
        fresh = client.get("/feeds/documents/", HTTP_IF_NONE_MATCH=feed["ETag"])
        assert fresh.status_code == 200 and "Scheduled release" in fresh.content.decode()
        assert fresh["Last-Modified"] == "Tue, 01 Dec 2026 09:00:00 GMT"  # the publish time


def test_previews_carry_no_validator(editor_client):
    draft = make_document(status=Status.DRAFT)
    response = editor_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert not response.has_header("ETag") and "no-store" in response["Cache-Control"]


def test_a_304_costs_one_query(client, seed, django_assert_num_queries):
    etag = client.get(seed.get_absolute_url())["ETag"]
    with django_assert_num_queries(1):
        assert client.get(seed.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert Document.objects.get().title == SEED_TITLE


# The shared cache ----------------------------------------------------------------------------


def test_redis_url_selects_redis_as_the_cache():
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/15"}
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


def test_two_workers_share_counts_through_redis():
    """What REDIS_URL buys: two processes' caches are one, so limits count across them."""
    from django.core.cache.backends.redis import RedisCache

    location = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    worker_a = RedisCache(location, {"KEY_PREFIX": "portal-test"})
    worker_b = RedisCache(location, {"KEY_PREFIX": "portal-test"})
    try:
        worker_a.set("tributes:203.0.113.7", 3, 60)
    except Exception as error:  # noqa: BLE001 - any connection failure means the same here
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {location} is needed in CI: {error}")
        pytest.skip(f"No Redis at {location}: {error}")
    assert worker_b.get("tributes:203.0.113.7") == 3
    worker_b.delete("tributes:203.0.113.7")


# Static files --------------------------------------------------------------------------------

STATIC_PROBE = """
import json, django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)
url = static("css/site.css")
response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
print(json.dumps({"url": url, "status": response.status_code,
                  "cache": response["Cache-Control"],
                  "encoding": response.get("Content-Encoding", "")}))
"""


def test_static_files_are_compressed_and_cached_for_ever(tmp_path):
    """Production settings: whitenoise serves hashed names, gzipped, with far-future caching."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": "static-probe-" + "x" * 50,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "PORTAL_VAR_DIR": str(tmp_path),
    }
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-c", STATIC_PROBE],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", served["url"])
    assert served["status"] == 200 and served["encoding"] == "gzip"
    assert "immutable" in served["cache"] and "max-age=315360000" in served["cache"]
