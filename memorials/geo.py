"""Places on a map: places as GeoJSON (RFC 7946) with what happened at each, for the endpoint
/api/places.geojson and for the maps on the places', a place's and an event's pages.

A feature is one place: its point as [longitude, latitude] (RFC 7946's order, the reverse of
how people write coordinates), or ``null`` geometry for a place whose position is not
recorded yet (RFC 7946, 3.2: an unlocated feature); its name in the reader's language where
one is recorded; its page; its GeoNames URI where known; and the public events at it (named)
and the public commemorations and people at it (counted: a register may name thousands).
Only what is public is counted, whoever asks.
"""

from collections import Counter, defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count
from django.templatetags.static import static
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext

from portal import freshness
from portal.api import BadRequest, json_endpoint, json_response

from .models import Commemoration, Event, Person, Place

GEONAMES_URI = "https://sws.geonames.org/{}/"
# The largest zoom a map of one place opens at: a city's streets, not a building's door.
SINGLE_PLACE_ZOOM = 11


def geonames_uri(place) -> str | None:
    """The place's URI in GeoNames' semantic web (what schema.org's sameAs and linked data
    use), or None where its identifier is not recorded."""
    return GEONAMES_URI.format(place.geonames_id) if place.geonames_id else None


def public_places():
    """Every public place (``Place.objects.public()``), located or not, in name order."""
    return Place.objects.public().order_by("name", "pk")


def feature_collection(places, *, absolute=None) -> dict:
    """``places`` as a GeoJSON FeatureCollection, in the active language. ``absolute`` makes
    an address absolute (``request.build_absolute_uri``); pages use paths as they are.

    Three queries whatever the number of places: the public events at them, and the counts
    of public commemorations and people."""
    places = list(places)
    link = absolute or (lambda path: path)
    events = _public_events_at(places)
    commemorations = _public_counts(Commemoration, places)
    people = _public_counts(Person, places)
    return {
        "type": "FeatureCollection",
        "features": [
            _feature(place, events[place.pk], commemorations, people, link) for place in places
        ],
    }


def _feature(place, events, commemorations, people, link) -> dict:
    name, name_language = place.name_for()
    geometry = None
    if place.latitude is not None and place.longitude is not None:
        geometry = {
            "type": "Point",
            "coordinates": [float(place.longitude), float(place.latitude)],
        }
    return {
        "type": "Feature",
        "id": place.slug,
        "geometry": geometry,
        "properties": {
            "name": name,
            "name_language": name_language,
            "kind": place.kind,
            "url": link(place.get_absolute_url()),
            "geonames": geonames_uri(place),
            "events": [_event(event, link) for event in events],
            "commemorations": commemorations[place.pk],
            "people": people[place.pk],
        },
    }


def _event(event, link) -> dict:
    name, name_language = event.name_for()
    return {"name": name, "name_language": name_language, "url": link(event.get_absolute_url())}


def _public_events_at(places) -> dict[int, list]:
    links = (
        Event.places.through.objects.filter(
            place__in=[place.pk for place in places], event__in=Event.objects.public()
        )
        .select_related("event")
        .order_by("event__start_date", "event__name")
    )
    events = defaultdict(list)
    for link in links:
        events[link.place_id].append(link.event)
    return events


def _public_counts(model, places) -> Counter:
    rows = (
        model.objects.public()
        .filter(place__in=[place.pk for place in places])
        .order_by()
        .values("place")
        .annotate(count=Count("pk"))
    )
    return Counter({row["place"]: row["count"] for row in rows})


def tile_origin(url: str) -> str:
    """The tile server's origin, for the browser to connect to before the map asks for its
    first tile; empty when the host varies ({s} subdomains), as no one connection serves all."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]  # an origin names no user or password
    return "" if "{" in host else f"{parts.scheme}://{host}"


def page_map(places, *, label: str | None = None) -> dict | None:
    """What a page's map needs (templates/memorials/includes/map.html): its accessible name,
    the tile server, and the places as GeoJSON; None when none of ``places`` has a position,
    and the page shows no map."""
    places = [place for place in places if place.latitude is not None]
    if not places or not settings.MAP_TILE_URL:
        return None
    return {
        "label": label or gettext("Map of the places"),
        "tile_url": settings.MAP_TILE_URL,
        "tile_origin": tile_origin(settings.MAP_TILE_URL),
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "max_zoom": SINGLE_PLACE_ZOOM,
        "places": feature_collection(places),
    }


# The admin's place form: Leaflet and the map's script, with the stylesheet (PlaceAdmin.Media).
ADMIN_MEDIA = {
    "css": {"all": ["vendor/leaflet/leaflet.css"]},
    "js": ["vendor/leaflet/leaflet.js", "js/map.js"],
}


def admin_picker(place):
    """A map in the admin's place form (static/js/map.js): a click sets the latitude and
    longitude fields; typed values move the marker. Without JavaScript nothing shows but a
    note, and the fields are typed as before. A user who may only view gets the map with the
    place's marker."""
    position = ""
    if place is not None and place.latitude is not None and place.longitude is not None:
        position = f"{place.latitude},{place.longitude}"
    return format_html(
        '<div class="map-picker" role="region" aria-label="{label}" hidden'
        ' style="width: 40rem; max-width: 100%; height: 20rem; border: 1px solid #ccc"'
        ' data-map-picker data-latitude-input="id_latitude" data-longitude-input="id_longitude"'
        ' data-position="{position}" data-tile-url="{tile_url}"'
        ' data-tile-attribution="{attribution}" data-marker-icon="{icon}"'
        ' data-marker-icon-retina="{icon_retina}" data-marker-shadow="{shadow}"></div>'
        '<p class="help" data-map-picker-help hidden>{help}</p>'
        "<noscript><p>{no_script}</p></noscript>",
        label=gettext("Map: click to set the latitude and longitude"),
        position=position,
        tile_url=settings.MAP_TILE_URL,
        attribution=settings.MAP_TILE_ATTRIBUTION,
        icon=static("vendor/leaflet/images/marker-icon.png"),
        icon_retina=static("vendor/leaflet/images/marker-icon-2x.png"),
        shadow=static("img/marker-shadow.svg"),
        help=gettext(
            "Click on the map to set the latitude and longitude above, or type them: the "
            "marker follows."
        ),
        no_script=gettext("The map needs JavaScript: type the latitude and longitude above."),
    )


def _reader_language(request) -> str:
    """``?lang=`` (en, az, ru); English without it. The endpoint is in no language (its
    address has no prefix), and a visitor's browser settings must not change what one address
    answers: it is cached by address."""
    languages = [code for code, _name in settings.LANGUAGES]
    language = request.GET.get("lang", settings.LANGUAGE_CODE)
    if language not in languages:
        raise BadRequest("lang", f"lang is one of {', '.join(languages)}.")
    return language


@json_endpoint
@freshness.public_page
def places_geojson(request):
    """/api/places.geojson: every public place, as GeoJSON (media type application/geo+json)."""
    with translation.override(_reader_language(request)):
        collection = feature_collection(public_places(), absolute=request.build_absolute_uri)
    response = json_response(collection)
    response["Content-Type"] = "application/geo+json"
    return response
