"""schema.org, Dublin Core and OpenGraph descriptions of memorial pages.

Titles and descriptions are in the reader's language, with names as the page shows them: the
name recorded in that language, else the original, whose Dublin Core element carries its
language. schema.org keeps the original name, the others as alternates.
"""

from django.utils import translation
from django.utils.translation import gettext

from archive import pictures
from archive.metadata import described_images, image_object
from portal.dates import iso_partial
from portal.metadata import Element, PageMetadata

from .geo import geonames_uri


def for_event(event, places, request, commemorations=None) -> PageMetadata:
    """Dates are as precisely as they are known (portal.dates.iso_partial): an event or a
    commemoration known to the month has "2008-01", which schema.org takes (ISO 8601)."""
    url = request.build_absolute_uri(event.get_absolute_url())
    name, name_language = event.name_for()
    description = f"{name}, {event.dates_display}."
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
    image, opengraph = described_images(pictures.by_role(event.attachments.all()), request)
    if image:
        json_ld["image"] = image
    if event.other_names:
        json_ld["alternateName"] = event.other_names
    if commemorations is None:
        commemorations = event.commemorations.public().select_related("place")
    # A commemoration is an event about this one: schema.org's subjectOf (the inverse of about).
    if remembered := [_commemoration(item, request) for item in commemorations]:
        json_ld["subjectOf"] = remembered
    dublin_core = [
        Element("DC.title", name, name_language),
        Element("DC.date", iso_partial(event.start_date, event.date_precision)),
        Element("DC.type", "Event"),
        *_page_elements(url),
        Element("DC.description", description),
        *[Element("DC.coverage", *place.name_for()) for place in places],
    ]
    return PageMetadata(url, name, description, "website", json_ld, dublin_core, opengraph)


def _page_elements(url) -> list[Element]:
    """What every memorial page says of itself: its address, format and language."""
    return [
        Element("DC.identifier", url),
        Element("DC.format", "text/html"),
        Element("DC.language", translation.get_language()),
    ]


def _commemoration(commemoration, request) -> dict:
    data = {
        "@type": "Event",
        "name": commemoration.name,
        "startDate": iso_partial(commemoration.date, commemoration.date_precision),
        "url": request.build_absolute_uri(commemoration.get_absolute_url()),
    }
    if commemoration.place:
        data["location"] = _place(commemoration.place, request)
    return data


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
    image, opengraph = described_images(pictures.by_role(place.attachments.all()), request)
    if image:
        json_ld["image"] = image
    if place.latitude is not None:
        json_ld["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
        }
    # The same place in GeoNames, for linked data to join on.
    if place.geonames_id:
        json_ld["sameAs"] = geonames_uri(place)
    name, name_language = place.name_for()
    kind = place.get_kind_display().lower()
    if place.parent:
        description = gettext("%(name)s: %(kind)s, part of %(parent)s.") % {
            "name": name,
            "kind": kind,
            "parent": place.parent.name_for()[0],
        }
    else:
        description = f"{name}: {kind}."
    # The page is a text about the place (DCMI has no type for a place): the place is the
    # page's subject and its spatial coverage.
    dublin_core = [
        Element("DC.title", name, name_language),
        Element("DC.type", "Text"),
        Element("DC.coverage", name, name_language),
        *_page_elements(url),
        Element("DC.description", description),
    ]
    return PageMetadata(url, name, description, "website", json_ld, dublin_core, opengraph)


def portrait_image(attachment, request) -> dict:
    """A portrait as a schema.org ImageObject (archive.metadata.image_object)."""
    return image_object(attachment, request)


def for_person(person, event, request, portrait=None) -> PageMetadata:
    url = request.build_absolute_uri(person.get_absolute_url())
    json_ld = {"@context": "https://schema.org", "@type": "Person", "name": person.name, "url": url}
    # The portrait is the person's lead image (archive/pictures.py), as on the page.
    images = pictures.by_role(person.attachments.all(), lead=portrait)
    image, opengraph = described_images(images, request)
    if image:
        json_ld["image"] = image
    if person.variants:
        json_ld["alternateName"] = person.variants
    if person.birth_date:
        json_ld["birthDate"] = iso_partial(person.birth_date, person.birth_precision)
    if person.death_date:
        json_ld["deathDate"] = iso_partial(person.death_date, person.death_precision)
    name, name_language = person.name_for()
    if event:
        description = gettext("%(name)s, remembered with %(event)s.") % {
            "name": name,
            "event": event.name_for()[0],
        }
    else:
        description = f"{name}."
    # The page is a text about the person (DCMI has no type for a person): its subject.
    dublin_core = [
        Element("DC.title", name, name_language),
        Element("DC.type", "Text"),
        Element("DC.subject", name, name_language),
        *_page_elements(url),
        Element("DC.description", description),
    ]
    return PageMetadata(url, name, description, "profile", json_ld, dublin_core, opengraph)
