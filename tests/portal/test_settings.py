"""Production mode refuses to start half-configured; local mode needs nothing."""

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

GOOD_KEY = "a-real-secret-key-for-this-test-only-0123456789abcdefghijklmnop"


def clean_environment(**env):
    """This process's environment without the settings the test suite itself sets."""
    ours = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT"}
    ours |= {"DATABASE_CONN_MAX_AGE"}  # not set by the suite, but a developer's would interfere
    clean = {key: value for key, value in os.environ.items() if key not in ours}
    return {**clean, **env}


def start(expression: str = "settings.DEBUG, settings.ALLOWED_HOSTS", **env):
    """Import the settings in a fresh interpreter with exactly this environment, and print
    ``expression``."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; from django.conf import settings; django.setup(); print({expression})",
        ],
        cwd=REPO,
        env=clean_environment(DJANGO_SETTINGS_MODULE="portal.settings", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = start(ALLOWED_HOSTS="portal.example")
    assert result.returncode != 0
    assert "needs SECRET_KEY" in result.stderr


def test_production_refuses_the_development_key():
    result = start(
        SECRET_KEY="django-insecure-local-development-only-never-in-production",
        ALLOWED_HOSTS="portal.example",
    )
    assert result.returncode != 0
    assert "needs SECRET_KEY" in result.stderr


def test_production_refuses_a_key_shorter_than_the_50_characters_it_asks_for():
    result = start(SECRET_KEY="k" * 49, ALLOWED_HOSTS="portal.example")
    assert result.returncode != 0
    assert "needs SECRET_KEY: a random string of 50 characters or more" in result.stderr
    assert start(SECRET_KEY="k" * 50, ALLOWED_HOSTS="portal.example").returncode == 0


def test_production_refuses_to_start_without_allowed_hosts():
    result = start(SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "needs ALLOWED_HOSTS" in result.stderr


def test_production_starts_when_configured():
    result = start(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="portal.example, www.portal.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['portal.example', 'www.portal.example']"


def test_local_mode_needs_nothing():
    result = start(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True ['localhost', '127.0.0.1', '[::1]']"


def test_a_misspelt_boolean_is_an_error_not_a_guess():
    result = start(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def setting(expression: str, **env) -> str:
    """What ``expression`` on the settings is, under ``env``."""
    result = start(expression, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    "url, engine",
    [
        ("postgres://postgres@127.0.0.1:5432/portal", "django.db.backends.postgresql"),
        ("", "django.db.backends.sqlite3"),
    ],
)
def test_database_url_chooses_the_engine(url, engine):
    assert setting("settings.DATABASES['default']['ENGINE']", DEBUG="1", DATABASE_URL=url) == engine


def test_production_keeps_database_connections_the_development_server_does_not():
    conn_max_age = "settings.DATABASES['default']['CONN_MAX_AGE']"
    assert setting(conn_max_age, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="portal.example") == "60"
    assert setting(conn_max_age, DEBUG="1") == "0"
    assert setting(conn_max_age, DEBUG="1", DATABASE_CONN_MAX_AGE="30") == "30"


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=clean_environment(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="portal.example"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_server_keeps_what_it_loaded_out_of_the_garbage_collectors_passes(tmp_path):
    """A full pass of the collector walks every object it tracks: with the modules, models
    and URL patterns among them, it pauses a request; the WSGI application freezes them."""
    result = subprocess.run(
        [sys.executable, "-c", "import gc, portal.wsgi; print(gc.get_freeze_count())"],
        cwd=REPO,
        env=clean_environment(DEBUG="1", PORTAL_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # Django and every app, loaded: tens of thousands of objects (none without the freeze).
    assert int(result.stdout) > 50_000
