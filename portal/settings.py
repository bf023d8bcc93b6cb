"""Settings for the commemoration portal, read from the environment.

Local use needs nothing: ``DEBUG=1`` (set by ``make run``) gives a SQLite file under ``var/``
and a development key. With ``DEBUG`` off (the default) the site is in production mode and
refuses to start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

import ipaddress
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated IPv4/IPv6 addresses or CIDR networks (``127.0.0.1, 10.0.0.0/8, ::1``);
    a single address is a network of one."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated IP addresses or networks (CIDR, e.g. "
                f"10.0.0.0/8), not {item!r}: {error}"
            ) from None
    return tuple(networks)


DEBUG = env_bool("DEBUG", default=False)

# A key that is only ever used with DEBUG on; production mode refuses it below, and any key
# shorter than Django's own deployment check asks for.
_DEVELOPMENT_KEY = "django-insecure-local-development-only-never-in-production"
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY = env_str("SECRET_KEY") or (_DEVELOPMENT_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

if not DEBUG:
    if SECRET_KEY == _DEVELOPMENT_KEY or len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"Production mode (DEBUG off) needs SECRET_KEY: a random string of "
            f"{SECRET_KEY_MIN_LENGTH} characters or more. For local use, run with DEBUG=1 "
            "(make run does)."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Production mode (DEBUG off) needs ALLOWED_HOSTS, a comma-separated list of the "
            "host names the site answers to."
        )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The reverse proxies in front of the site (portal/clients.py): only when the direct peer
# (REMOTE_ADDR) is one of them is the visitor's address read from X-Forwarded-For. Empty, the
# default, means no proxy is trusted and X-Forwarded-For is ignored.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "simple_history",
    "csp",
    "portal",
    "archive",
    "memorials",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL byte in the address or query, or a query that is not UTF-8: 400 before anything
    # reads them (portal/hostile.py).
    "portal.hostile.HostileRequestMiddleware",
    # Public pages from the cache, before the rest (portal/freshness.py): a page is kept with
    # the headers the middleware below gave it, its Content Security Policy included.
    "portal.freshness.PageCacheMiddleware",
    # An address that would be 404 but is an old address of a public item: 301 to its address
    # now (portal/addresses.py). Only 404s are looked up.
    "portal.addresses.OldAddressMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The admin, which has no language in its address, in the editor's chosen language
    # (portal/admin_language.py).
    "portal.admin_language.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the revision history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "front.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: a SQLite file by default; DATABASE_URL (postgres://…) for production.
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))
if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # where the default SQLite file lives


def database(url: str) -> dict:
    """The settings of the database at ``url``."""
    settings = dj_database_url.parse(
        url,
        # Connections kept between requests: opening one cost more than answering a cached
        # page (and SQLite checkpoints its log when the last connection closes). Not with the
        # development server, which runs each request in a thread of its own.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
    if settings["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
        # start of a transaction, so concurrent writers wait (up to the timeout) instead of
        # failing with "database is locked" half-way through.
        settings["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return settings


DATABASES = {
    "default": database(env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")
}

# A read replica (portal/database.py): a copy the primary streams its changes to. With it,
# visitors' pages are read from the replica; the admin, every form sent, jobs and commands read
# and write the primary. Tests of the whole site use the primary for both (MIRROR).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**database(DATABASE_REPLICA_URL), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["portal.database.ReplicaRouter"]
    # Before the page cache, which reads the versions of pages where it reads their content.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("portal.freshness.PageCacheMiddleware"),
        "portal.database.ReplicaReadsMiddleware",
    )
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must name a copy of the DATABASE_URL database, on the same "
            f"kind of server; not {DATABASES['replica']['ENGINE']} beside "
            f"{DATABASES['default']['ENGINE']}"
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface in English (at the root), Azerbaijani (/az/…) and Russian (/ru/…). Compiled
# translations are checked in under locale/, so running the site needs no gettext.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("az", "Azərbaycanca"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates as the archive writes them: 21 January 2008.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Browser libraries installed from npm (package.json, `make install`), served by the site
    # itself under /static/vendor/: no page loads a script from another host.
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    (
        "vendor/openseadragon",
        BASE_DIR / "node_modules" / "openseadragon" / "build" / "openseadragon",
    ),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Attachments (archive/media.py): the largest file, and the most pixels an image may have.
MEDIA_MAX_UPLOAD_BYTES = env_int("MEDIA_MAX_UPLOAD_BYTES", 25 * 1024 * 1024)
MEDIA_MAX_IMAGE_PIXELS = env_int("MEDIA_MAX_IMAGE_PIXELS", 50_000_000)
# The pixels of all images one admin save may process (display sizes take time in proportion):
# about ten seconds of work here, well within a worker's 30 s timeout.
MEDIA_MAX_PIXELS_PER_SAVE = env_int("MEDIA_MAX_PIXELS_PER_SAVE", 150_000_000)

# Media on object storage (portal/storage.py): with S3_BUCKET, every uploaded file, display size,
# IIIF tile and testimony photo is an object in that bucket of an S3-compatible service (AWS,
# MinIO, Ceph…), kept private and read only through the site's /media/ view, which decides as
# for local files; without it, the folder MEDIA_ROOT. S3_ENDPOINT_URL is empty for AWS itself.
S3_BUCKET = env_str("S3_BUCKET").strip()
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL").strip()
S3_REGION = env_str("S3_REGION").strip() or "us-east-1"
S3_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")  # the S3 naming rules


def s3_endpoint(url: str) -> str | None:
    """``S3_ENDPOINT_URL`` checked: the http(s) address of the storage service, or None (AWS)."""
    if not url:
        return None
    parts = urlsplit(url)
    try:
        well_formed = parts.port is None or parts.port > 0
    except ValueError:  # a port that is no number
        well_formed = False
    if (
        not well_formed
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or "@" in parts.netloc  # keys belong in their own variables, never in an address
        or parts.query
        or parts.fragment
    ):
        raise ImproperlyConfigured(
            "S3_ENDPOINT_URL must be the http(s) address of the object storage service, e.g. "
            "https://s3.example.net or http://127.0.0.1:9000, with no user, password, query or "
            f"fragment; not {url!r}"
        )
    return url


def media_storage(bucket: str, endpoint_url: str, region: str, access_key: str, secret_key: str):
    """Django's default storage: the local folder, or with a bucket the private bucket."""
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if not S3_BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
        raise ImproperlyConfigured(
            "S3_BUCKET must be a bucket name: 3 to 63 lowercase letters, digits, dots and "
            f"hyphens, starting and ending with a letter or digit; not {bucket!r}"
        )
    access_key, secret_key = access_key.strip(), secret_key.strip()
    if not (access_key and secret_key):
        raise ImproperlyConfigured(
            "S3_BUCKET needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: the keys of an account "
            "that may read, write and delete objects in the bucket."
        )
    return {
        "BACKEND": "portal.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": s3_endpoint(endpoint_url),
            "region_name": region,
            "access_key": access_key,
            "secret_key": secret_key,
        },
    }


STORAGES = {
    "default": media_storage(
        S3_BUCKET,
        S3_ENDPOINT_URL,
        S3_REGION,
        env_str("AWS_ACCESS_KEY_ID"),
        env_str("AWS_SECRET_ACCESS_KEY"),
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security headers and cookies. HTTPS-only settings default on in production and can be
# switched off (SECURE_SSL_REDIRECT=0) behind a proxy that already redirects.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
# Preload is a commitment to HTTPS for every subdomain; set SECURE_HSTS_PRELOAD=0 to opt out.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env_bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Maps (memorials/geo.py, static/js/map.js): the tile server's address, with Leaflet's
# placeholders ({s} a subdomain, {z}/{x}/{y} the tile, {r} "@2x" on screens of two or more
# pixels a point, for servers that offer such sharper tiles), and its attribution as the tile
# provider gives it (HTML, the operator's own: shown in the map's corner). Empty MAP_TILE_URL:
# no maps.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


def tile_source(url: str) -> list[str]:
    """The Content Security Policy source that lets pages load ``url``'s tiles: its scheme and
    host ("https://tile.openstreetmap.org"; a {s} subdomain becomes *), nothing for no maps."""
    if not url:
        return []
    parts = urlsplit(url.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc or "{" in parts.netloc:
        raise ImproperlyConfigured(
            f"MAP_TILE_URL must be an http(s) address with a fixed host, not {url!r}"
        )
    host = parts.netloc.rpartition("@")[2]  # a source names no user or password
    return [f"{parts.scheme}://{host}"]


# Content Security Policy (django-csp): scripts only from this site, never inline; no plugins,
# no framing. JSON-LD blocks are data, not scripts, and need no exception. Styles allow inline
# attributes, which the admin's own templates use. Images also come from the map's tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *tile_source(MAP_TILE_URL)],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The caches. "default" holds pages (portal/freshness.py); "limits" holds the counters of the
# tribute rate limit and login throttling, which must be shared by every worker or each worker
# would allow the limit again. With REDIS_URL, Redis holds both (shared by every worker and
# instance). Without it, pages stay in fast per-process memory and the counters go to a table
# in the database (created by `manage.py createcachetable`), which every worker shares. "kept"
# holds what takes long to make and outlives a restart (calendar.ics's written entries): Redis,
# or another table in the database.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    _redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal"),
    }
    CACHES = {"default": _redis, "limits": dict(_redis), "kept": dict(_redis)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
        },
        "limits": {
            # Django's database cache, with an increment that is atomic across processes.
            "BACKEND": "portal.limits.DatabaseLimitsCache",
            "LOCATION": "portal_limits_cache",
            # Expired counters are culled first; live ones only past this many.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        "kept": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_kept_cache",
        },
    }

# How long a rendered public page stays in the cache (portal/freshness.py). Entries are keyed by
# the content's version, so this bounds memory, not staleness; 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)

# A search ranks and counts (facets) at most this many matches, the newest; past it the page says
# "about N results", estimated (portal/search/engines.py), so a word found in every document
# costs what a word found in this many does.
SEARCH_RANKED_MATCHES = env_int("SEARCH_RANKED_MATCHES", 1000)

# A CDN in front (portal/freshness.py): how long it may keep an anonymous public page
# (CDN-Cache-Control and Surrogate-Control; browsers still ask each time), and serve it while it
# fetches it anew. 0 (the default): no CDN headers. Pages name their tags (Surrogate-Key,
# Cache-Tag); with CDN_PURGE_URL set, every change POSTs {"tags": [...]} there once committed,
# with CDN_PURGE_TOKEN as a bearer token if set.
PAGE_CDN_SECONDS = env_int("PAGE_CDN_SECONDS", 0)
PAGE_CDN_STALE_SECONDS = env_int("PAGE_CDN_STALE_SECONDS", 60)
CDN_PURGE_URL = env_str("CDN_PURGE_URL")
CDN_PURGE_TOKEN = env_str("CDN_PURGE_TOKEN")
if CDN_PURGE_URL and urlsplit(CDN_PURGE_URL).scheme not in ("http", "https"):
    raise ImproperlyConfigured(f"CDN_PURGE_URL must be an http(s) address, not {CDN_PURGE_URL!r}")

# Admin login throttling (portal/throttling.py): failed attempts per (client address, account
# name), and per client address, lock that address out until the window has passed.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)

TAGGIT_CASE_INSENSITIVE = True

# OAI-PMH: the contact harvesters see in Identify, and how many records a page holds.
OAI_ADMIN_EMAIL = env_str("OAI_ADMIN_EMAIL", "")  # empty: webmaster@ the site's host (front/oai.py)
OAI_PAGE_SIZE = env_int("OAI_PAGE_SIZE", 100)

# Where the importer looks for issuers it does not know yet (see archive/importer.py).
PORTAL_ISSUER_AUTHORITY = BASE_DIR / "fixtures" / "organizations.json"

# Slow work as jobs (portal/jobs.py, portal/celery.py): images' display sizes, scans' IIIF
# pages, re-indexing what a change cascades to, the admin's large imports and link checks. With
# CELERY_BROKER_URL (redis://127.0.0.1:6379/0, or amqp://… for RabbitMQ) they are queued and a
# worker runs them (`make worker`); without it (local mode, the tests) they run inline, in the
# request that asks for them, so `make run` needs nothing else. Each job is a portal.Job row the
# admin shows (Portal › Jobs); Celery's own results are not needed, so the backend is optional.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL").strip()
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND").strip() or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False  # a failed job is recorded on its Job, not raised at a save
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
# A job is acknowledged once done: a worker that dies mid-job leaves it to another one. Jobs
# are idempotent (content-addressed files), so running one twice makes nothing twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A job that fails for a passing reason (the database or the network away a moment) is tried
# again, this many times at most, after JOB_RETRY_SECONDS, doubled each time.
JOB_MAX_RETRIES = env_int("JOB_MAX_RETRIES", 3)
JOB_RETRY_SECONDS = env_int("JOB_RETRY_SECONDS", 30)
# Checking a document's source link (archive/tasks.py): how long to wait for its server.
LINK_CHECK_TIMEOUT_SECONDS = env_int("LINK_CHECK_TIMEOUT_SECONDS", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
