"""Maps in a real browser: markers for public places only, tiles from the configured server
(a stub on loopback here) and from nowhere else, under the site's Content Security Policy;
popups reached by keyboard and linking to the place; no accessibility violations; the list of
places without JavaScript; and the admin's map that sets a place's coordinates."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from PIL import Image

from memorials.models import Place
from portal import roles
from portal.publishing import Status
from portal.settings import tile_source
from tests.conftest import make_event, make_place

from .conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _tile_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (222, 230, 214)).save(buffer, "PNG")
    return buffer.getvalue()


class TileServer:
    """A tile server on loopback: every path answers the same 256×256 PNG, and is recorded."""

    def __init__(self):
        tile, requested = _tile_png(), []
        self.requested = requested

        class Tiles(BaseHTTPRequestHandler):
            def do_GET(self):
                requested.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile)))
                self.end_headers()
                self.wfile.write(tile)

            def log_message(self, *args):  # quiet: the test reads self.requested
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def tiles(settings):
    """The site's maps take their tiles from the stub, which the policy allows (as the
    settings derive it from MAP_TILE_URL at start-up)."""
    with TileServer() as server:
        settings.MAP_TILE_URL = server.origin + "/{z}/{x}/{y}.png"
        settings.MAP_TILE_ATTRIBUTION = (
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
            "contributors"
        )
        policy = settings.CONTENT_SECURITY_POLICY
        directives = {**policy["DIRECTIVES"]}
        directives["img-src"] = ["'self'", "data:", *tile_source(settings.MAP_TILE_URL)]
        settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
        yield server


@pytest.fixture
def places(seed):
    """The seed (Baku and New York located, Azerbaijan not), and a located place that only a
    draft names: it must not be on any map."""
    secret = make_place(name="Secret Village", slug="secret-village", latitude=41, longitude=47)
    make_event(name="Draft Event", status=Status.DRAFT, places=[secret])
    return seed


def _record_requests(page) -> list[str]:
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    return requests


def _record_policy_violations(page) -> list[str]:
    messages = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return messages


def test_the_places_map_shows_public_places_with_tiles_from_the_stub_only(
    page, live_server, places, tiles
):
    requests = _record_requests(page)
    refused = _record_policy_violations(page)
    page.goto("/places/")
    map_region = page.get_by_role("region", name="Map of the places")
    map_region.locator(".leaflet-tile-loaded").first.wait_for()
    markers = map_region.get_by_role("button", name="Baku")
    markers.wait_for()
    names = map_region.locator(".leaflet-marker-icon").evaluate_all(
        "icons => icons.map(icon => icon.alt)"
    )
    assert sorted(names) == ["Baku", "New York"]
    screenshot(page, "places-map")

    assert tiles.requested and all(path.endswith(".png") for path in tiles.requested)
    hosts = {urlsplit(url).netloc for url in requests if not url.startswith("data:")}
    assert hosts == {urlsplit(live_server.url).netloc, urlsplit(tiles.origin).netloc}
    assert refused == []
    # The attribution the tile server asks for, linked.
    attribution = map_region.get_by_role("link", name="OpenStreetMap")
    assert attribution.get_attribute("href") == "https://www.openstreetmap.org/copyright"
    # The list of places stays under the map.
    assert page.get_by_role("main").get_by_role("link", name="Azerbaijan").is_visible()


def test_a_keyboard_opens_a_markers_popup_and_follows_it_to_the_place(page, places, tiles):
    page.goto("/places/")
    baku = page.get_by_role("region", name="Map of the places").get_by_role("button", name="Baku")
    baku.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Events: Black January" in popup.inner_text()
    screenshot(page, "places-map-popup")
    popup.get_by_role("link", name="Baku").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/places/baku/")
    assert page.get_by_role("heading", level=1).inner_text() == "Baku"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/places/", "Map of the places"),
        ("/places/baku/", "Map of Baku"),
        ("/events/black-january/", "Map of the event's places"),
        ("/ru/places/", None),
    ],
)
def test_maps_have_no_accessibility_violations(audit_page, places, tiles, path, name):
    audit_page.goto(path)
    region = audit_page.locator(".map")
    region.locator(".leaflet-marker-icon").first.wait_for()
    region.locator(".leaflet-tile-loaded").first.wait_for()
    if name:
        assert region.get_attribute("aria-label") == name
    assert axe_violations(audit_page) == []
    audit_page.set_viewport_size({"width": 320, "height": 800})  # WCAG reflow: 320 CSS px
    assert audit_page.evaluate("document.documentElement.scrollWidth") <= 320


def test_without_javascript_the_places_are_listed_and_no_map_is_shown(
    browser, live_server, places, tiles
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/places/")
    assert page.locator(".map").is_hidden()
    for name in ["Azerbaijan", "Baku", "New York"]:
        assert page.get_by_role("main").get_by_role("link", name=name).is_visible()
    assert tiles.requested == []
    context.close()


def test_an_editor_picks_a_place_on_the_admins_map(page, places, tiles, django_user_model):
    user = django_user_model.objects.create_user("desk", password="desk-password", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PUBLISHERS))
    baku = Place.objects.get(slug="baku")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill("desk-password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/memorials/place/{baku.pk}/change/")

    picker = page.get_by_role("region", name="Map: click to set the latitude and longitude")
    picker.locator(".leaflet-tile-loaded").first.wait_for()
    assert picker.locator(".leaflet-marker-icon").count() == 1
    latitude, longitude = page.locator("#id_latitude"), page.locator("#id_longitude")
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] / 2 + 60, "y": box["height"] / 2 - 40})
    # East and north of Baku, within a few kilometres at this zoom.
    picked = float(latitude.input_value()), float(longitude.input_value())
    assert 40.4093 < picked[0] < 40.6 and 49.8671 < picked[1] < 50.1, picked
    screenshot(page, "admin-place-map")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()
    baku.refresh_from_db()
    assert (float(baku.latitude), float(baku.longitude)) == pytest.approx(picked, abs=1e-6)

    # Typed coordinates move the marker; coordinates off the globe take it away.
    page.goto(f"/admin/memorials/place/{baku.pk}/change/")
    markers = "document.querySelectorAll('.map-picker .leaflet-marker-icon').length"
    page.locator(".map-picker .leaflet-marker-icon").wait_for()
    latitude.fill("95")
    latitude.dispatch_event("change")
    page.wait_for_function(f"() => {markers} === 0")
    latitude.fill("40.7128")
    longitude.fill("-74.006")
    longitude.dispatch_event("change")
    page.wait_for_function(f"() => {markers} === 1")


def test_below_the_text_the_map_loads_leaflet_only_when_the_reader_comes_near_it(
    browser, live_server, places, tiles
):
    """A phone's screen on the event page: the map sits below the event's text. Leaflet is
    fetched when the map comes within a screen of view, and the map is drawn then."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 300}, device_scale_factor=2
    )
    page = context.new_page()
    requests = _record_requests(page)
    refused = _record_policy_violations(page)
    page.goto("/events/black-january/")
    page.wait_for_load_state("networkidle")
    place = page.locator(".map")  # kept in the layout, invisible until drawn
    assert place.bounding_box()["y"] > 2 * 300  # more than a screen below the first
    assert not [url for url in requests if "leaflet" in url]
    assert tiles.requested == []

    page.mouse.wheel(0, place.bounding_box()["y"])
    region = page.get_by_role("region", name="Map of the event's places")
    region.locator(".leaflet-tile-loaded").first.wait_for()
    marker = region.get_by_role("button", name="Baku")
    marker.wait_for()
    leaflet = sorted(urlsplit(url).path for url in requests if "leaflet" in url)
    assert "/static/vendor/leaflet/leaflet.js" in leaflet
    assert "/static/vendor/leaflet/images/marker-icon.png" not in leaflet
    # On a screen of two pixels a point: the marker's drawing at twice its size, a shadow
    # that is a drawing in lines (sharp at any size).
    assert marker.get_attribute("src").endswith("/marker-icon-2x.png")
    shadow = region.locator(".leaflet-marker-shadow").first.get_attribute("src")
    assert shadow.endswith("/img/marker-shadow.svg")
    assert refused == []
    screenshot(page, "event-map-phone")
    context.close()


def test_a_tile_server_with_sharper_tiles_serves_them_to_sharper_screens(
    browser, live_server, places, tiles, settings
):
    """Leaflet fills {r} in the tile address with "@2x" on a screen of two pixels a point (and
    with nothing elsewhere): tile servers that offer such tiles name them so."""
    settings.MAP_TILE_URL = tiles.origin + "/{z}/{x}/{y}{r}.png"
    for scale in [2, 1]:
        tiles.requested.clear()
        context = browser.new_context(base_url=live_server.url, device_scale_factor=scale)
        page = context.new_page()
        page.goto("/places/")
        page.locator(".map .leaflet-tile-loaded").first.wait_for()
        assert tiles.requested
        assert all(path.endswith("@2x.png") == (scale == 2) for path in tiles.requested)
        context.close()
