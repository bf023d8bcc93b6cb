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
    path("places/", views.place_list, name="place-list"),
    path("places/<slug:slug>/", views.place_detail, name="place"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar.ics", views.calendar_ics, name="calendar-ics"),
]
