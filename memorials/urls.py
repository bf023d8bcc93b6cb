from django.urls import path

from . import views
from .models import Event, Person

app_name = "memorials"

urlpatterns = [
    path("events/", views.event_list, name="event-list"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
    path(
        "events/<slug:slug>/tributes/",
        views.leave_tribute,
        {"subject_model": Event},
        name="event-tribute",
    ),
    path("people/", views.person_list, name="person-list"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path(
        "people/<slug:slug>/tributes/",
        views.leave_tribute,
        {"subject_model": Person},
        name="person-tribute",
    ),
    # Testimonies and correction requests about an event or a person (memorials/testimonies.py)
    *[
        path(f"{prefix}/<slug:slug>/{route}", view, {"subject_model": model, **extra}, name=name)
        for prefix, model, one in [("events", Event, "event"), ("people", Person, "person")]
        for route, view, extra, name in [
            ("testimonies/", views.send_testimony, {}, f"{one}-testimony"),
            ("corrections/", views.send_correction, {}, f"{one}-correction"),
            (
                "testimony-sent/",
                views.submission_sent,
                {"kind": "testimony"},
                f"{one}-testimony-sent",
            ),
            (
                "correction-sent/",
                views.submission_sent,
                {"kind": "correction"},
                f"{one}-correction-sent",
            ),
        ]
    ],
    path("testimonies/<int:pk>/photo/", views.testimony_photo, name="testimony-photo"),
    path("places/", views.place_list, name="place-list"),
    path("places/<slug:slug>/", views.place_detail, name="place"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar.ics", views.calendar_ics, name="calendar-ics"),
]
