from django.urls import path, re_path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("<int:year>/<slug:slug>/", views.document_detail, name="document"),
    path("<int:year>/<slug:slug>.txt", views.document_text, name="document-text"),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<slug>[-a-zA-Z0-9_]+)/cite\.(?P<format>bib|ris|json)$",
        views.document_citation,
        name="document-citation",
    ),
]
