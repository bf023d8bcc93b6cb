"""schema.org, Dublin Core and OpenGraph descriptions of memorial pages."""

from portal.metadata import PageMetadata

from .anniversaries import Precision


def iso_partial(value, precision) -> str:
    """A date as precisely as it is known, in ISO 8601: 1990-01-20, 2008-01 or 1918."""
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return f"{value.year:04d}"
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def for_event(event, places, request) -> PageMetadata:
    url = request.build_absolute_uri(event.get_absolute_url())
    description = f"{event.name}, {event.dates_display}."
    json_ld = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.name,
        "startDate": iso_partial(event.start_date, event.date_precision),
        "url": url,
        "description": description,
        "location": [_place(place, request) for place in places],
    }
    if event.end_date:
        json_ld["endDate"] = iso_partial(event.end_date, event.date_precision)
    if event.other_names:
        json_ld["alternateName"] = event.other_names
    dublin_core = [
        ("DC.title", event.name),
        ("DC.date", iso_partial(event.start_date, event.date_precision)),
        ("DC.type", "Event"),
        ("DC.identifier", url),
        ("DC.description", description),
        *[("DC.coverage", place.name) for place in places],
    ]
    return PageMetadata(url, event.name, description, "website", json_ld, dublin_core)


def _place(place, request) -> dict:
    data = {
        "@type": "Place",
        "name": place.name,
        "url": request.build_absolute_uri(place.get_absolute_url()),
    }
    if place.variants:
        data["alternateName"] = place.variants
    return data


def for_place(place, request) -> PageMetadata:
    url = request.build_absolute_uri(place.get_absolute_url())
    json_ld = {"@context": "https://schema.org", **_place(place, request)}
    if place.parent:
        json_ld["containedInPlace"] = _place(place.parent, request)
    if place.latitude is not None:
        json_ld["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
        }
    description = f"{place.name}: {place.get_kind_display().lower()}" + (
        f" in {place.parent.name}." if place.parent else "."
    )
    dublin_core = [("DC.title", place.name), ("DC.type", "Place"), ("DC.identifier", url)]
    return PageMetadata(url, place.name, description, "website", json_ld, dublin_core)


def for_person(person, event, request) -> PageMetadata:
    url = request.build_absolute_uri(person.get_absolute_url())
    json_ld = {"@context": "https://schema.org", "@type": "Person", "name": person.name, "url": url}
    if person.variants:
        json_ld["alternateName"] = person.variants
    if person.birth_date:
        json_ld["birthDate"] = iso_partial(person.birth_date, person.birth_precision)
    if person.death_date:
        json_ld["deathDate"] = iso_partial(person.death_date, person.death_precision)
    description = person.name + (f", remembered with {event.name}." if event else ".")
    dublin_core = [("DC.title", person.name), ("DC.type", "Person"), ("DC.identifier", url)]
    return PageMetadata(url, person.name, description, "profile", json_ld, dublin_core)
