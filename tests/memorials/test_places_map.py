"""Places on a map: /api/places.geojson read with a GeoJSON library, the maps on the places', a
place's and an event's pages, the tile server in the Content Security Policy, the admin's
coordinates, and the seed's positions."""

import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import extruct
import geojson
import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError

from memorials.models import Event, Place
from portal.publishing import Status
from portal.settings import tile_source
from tests.conftest import make_commemoration, make_event, make_person, make_place

pytestmark = pytest.mark.django_db

GEOJSON = "/api/places.geojson"


def read_geojson(client, path=GEOJSON):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = geojson.loads(response.content.decode())
    assert collection.is_valid, collection.errors()
    assert isinstance(collection, geojson.FeatureCollection)
    return {feature["id"]: feature for feature in collection["features"]}


def page_map(html: str) -> dict | None:
    """The places the page's map would draw (its JSON data element), or None without a map."""
    found = re.search(r'<script id="map-places" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1)) if found else None


@pytest.fixture
def drafts_at_baku(seed):
    """What editors have in progress: nothing of it may reach the map."""
    baku = Place.objects.get(slug="baku")
    secret = make_place(name="Secret Village", slug="secret-village", latitude=41, longitude=48)
    draft = make_event(name="Draft Event", status=Status.DRAFT, places=[baku, secret])
    make_person(name="Draft Person", place=baku, status=Status.DRAFT)
    make_commemoration(
        event=Event.objects.get(slug="black-january"), place=baku, status=Status.DRAFT
    )
    return draft


def test_the_endpoint_is_valid_geojson_of_public_places_with_what_happened_there(
    client, seed, drafts_at_baku, django_assert_max_num_queries
):
    baku = Place.objects.get(slug="baku")
    make_person(name="Ali Mammadov", event=Event.objects.get(slug="black-january"), place=baku)
    with django_assert_max_num_queries(8):
        features = read_geojson(client)

    assert (
        set(features)
        == {place.slug for place in Place.objects.public()}
        == {"azerbaijan", "baku", "new-york"}
    )
    baku = features["baku"]
    # RFC 7946: longitude first.
    assert baku["geometry"] == {"type": "Point", "coordinates": [49.8671, 40.4093]}
    properties = baku["properties"]
    assert properties["name"] == "Baku"
    assert properties["url"] == "http://testserver/places/baku/"
    assert properties["geonames"] == "https://sws.geonames.org/587084/"
    assert properties["events"] == [
        {
            "name": "Black January",
            "name_language": "en",
            "url": "http://testserver/events/black-january/",
        }
    ]
    assert (properties["people"], properties["commemorations"]) == (1, 0)  # no draft counted

    new_york = features["new-york"]
    assert new_york["geometry"]["coordinates"] == [-74.006, 40.7128]
    assert new_york["properties"]["commemorations"] == 1
    assert new_york["properties"]["geonames"] == "https://sws.geonames.org/5128581/"
    # A public place whose position is not recorded: an unlocated feature (RFC 7946, 3.2).
    assert features["azerbaijan"]["geometry"] is None
    assert features["azerbaijan"]["properties"]["geonames"] is None
    assert "Draft Event" not in json.dumps(list(features.values()))
    assert "secret-village" not in features


def test_the_endpoint_names_places_in_the_readers_language(client, seed):
    features = read_geojson(client, f"{GEOJSON}?lang=ru")
    assert features["baku"]["properties"]["name"] == "Баку"
    assert features["baku"]["properties"]["name_language"] == "ru"
    assert features["baku"]["properties"]["url"] == "http://testserver/ru/places/baku/"
    # No Russian name recorded: the original, which says its language.
    assert features["new-york"]["properties"]["name"] == "New York"
    assert features["new-york"]["properties"]["name_language"] == "en"

    refused = client.get(f"{GEOJSON}?lang=xx")
    assert refused.status_code == 400
    assert refused.json() == {"error": "lang is one of en, az, ru.", "parameter": "lang"}


def test_the_endpoint_reads_only(client, seed):
    refused = client.post(GEOJSON)
    assert refused.status_code == 405
    assert client.get(GEOJSON)["Access-Control-Allow-Origin"] == "*"


def test_the_places_page_maps_the_located_public_places_and_keeps_its_list(
    client, seed, drafts_at_baku, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client.get("/places/")
    html = response.content.decode()
    drawn = page_map(html)
    assert {feature["id"] for feature in drawn["features"]} == {"baku", "new-york"}
    assert drawn["features"][0]["properties"]["url"] == "/places/baku/"
    assert 'role="region" aria-label="Map of the places"' in html
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert "OpenStreetMap</a> contributors" in html.replace("&lt;/a&gt;", "</a>")
    # The map is drawn by the site's own scripts; the list stays for readers without them.
    # First on the page, it loads Leaflet with the page and connects to the tile server early.
    assert '<script src="/static/vendor/leaflet/leaflet.js" defer></script>' in html
    assert '<script src="/static/js/map.js" defer></script>' in html
    assert '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">' in html
    assert '<link rel="preconnect" href="https://tile.openstreetmap.org">' in html
    assert not re.search(r"<script(?![^>]*(src=|application/(ld\+)?json))", html)
    for name in ["Azerbaijan", "Baku", "New York"]:
        assert f">{name}</a>" in html
    assert "Secret Village" not in html


def test_the_map_escapes_names_and_is_absent_without_positions(client, seed):
    hostile = make_place(name="</script><b>Oops</b>", slug="hostile", latitude=1, longitude=2)
    make_event(places=[hostile])
    html = client.get("/places/").content.decode()
    assert "</script><b>" not in html
    assert page_map(html)["features"][0]["properties"]["name"] == "</script><b>Oops</b>"

    for place in Place.objects.exclude(latitude=None):
        place.latitude = place.longitude = None
        place.save()  # as the admin saves: public pages change
    html = client.get("/places/").content.decode()
    assert page_map(html) is None
    assert "leaflet.js" not in html and 'class="map"' not in html


def test_a_maps_tile_server_is_a_setting(client, seed, settings):
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "Example tiles"
    html = client.get("/places/baku/").content.decode()
    assert 'data-tile-url="https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="Example tiles"' in html
    # Tiles from several hosts: no one early connection serves them all.
    cache.clear()
    assert "preconnect" not in client.get("/places/").content.decode()
    settings.MAP_TILE_URL = "https://user:key@tiles.example.org/{z}/{x}/{y}{r}.png"
    cache.clear()
    assert '<link rel="preconnect" href="https://tiles.example.org">' in (
        client.get("/places/").content.decode()
    )

    settings.MAP_TILE_URL = ""  # no tile server: no maps
    cache.clear()  # a setting changes with a restart, which empties the page cache too
    assert page_map(client.get("/places/baku/").content.decode()) is None


def test_the_tile_host_is_allowed_to_images_and_nothing_else(client):
    policy = client.get("/healthz")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["img-src"] == "'self' data: https://tile.openstreetmap.org"
    assert directives["script-src"] == "'self'"
    assert "openstreetmap" not in directives["default-src"]

    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == [
        "https://*.tile.example.org"
    ]
    assert tile_source("http://127.0.0.1:8123/{z}/{x}/{y}.png") == ["http://127.0.0.1:8123"]
    assert tile_source("") == []
    with pytest.raises(ImproperlyConfigured):
        tile_source("javascript:alert(1)//{z}")


def test_a_place_page_maps_the_place_and_the_public_places_within_it(client, seed):
    baku = page_map(client.get("/places/baku/").content.decode())
    assert [feature["id"] for feature in baku["features"]] == ["baku"]

    azerbaijan = client.get("/places/azerbaijan/").content.decode()
    # The country has no position of its own; its public city has.
    assert [feature["id"] for feature in page_map(azerbaijan)["features"]] == ["baku"]
    assert 'aria-label="Map of Azerbaijan"' in azerbaijan

    html = client.get("/ru/places/baku/").content.decode()
    assert page_map(html)["features"][0]["properties"]["name"] == "Баку"
    assert page_map(html)["features"][0]["properties"]["url"] == "/ru/places/baku/"


def test_a_place_page_links_geonames_in_its_page_and_its_metadata(client, seed):
    html = client.get("/places/baku/").content.decode()
    assert '<a href="https://www.geonames.org/587084/">587084</a>' in html
    data = extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])
    place = data["json-ld"][0]
    assert place["@type"] == "Place"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 40.4093, "longitude": 49.8671}
    assert place["sameAs"] == "https://sws.geonames.org/587084/"

    azerbaijan = client.get("/places/azerbaijan/").content.decode()
    data = extruct.extract(azerbaijan, base_url="http://testserver/", syntaxes=["json-ld"])
    assert "sameAs" not in data["json-ld"][0] and "geo" not in data["json-ld"][0]


def test_an_event_page_maps_its_places(client, seed, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        html = client.get("/events/black-january/").content.decode()
    drawn = page_map(html)
    assert [feature["id"] for feature in drawn["features"]] == ["baku"]
    assert drawn["features"][0]["properties"]["events"][0]["url"] == "/events/black-january/"
    assert 'aria-label="Map of the event&#x27;s places"' in html
    # Below the event's text, the map fetches Leaflet itself when it comes near the screen:
    # the page names Leaflet's files for it, and loads neither.
    assert 'data-leaflet-script="/static/vendor/leaflet/leaflet.js"' in html
    assert 'data-leaflet-stylesheet="/static/vendor/leaflet/leaflet.css"' in html
    assert '<script src="/static/js/map.js" defer></script>' in html
    assert '<script src="/static/vendor/leaflet/leaflet.js"' not in html
    assert '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">' not in html
    assert "preconnect" not in html


# The admin: coordinates, the GeoNames identifier and a map to pick a point.


class _FormFields(HTMLParser):
    """The values a browser would post back from the admin's change form."""

    def __init__(self):
        super().__init__()
        self.values, self._textarea = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file", "checkbox"):
            self.values[name] = attrs.get("value") or ""
        elif tag == "input" and name and "checked" in attrs:
            self.values[name] = attrs.get("value") or "on"
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.values[self._textarea] = self.values[self._textarea].removeprefix("\n")
            self._textarea = None


def change_form(client, url) -> dict:
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    return parser.values


def test_the_place_admin_takes_coordinates_and_a_geonames_identifier_with_a_map(admin_client, seed):
    baku = Place.objects.get(slug="baku")
    url = f"/admin/memorials/place/{baku.pk}/change/"
    html = admin_client.get(url).content.decode()
    for field in ["latitude", "longitude", "geonames_id"]:
        assert f'name="{field}"' in html
    assert "data-map-picker" in html and 'data-position="40.409300,49.867100"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html and "/static/js/map.js" in html
    assert "The map needs JavaScript: type the latitude and longitude above." in html

    form = change_form(admin_client, url)
    assert form["latitude"] == "40.409300" and form["geonames_id"] == "587084"
    moved = admin_client.post(url, {**form, "latitude": "40.4", "longitude": "49.9"})
    assert moved.status_code == 302
    baku.refresh_from_db()
    assert (baku.latitude, baku.longitude) == (Decimal("40.4"), Decimal("49.9"))


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("91", "49.9", "A latitude is from -90 (south) to 90 (north) degrees."),
        ("-90.5", "49.9", "A latitude is from -90 (south) to 90 (north) degrees."),
        ("40.4", "180.000001", "A longitude is from -180 (west) to 180 (east) degrees."),
        ("40.4", "", "Give both the latitude and the longitude, or neither."),
        ("1000", "49.9", "Ensure that there are no more than 3 digits before the decimal point."),
        ("north", "49.9", "Enter a number."),
    ],
)
def test_the_place_admin_refuses_a_position_off_the_globe(
    admin_client, seed, latitude, longitude, message
):
    baku = Place.objects.get(slug="baku")
    url = f"/admin/memorials/place/{baku.pk}/change/"
    form = change_form(admin_client, url)
    refused = admin_client.post(url, {**form, "latitude": latitude, "longitude": longitude})
    assert refused.status_code == 200
    assert message in refused.content.decode()
    baku.refresh_from_db()
    assert (baku.latitude, baku.longitude) == (Decimal("40.4093"), Decimal("49.8671"))


def test_the_model_checks_the_range_at_the_edges():
    for latitude, longitude in [(90, 180), (-90, -180), (0, 0)]:
        Place(name="Edge", slug="edge", latitude=latitude, longitude=longitude).full_clean()
    with pytest.raises(ValidationError) as refused:
        Place(name="Off", slug="off", latitude=-91, longitude=181).full_clean()
    assert set(refused.value.message_dict) == {"latitude", "longitude"}


def test_the_seed_records_the_positions_of_its_cities(seed):
    positions = {
        place.slug: (place.latitude, place.longitude, place.geonames_id)
        for place in Place.objects.all()
    }
    assert positions == {
        "azerbaijan": (None, None, None),
        "baku": (Decimal("40.4093"), Decimal("49.8671"), 587084),
        "karabakh": (None, None, None),
        "new-york": (Decimal("40.7128"), Decimal("-74.006"), 5128581),
    }
