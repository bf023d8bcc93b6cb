from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import corrections, freshness, storage
from portal.addresses import tombstone
from portal.api import open_to_every_origin
from portal.publishing import mark_preview

from . import geo, metadata, selectors, testimonies
from .ical import build_calendar
from .models import Event, Tribute
from .timeline import build_timeline
from .tributes import TributeForm, over_rate_limit, receive, sender_of

PEOPLE_PER_PAGE = 50


@freshness.public_page
def event_list(request):
    today = timezone.localdate()
    events = Event.objects.public().with_related()
    rows = [(event, event.next_anniversary(today)) for event in events]
    return render(request, "memorials/event_list.html", {"rows": rows, "today": today})


def _withdrawn_or_404(item):
    """What once was public and was withdrawn has a tombstone; anything else is not found."""
    if item is None:
        raise Http404
    return item


def _tombstone(request, item, **details):
    name, language = item.name_for()
    return tombstone(request, item, title=name, language=language, **details)


@freshness.public_page(per_visitor=True, item_page=True)
def event_detail(request, slug):
    event = selectors.event_for_page(request.user, slug)
    if event is None:
        withdrawn = _withdrawn_or_404(selectors.withdrawn_event(slug))
        return _tombstone(request, withdrawn, date_text=withdrawn.dates_display)
    return _event_page(request, corrections.preview(request, event))


def _event_page(request, event, tribute_form=None, status=200, submission_forms=None):
    today = timezone.localdate()
    parts = selectors.event_parts(event)
    next_anniversary = event.next_anniversary(today)
    context = {
        "event": event,
        "metadata": metadata.for_event(
            event, parts["places"], request, commemorations=parts["commemorations"]
        ),
        "places": parts["places"],
        "map": geo.page_map(parts["places"], label=_("Map of the event's places")),
        "figure_groups": selectors.figure_groups(event),
        "commemorations": parts["commemorations"],
        "timeline": build_timeline(event, parts["documents"], parts["commemorations"]),
        "next_anniversary": next_anniversary,
        "days_to_next": (next_anniversary.period[0] - today).days,
        "people": parts["people"],
        "people_count": parts["people_count"],
        "today": today,
        **_tribute_context(event, tribute_form),
        **_submission_context(event, submission_forms),
    }
    response = render(request, "memorials/event_detail.html", context, status=status)
    return mark_preview(response, event)


@freshness.public_page
def person_list(request):
    selected_event = request.GET.get("event", "")
    query = request.GET.get("q", "").strip()[:200]
    paginator = freshness.RememberedCountPaginator(
        selectors.people(query, selected_event),
        PEOPLE_PER_PAGE,
        name=freshness.list_name(request),
        counter=None if query or selected_event else selectors.register_size,
    )
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "event_choices": selectors.event_choices(),
        "selected_event": selected_event,
        "query": query,
        "params": params.urlencode(),
        "register_is_empty": selectors.register_is_empty(),
    }
    return render(request, "memorials/person_list.html", context)


@freshness.public_page(per_visitor=True, item_page=True)
def person_detail(request, slug):
    person = selectors.person_for_page(request.user, slug)
    if person is None:
        return _tombstone(request, _withdrawn_or_404(selectors.withdrawn_person(slug)))
    return _person_page(request, corrections.preview(request, person))


def _person_page(request, person, tribute_form=None, status=200, submission_forms=None):
    # A public person's event is public (Person.public_with); an editor's preview may show a
    # person whose event is not, and then names no event.
    event = person.event if person.event and person.event.is_public else None
    parts = selectors.person_parts(person)
    context = {
        "person": person,
        "event": event,
        "metadata": metadata.for_person(person, event, request, portrait=parts["portrait"]),
        **parts,
        **_tribute_context(person, tribute_form),
        **_submission_context(person, submission_forms),
    }
    response = render(request, "memorials/person_detail.html", context, status=status)
    return mark_preview(response, person)


def _tribute_context(subject, form):
    return {
        "tribute_form": form or TributeForm(),
        "tribute_url": f"{subject.get_absolute_url()}tributes/",
        **selectors.tributes_shown(subject),
    }


@require_POST
def leave_tribute(request, slug, subject_model):
    """A tribute for a public event or person: a candle counts at once, a message waits until
    an editor approves it. A refused one shows the page again with the form's errors, built
    here, never cached."""
    subject = get_object_or_404(subject_model.objects.public(), slug=slug)
    page = _event_page if subject_model is Event else _person_page
    form = TributeForm(request.POST)
    if not form.is_valid():
        return page(request, subject, tribute_form=form, status=400)
    sender = sender_of(request)
    if over_rate_limit(sender):
        form.add_error(
            None, _("You have sent several tributes in a short time. Please try again later.")
        )
        return page(request, subject, tribute_form=form, status=429)
    receive(form, subject_field=subject_model._meta.model_name, subject=subject, sender=sender)
    if form.cleaned_data["kind"] == Tribute.Kind.CANDLE:
        messages.success(request, _("Thank you. Your candle is lit."))
    else:
        messages.success(
            request, _("Thank you. Your tribute will appear here once an editor has approved it.")
        )
    return redirect(f"{subject.get_absolute_url()}#tributes")


@freshness.public_page
def place_list(request):
    places = list(selectors.public_places())
    context = {"places": places, "map": geo.page_map(places)}
    return render(request, "memorials/place_list.html", context)


@freshness.public_page(item_page=True)
def place_detail(request, slug):
    place = selectors.place_for_page(request.user, slug)
    if place is None:
        raise Http404
    parts = selectors.place_parts(place)
    context = {
        "place": place,
        "metadata": metadata.for_place(place, request),
        # The place and the public places within it (a country's cities).
        "map": geo.page_map(
            [place, *parts["children"]],
            label=_("Map of %(place)s") % {"place": place.name_for()[0]},
        ),
        **parts,
    }
    return mark_preview(render(request, "memorials/place_detail.html", context), place)


@freshness.public_page
def calendar_page(request):
    today = timezone.localdate()
    end = selectors.twelve_months_from(today)
    context = {"months": selectors.calendar_months(today, end), "today": today, "end": end}
    return render(request, "memorials/calendar.html", context)


@open_to_every_origin
@freshness.public_page
def calendar_ics(request):
    base_url = f"{request.scheme}://{request.get_host()}"
    events, commemorations = selectors.calendar_items()
    response = HttpResponse(
        build_calendar(events, commemorations, base_url),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="commemorations.ics"'
    return response


# Testimonies and correction requests (memorials/testimonies.py) --------------------------------


def _submission_context(subject, forms):
    """The approved testimonies of the page, and the forms (bound, when one was refused)."""
    forms = forms or {}
    is_event = isinstance(subject, Event)
    return {
        "testimonies": selectors.testimonies_shown(subject),
        "testimony_form": forms.get("testimony")
        or testimonies.TestimonyForm(subject_is_event=is_event),
        "correction_form": forms.get("correction") or testimonies.CorrectionForm(),
        "testimony_url": f"{subject.get_absolute_url()}testimonies/",
        "correction_url": f"{subject.get_absolute_url()}corrections/",
    }


@require_POST
def send_testimony(request, slug, subject_model):
    """A testimony about a public event or person, waiting for an editor."""
    return _receive_submission(request, slug, subject_model, "testimony")


@require_POST
def send_correction(request, slug, subject_model):
    """A correction request about a public event or person, for the editors."""
    return _receive_submission(request, slug, subject_model, "correction")


def _receive_submission(request, slug, subject_model, kind):
    """A refused submission shows the page again with the form's errors, built here, never
    cached; a received one leads to a page of thanks (Post/Redirect/Get)."""
    subject = get_object_or_404(subject_model.objects.public(), slug=slug)
    is_event = subject_model is Event
    if kind == "testimony":
        form = testimonies.TestimonyForm(request.POST, request.FILES, subject_is_event=is_event)
    else:
        form = testimonies.CorrectionForm(request.POST)
    page = _event_page if is_event else _person_page

    def again(status):
        return page(request, subject, status=status, submission_forms={kind: form})

    if not form.is_valid():
        return again(400)
    sender = sender_of(request)
    if testimonies.over_rate_limit(sender):
        form.add_error(
            None,
            _(
                "You have sent several testimonies or corrections in a short time. "
                "Please try again later."
            ),
        )
        return again(429)
    field = subject_model._meta.model_name
    try:
        testimonies.receive(form, subject_field=field, subject=subject, sender=sender)
    except ValidationError as error:  # the photo is no readable image
        form.add_error("photo", error)
        return again(400)
    return redirect(f"{subject.get_absolute_url()}{kind}-sent/")


def submission_sent(request, slug, subject_model, kind):
    """Thanks for a testimony or a correction request, and what happens next."""
    subject = get_object_or_404(subject_model.objects.public(), slug=slug)
    context = {"subject": subject, "kind": kind}
    response = render(request, "memorials/submission_sent.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def testimony_photo(request, pk):
    """A testimony's photo (its display size), only while the testimony is approved, its photo
    consented and its subject public; staff who may view testimonies see any, to decide on it.
    The file lies under a random name that no other address serves."""
    testimony = selectors.testimony_with_photo(request.user, pk)
    if testimony is None or not testimony.photo_display:
        raise Http404
    photo = testimony.photo_display
    response = storage.file_response(photo.storage, photo.name, content_type="image/webp")
    if response is None:
        raise Http404
    response["X-Content-Type-Options"] = "nosniff"
    if testimony.state == testimony.State.APPROVED and testimony.subject.is_public:
        # Short: a photo an editor takes down must not linger in caches for long.
        patch_cache_control(response, public=True, max_age=3600)
    else:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response
