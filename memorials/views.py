import datetime
import itertools

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archive.models import Document
from portal import freshness
from portal.publishing import mark_preview

from . import metadata
from .ical import build_calendar
from .models import Commemoration, Event, Figure, Person, Place, Tribute
from .timeline import build_timeline
from .tributes import TributeForm, over_rate_limit, receive, sender_of

PEOPLE_PER_PAGE = 50


@freshness.public_page
def event_list(request):
    today = timezone.localdate()
    events = Event.objects.public().with_related()
    rows = [(event, event.next_anniversary(today)) for event in events]
    return render(request, "memorials/event_list.html", {"rows": rows, "today": today})


@freshness.public_page(per_visitor=True)
def event_detail(request, slug, tribute_form=None, status=200):
    event = get_object_or_404(Event.objects.visible_to(request.user).with_related(), slug=slug)
    today = timezone.localdate()
    documents = event.documents.public().select_related("issuer")
    commemorations = event.commemorations.public().select_related("place", "organizer")
    figures = Figure.objects.public().filter(event=event).with_related()
    measure_order = {value: index for index, value in enumerate(Figure.Measure.values)}
    figures = sorted(
        figures, key=lambda f: (measure_order[f.measure], f.measure_label, f.source.issued_on)
    )
    figure_groups = [
        (measure, list(group))
        for measure, group in itertools.groupby(figures, key=lambda f: f.measure_display)
    ]
    next_anniversary = event.next_anniversary(today)
    places = event.places.all()
    context = {
        "event": event,
        "metadata": metadata.for_event(event, places, request),
        "places": places,
        "figure_groups": figure_groups,
        "commemorations": commemorations,
        "timeline": build_timeline(event, documents, commemorations),
        "next_anniversary": next_anniversary,
        "days_to_next": (next_anniversary.period[0] - today).days,
        "people": event.people.public().select_related("place"),
        "today": today,
        **_tribute_context(event, tribute_form),
    }
    response = render(request, "memorials/event_detail.html", context, status=status)
    return mark_preview(response, event)


@freshness.public_page
def person_list(request):
    people = Person.objects.public().select_related("place", "event")
    events = Event.objects.public().filter(
        Exists(Person.objects.public().filter(event=OuterRef("pk")))
    )
    selected_event = request.GET.get("event", "")
    if selected_event:
        people = people.filter(event__slug=selected_event)
    query = request.GET.get("q", "").strip()[:200]
    if query:
        people = people.named(query)
    paginator = freshness.RememberedCountPaginator(people, PEOPLE_PER_PAGE, request=request)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "events": events,
        "selected_event": selected_event,
        "query": query,
        "params": params.urlencode(),
        "register_is_empty": not Person.objects.public().exists(),
    }
    return render(request, "memorials/person_list.html", context)


@freshness.public_page(per_visitor=True)
def person_detail(request, slug, tribute_form=None, status=200):
    people = Person.objects.visible_to(request.user).select_related("place", "event")
    person = get_object_or_404(people, slug=slug)
    # A public person's event is public (Person.public_with); an editor's preview may show a
    # person whose event is not, and then names no event.
    event = person.event if person.event and person.event.is_public else None
    context = {
        "person": person,
        "event": event,
        "metadata": metadata.for_person(person, event, request),
        **_tribute_context(person, tribute_form),
    }
    response = render(request, "memorials/person_detail.html", context, status=status)
    return mark_preview(response, person)


def _tribute_context(subject, form):
    approved = subject.tributes.approved()
    return {
        "tribute_form": form or TributeForm(),
        "tributes": approved.filter(kind=Tribute.Kind.MESSAGE)[:50],
        "candle_count": approved.filter(kind=Tribute.Kind.CANDLE).count(),
        "tribute_url": f"{subject.get_absolute_url()}tributes/",
    }


@require_POST
def leave_tribute(request, slug, subject_model):
    """A tribute for a public event or person: stored as pending until an editor approves it."""
    subject = get_object_or_404(subject_model.objects.public(), slug=slug)
    detail = event_detail if subject_model is Event else person_detail
    form = TributeForm(request.POST)
    if not form.is_valid():
        return detail(request, slug, tribute_form=form, status=400)
    sender = sender_of(request)
    if over_rate_limit(sender):
        form.add_error(
            None, _("You have sent several tributes in a short time. Please try again later.")
        )
        return detail(request, slug, tribute_form=form, status=429)
    receive(form, subject_field=subject_model._meta.model_name, subject=subject, sender=sender)
    messages.success(
        request, _("Thank you. Your tribute will appear here once an editor has approved it.")
    )
    return redirect(f"{subject.get_absolute_url()}#tributes")


@freshness.public_page
def place_list(request):
    places = Place.objects.public().select_related("parent")
    return render(request, "memorials/place_list.html", {"places": places})


@freshness.public_page
def place_detail(request, slug):
    places = Place.objects.visible_to(request.user).select_related("parent")
    place = get_object_or_404(places, slug=slug)
    context = {
        "place": place,
        "metadata": metadata.for_place(place, request),
        "children": place.children.public(),
        "events": place.events.public(),
        "commemorations": place.commemorations.public().select_related("event"),
        "people": place.people.public(),
    }
    return mark_preview(render(request, "memorials/place_detail.html", context), place)


def twelve_months_from(today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year + 1) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return datetime.date(today.year + 1, 2, 28)


@freshness.public_page
def calendar_page(request):
    today = timezone.localdate()
    end = twelve_months_from(today)
    entries = [
        (anniversary.period[0], "anniversary", event, anniversary)
        for event, anniversary in Event.objects.public().anniversaries_between(today, end)
    ]
    for commemoration in upcoming_commemorations(today, end):
        entries.append((max(commemoration.period[0], today), "commemoration", commemoration, None))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    months = [
        (datetime.date(year, month, 1), list(group))
        for (year, month), group in itertools.groupby(
            entries, key=lambda e: (e[0].year, e[0].month)
        )
    ]
    return render(
        request, "memorials/calendar.html", {"months": months, "today": today, "end": end}
    )


def upcoming_commemorations(start, end):
    candidates = Commemoration.objects.public().with_related()
    candidates = candidates.filter(date__lte=end, date__gte=start - datetime.timedelta(days=366))
    return [c for c in candidates if c.period[1] >= start]


@freshness.public_page
def calendar_ics(request):
    base_url = f"{request.scheme}://{request.get_host()}"
    events = Event.objects.public()
    commemorations = Commemoration.objects.public().with_related()
    response = HttpResponse(
        build_calendar(events, commemorations, base_url),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="commemorations.ics"'
    return response


def home_sections(request, today: datetime.date) -> dict:
    """What the home page shows of memorials: on this day and the next 60 days."""
    events = Event.objects.public()
    upcoming = events.anniversaries_between(
        today + datetime.timedelta(days=1), today + datetime.timedelta(days=60)
    )
    documents = Document.objects.public()
    since = freshness.remember(request, "earliest document year", documents.earliest_year)
    on_this_day_documents = documents.issued_on_this_day(today, since or today.year).select_related(
        "issuer"
    )
    return {
        "on_this_day": events.on_this_day(today),
        "on_this_day_documents": on_this_day_documents,
        "upcoming_anniversaries": upcoming,
    }
