"""The events (/api/events/), with their figures and commemorations, and the people
(/api/people/) in the read-only JSON API."""

from django.shortcuts import get_object_or_404

from archive import pictures
from archive.api import api_url, image_data, images_data, translated_name, translated_text
from portal import freshness
from portal.api import json_endpoint, json_response, page_of

from . import selectors
from .models import Event, Figure, Person


def _event(request, event, *, figures=None, commemorations=None):
    data = {
        "url": request.build_absolute_uri(f"/api/events/{event.slug}/"),
        "html_url": request.build_absolute_uri(event.get_absolute_url()),
        **translated_name(event),
        "slug": event.slug,
        "alternative_names": event.other_names,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "date_precision": event.date_precision,
        "places": [
            {"name": place.name, "slug": place.slug, "variants": place.variants}
            for place in event.places.all()
        ],
        **translated_text(event, "description"),
        "updated_at": event.updated_at.isoformat(),
    }
    if figures is not None:
        data["figures"] = [
            {
                "measure": figure.measure,
                "measure_label": figure.measure_display,
                # An 'other' figure's label is the editors' words, translated like their texts.
                **{
                    key: value
                    for key, value in translated_text(figure, "measure_label").items()
                    if key != "measure_label"
                },
                "value": figure.value,
                "qualifier": figure.qualifier,
                "wording": figure.wording,
                "source": request.build_absolute_uri(api_url(figure.source)),
            }
            for figure in figures
        ]
        data["commemorations"] = [
            {
                **translated_name(commemoration),
                "kind": commemoration.kind,
                "date": commemoration.date.isoformat(),
                "date_precision": commemoration.date_precision,
                "place": commemoration.place.name if commemoration.place else None,
                "venue": commemoration.venue,
                **translated_text(commemoration, "description"),
            }
            for commemoration in commemorations
        ]
        data["images"] = images_data(request, pictures.by_role(event.attachments.all()))
    return data


@json_endpoint
@freshness.public_page
def event_list(request):
    return page_of(request, Event.objects.public().with_related(), _event)


@json_endpoint
@freshness.public_page(item_page=True)
def event_detail(request, slug):
    event = get_object_or_404(Event.objects.public().with_related(), slug=slug)
    figures = Figure.objects.public().filter(event=event).with_related()
    commemorations = event.commemorations.public().select_related("place")
    return json_response(_event(request, event, figures=figures, commemorations=commemorations))


# People (/api/people/): the register's public records, a person's portrait with its rights
# statement, the public source and documents, and the public relatives.


def _person(request, person, *, parts=None):
    # A public person's event is public (Person.public_with).
    event = person.event
    data = {
        "url": request.build_absolute_uri(f"/api/people/{person.slug}/"),
        "html_url": request.build_absolute_uri(person.get_absolute_url()),
        "name": person.name,
        "slug": person.slug,
        "name_variants": person.variants,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "birth_precision": person.birth_precision if person.birth_date else None,
        "death_date": person.death_date.isoformat() if person.death_date else None,
        "death_precision": person.death_precision if person.death_date else None,
        "age": person.age,
        "place": ({"name": person.place.name, "slug": person.place.slug} if person.place else None),
        "event": (
            {"name": event.name, "url": request.build_absolute_uri(f"/api/events/{event.slug}/")}
            if event
            else None
        ),
        "updated_at": person.updated_at.isoformat(),
    }
    if parts is None:
        return data
    data.update(translated_text(person, "biography"))
    source = parts["source"]
    data["source"] = (
        {
            "url": request.build_absolute_uri(api_url(source)),
            "title": source.title,
            "wording": person.source_wording,
        }
        if source
        else None
    )
    data["portrait"] = _portrait(request, parts["portrait"]) if parts["portrait"] else None
    # The portrait first, as the person's lead image; without one, an image marked "lead".
    data["images"] = images_data(
        request, pictures.by_role(parts["attachments"], lead=parts["portrait"])
    )
    data["documents"] = [
        {"url": request.build_absolute_uri(api_url(document)), "title": document.title}
        for document in parts["documents"]
    ]
    data["relatives"] = [
        {
            "relation": relative.kind,
            "name": relative.person.name,
            "url": request.build_absolute_uri(f"/api/people/{relative.person.slug}/"),
        }
        for relative in parts["relatives"]
    ]
    return data


def _portrait(request, attachment) -> dict:
    return image_data(request, attachment, role="lead")


@json_endpoint
@freshness.public_page
def person_list(request):
    """The register: ``?q=`` finds a name however it is spelled, best first; ``?event=``."""
    query = request.GET.get("q", "").strip()[:200]
    people = selectors.people(query, request.GET.get("event", "")[:100])
    return page_of(request, people, _person)


@json_endpoint
@freshness.public_page(item_page=True)
def person_detail(request, slug):
    people = Person.objects.public().select_related(
        "place", "event", "portrait", "source", "source__issuer"
    )
    person = get_object_or_404(people, slug=slug)
    return json_response(_person(request, person, parts=selectors.person_parts(person)))
