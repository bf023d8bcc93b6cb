"""The events in the read-only JSON API (/api/events/), with their figures and commemorations."""

from django.shortcuts import get_object_or_404

from archive.api import api_url
from portal import freshness
from portal.api import json_endpoint, json_response, page_of

from .models import Event, Figure


def _event(request, event, *, figures=None, commemorations=None):
    data = {
        "url": request.build_absolute_uri(f"/api/events/{event.slug}/"),
        "html_url": request.build_absolute_uri(event.get_absolute_url()),
        "name": event.name,
        "slug": event.slug,
        "alternative_names": event.other_names,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "date_precision": event.date_precision,
        "places": [
            {"name": place.name, "slug": place.slug, "variants": place.variants}
            for place in event.places.all()
        ],
        "description": event.description,
        "updated_at": event.updated_at.isoformat(),
    }
    if figures is not None:
        data["figures"] = [
            {
                "measure": figure.measure,
                "measure_label": figure.measure_display,
                "value": figure.value,
                "qualifier": figure.qualifier,
                "wording": figure.wording,
                "source": request.build_absolute_uri(api_url(figure.source)),
            }
            for figure in figures
        ]
        data["commemorations"] = [
            {
                "name": commemoration.name,
                "kind": commemoration.kind,
                "date": commemoration.date.isoformat(),
                "date_precision": commemoration.date_precision,
                "place": commemoration.place.name if commemoration.place else None,
                "venue": commemoration.venue,
            }
            for commemoration in commemorations
        ]
    return data


@json_endpoint
@freshness.public_page
def event_list(request):
    return page_of(request, Event.objects.public().with_related(), _event)


@json_endpoint
@freshness.public_page
def event_detail(request, slug):
    event = get_object_or_404(Event.objects.public().with_related(), slug=slug)
    figures = Figure.objects.public().filter(event=event).with_related()
    commemorations = event.commemorations.public().select_related("place")
    return json_response(_event(request, event, figures=figures, commemorations=commemorations))
