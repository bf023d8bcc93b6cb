"""Two servers, one site (issue 17, item 5): two gunicorn instances on different ports over one
PostgreSQL database, one Redis and one S3 bucket, as a deployment behind a load balancer runs
them. What one server does, the other shows at once: a publish, a session, the rate limits'
counts, an uploaded file.

Whatever the suite runs on, the site here runs on the local PostgreSQL (a throwaway database,
migrated and seeded as an installation is, dropped afterwards), the local Redis (a database of
these tests' own, emptied before and after) and moto's S3 on loopback; every check goes through
real HTTP.
"""

import html
import re
from dataclasses import dataclass

import pytest
import redis
import requests

from tests.archive.test_iiif import CC_BY, png
from tests.conftest import SEED_TITLE
from tests.portal.test_s3_storage import media_urls
from tests.servers import (
    PUBLISHER,
    S3_KEYS,
    Bucket,
    Gunicorn,
    change_page,
    form_fields,
    heading,
    logged_in,
    new_bucket,
    prepare_database,
    server_environment,
    throwaway_postgres,
)

# Not 14, the job queue tests' broker.
REDIS = "redis://127.0.0.1:6379/13"
EVENT_PAGE = "/events/black-january/"
ATTACHMENTS = "archive-attachment-content_type-object_id"


@dataclass
class Site:
    a: Gunicorn
    b: Gunicorn
    bucket: Bucket
    redis: redis.Redis


@pytest.fixture(scope="module")
def site(tmp_path_factory, s3_server):
    """The two servers, up; torn down, with their database, bucket contents and Redis keys,
    after this module's tests."""
    var_dir = tmp_path_factory.mktemp("two-servers")
    bucket = new_bucket(s3_server)
    shared_cache = redis.Redis.from_url(REDIS)
    shared_cache.flushdb()
    with throwaway_postgres() as database_url:
        environment = server_environment(
            var_dir,
            database_url,
            REDIS_URL=REDIS,
            S3_BUCKET=bucket.name,
            S3_ENDPOINT_URL=bucket.endpoint,
            AWS_ACCESS_KEY_ID=S3_KEYS["access_key"],
            AWS_SECRET_ACCESS_KEY=S3_KEYS["secret_key"],
            # Plain HTTP on loopback: the cookies must travel without TLS.
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
        )
        prepare_database(environment)
        servers = [Gunicorn(var_dir, environment) for _ in range(2)]
        try:
            for server in servers:
                server.wait_until_up()
            yield Site(*servers, bucket=bucket, redis=shared_cache)
        finally:
            for server in servers:
                server.stop()
            shared_cache.flushdb()


def test_a_change_saved_on_one_server_is_on_the_others_public_page_at_once(site):
    visitor = requests.Session()
    visitor.get(site.b.url + EVENT_PAGE)  # a first visit, which gives the visitor a cookie
    before = visitor.get(site.b.url + EVENT_PAGE)
    assert before.status_code == 200 and heading(before.text) == "Black January"
    # Asked again, B answers from the cache: the one both servers share, in Redis.
    assert visitor.get(site.b.url + EVENT_PAGE).headers["ETag"] == before.headers["ETag"]
    assert site.redis.keys("*page-deps:*") and site.redis.keys("*page:*")

    publisher = logged_in(site.a)
    address = site.a.url + change_page(publisher, site.a, "memorials/event")
    fields = form_fields(publisher.get(address).text)
    renamed = [(name, "Black January 1990" if name == "name" else value) for name, value in fields]
    assert publisher.post(address, data=renamed, allow_redirects=False).status_code == 302

    after = visitor.get(site.b.url + EVENT_PAGE)
    assert after.status_code == 200 and heading(after.text) == "Black January 1990"
    assert after.headers["ETag"] != before.headers["ETag"]
    assert heading(visitor.get(site.a.url + EVENT_PAGE).text) == "Black January 1990"


def test_a_session_begun_on_one_server_is_the_same_session_on_the_other(site):
    publisher = logged_in(site.a)
    on_b = publisher.get(f"{site.b.url}/admin/", allow_redirects=False)
    assert on_b.status_code == 200 and "<strong>publisher</strong>" in on_b.text
    assert requests.get(f"{site.b.url}/admin/", allow_redirects=False).status_code == 302

    # Logged out on B, the session has ended on A too.
    token = publisher.cookies["csrftoken"]
    logout = publisher.post(f"{site.b.url}/admin/logout/", data={"csrfmiddlewaretoken": token})
    assert logout.status_code == 200
    assert publisher.get(f"{site.a.url}/admin/", allow_redirects=False).status_code == 302


def test_the_rate_limits_count_the_requests_to_both_servers(site):
    token = "b" * 32  # a CSRF secret of the visitor's own: cookie and form agree
    cookie, body = f"csrftoken={token}", f"kind=candle&csrfmiddlewaretoken={token}"
    path = "/events/black-january/tributes/"
    statuses = []
    for server in [site.a, site.b] * 3:  # one visitor, three tributes to each server
        sock = server.connect(source="127.0.0.3")
        statuses.append(server.send(sock, "POST", path, body, cookie)[0])
    assert statuses == [302] * 5 + [429]

    # Five failed logins, alternately on each: the right password is refused next, on either.
    login = f"csrfmiddlewaretoken={token}&username={PUBLISHER[0]}&password="
    for server in [site.a, site.b] * 2 + [site.a]:
        sock = server.connect(source="127.0.0.4")
        assert server.send(sock, "POST", "/admin/login/", login + "wrong", cookie)[0] == 200
    for server in [site.b, site.a]:
        sock = server.connect(source="127.0.0.4")
        status, head = server.send(sock, "POST", "/admin/login/", login + PUBLISHER[1], cookie)
        assert status != 302 and "sessionid" not in head
    # Another visitor is not locked out.
    sock = site.b.connect(source="127.0.0.5")
    status, head = site.b.send(sock, "POST", "/admin/login/", login + PUBLISHER[1], cookie)
    assert status == 302 and "sessionid=" in head


def test_a_file_uploaded_through_one_server_is_served_by_the_other(site):
    visitor = requests.Session()
    listing = visitor.get(f"{site.b.url}/archive/").text
    (document_page,) = set(re.findall(r'href="(/archive/\d{4}/[a-z0-9-]+/)"', listing))
    before = visitor.get(site.b.url + document_page)
    assert before.status_code == 200 and SEED_TITLE in html.unescape(before.text)
    assert not media_urls(before.text)

    publisher = logged_in(site.a)
    address = site.a.url + change_page(publisher, site.a, "archive/document")
    fields = [
        (name, value)
        for name, value in form_fields(publisher.get(address).text)
        if name != f"{ATTACHMENTS}-TOTAL_FORMS"
    ]
    attachment = {
        "TOTAL_FORMS": "1",
        "0-alt_text": "The release as printed",
        "0-caption": "",
        "0-credit": "Archive of the Mission",
        "0-rights": CC_BY,
        "0-role": "gallery",
        "0-position": "0",
    }
    fields += [(f"{ATTACHMENTS}-{key}", value) for key, value in attachment.items()]
    original = png(900, 600)
    saved = publisher.post(
        address,
        data=fields,
        files={f"{ATTACHMENTS}-0-file": ("release.png", original, "image/png")},
        allow_redirects=False,
    )
    assert saved.status_code == 302, saved.text[-2000:]

    after = visitor.get(site.b.url + document_page)
    images = media_urls(after.text)
    assert images, "the page shows the new image"
    for url in images:
        served = visitor.get(site.b.url + url)
        assert served.status_code == 200, url
        assert served.content == site.bucket.read(url.removeprefix("/media/")), url
    # The original, byte for byte, from the bucket through B.
    originals = [key for key in site.bucket.keys() if key.endswith(".png")]
    assert [site.bucket.read(key) for key in originals] == [original]
    assert visitor.get(f"{site.b.url}/media/{originals[0]}").content == original
