import pytest

from portal.publishing import Status
from tests.conftest import SEED_TITLE, make_document, make_event, make_organization

pytestmark = pytest.mark.django_db


def test_document_list_and_detail(client, seed):
    seed.tags.add("Black January")
    make_document(status=Status.DRAFT, title="Draft")
    data = client.get("/api/documents/").json()
    assert data["count"] == 1 and data["next"] is None
    (item,) = data["results"]
    assert item["title"] == SEED_TITLE
    assert item["issued_on"] == "2008-01-21"
    assert item["issuer"]["slug"] == "azerbaijan-mission-to-the-un"
    assert item["tags"] == ["Black January"]
    assert item["checksum_sha256"] == seed.checksum
    assert "body" not in item
    detail = client.get(item["url"].removeprefix("http://testserver")).json()
    assert detail["body"] == seed.body


def test_document_filters_match_the_archive_page(client, seed):
    ministry = make_organization(slug="ministry")
    make_document(
        title="Letter", kind="letter", language="ru", issuer=ministry, issued_on="2012-01-20"
    )

    def titles(**params):
        return [r["title"] for r in client.get("/api/documents/", params).json()["results"]]

    assert titles(year=2012) == ["Letter"]
    assert titles(issuer="ministry") == ["Letter"]
    assert titles(kind="press-release") == [SEED_TITLE]
    assert titles(language="ru") == ["Letter"]
    assert titles(year=1999) == []
    refused = client.get("/api/documents/", {"year": "nonsense"})
    assert refused.status_code == 400 and refused.json()["parameter"] == "year"


def test_pagination(client, db):
    issuer = make_organization()
    for day in range(1, 26):
        make_document(issuer=issuer, issued_on=f"2010-03-{day:02d}")
    first = client.get("/api/documents/", {"page_size": 10}).json()
    assert (first["count"], first["pages"], len(first["results"])) == (25, 3, 10)
    assert first["next"] == "http://testserver/api/documents/?page_size=10&page=2"
    last = client.get("/api/documents/", {"page_size": 10, "page": 3}).json()
    assert len(last["results"]) == 5 and last["next"] is None
    assert client.get("/api/documents/", {"page": 99}).status_code == 404
    assert len(client.get("/api/documents/", {"page_size": 5000}).json()["results"]) == 25


def test_drafts_are_not_in_the_api(client, db):
    draft = make_document(status=Status.DRAFT)
    assert client.get(f"/api/documents/{draft.issued_on.year}/{draft.slug}/").status_code == 404
    event = make_event(status=Status.DRAFT, slug="draft-event")
    assert client.get("/api/events/draft-event/").status_code == 404
    assert client.get("/api/events/").json()["count"] == 0
    assert event.pk


def test_event_detail_with_attributed_figures(client, seed):
    data = client.get("/api/events/black-january/").json()
    assert data["name"] == "Black January"
    assert data["start_date"] == "1990-01-20" and data["date_precision"] == "day"
    assert data["places"][0]["variants"] == ["Baky", "Bakı", "Баку"]
    killed = next(f for f in data["figures"] if f["measure"] == "killed")
    assert (killed["qualifier"], killed["value"], killed["wording"]) == (
        "more-than",
        130,
        "more than 130 civilians were killed",
    )
    assert killed["source"].endswith(
        "/api/documents/2008/the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky/"
    )
    assert data["commemorations"][0]["date_precision"] == "month"
    assert client.get("/api/events/").json()["results"][0]["slug"] == "black-january"


@pytest.mark.parametrize("url", ["/api/documents/", "/api/events/"])
def test_list_queries_do_not_grow(client, seed, django_assert_max_num_queries, url):
    for _ in range(3):
        make_document(tags=["a", "b"])
        make_event()
    with django_assert_max_num_queries(15) as small:
        client.get(url)
    for _ in range(30):
        make_document(tags=["a", "b"])
        make_event()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_api_errors_are_json_and_read_only(client, seed):
    missing = client.get("/api/documents/2008/no-such-document/")
    assert missing.status_code == 404 and "error" in missing.json()
    beyond = client.get("/api/documents/", {"page": 99})
    assert beyond.status_code == 404 and "No such page" in beyond.json()["error"]
    assert client.get("/api/events/", {"page": "x"}).status_code == 400
    for method in ["post", "put", "delete", "patch"]:
        response = getattr(client, method)("/api/documents/")
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD, OPTIONS" and "error" in response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/documents/",
        "/api/events/black-january/",
        "/feeds/documents/",
        "/calendar.ics",
        "/oai?verb=Identify",
    ],
)
def test_public_read_only_endpoints_are_open_to_every_origin(client, seed, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
