"""Test settings: the production settings module, with what a test run needs and nothing else.

DEBUG stays off, so the tests exercise production mode; the key below exists only here.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-key-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from portal.settings import *  # noqa: E402,F403

# A fast hasher: the tests log users in many times, and strength is not what is tested.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests do not collect static files; the manifest storage would demand it.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Whitenoise expects collected static files; the tests serve none but should not warn about it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Uploaded files go to a temporary folder, never into var/media; each test that uploads gets
# its own (the `media_root` fixture).
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")

# SQLite: the test database is a file, as in production (WAL, IMMEDIATE transactions, a busy
# timeout), not the shared in-memory database, which answers "table is locked" at once instead
# of waiting: tests of truly concurrent requests need the real locking.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.mkdtemp(prefix="portal-test-db-"), "test.sqlite3")
    }
