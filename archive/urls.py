from django.urls import path

import portal.converters  # noqa: F401 -- registers the "year" and "citation_format" converters

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("<year:year>/<slug:slug>/", views.document_detail, name="document"),
    path("<year:year>/<slug:slug>.txt", views.document_text, name="document-text"),
    path(
        "<year:year>/<slug:slug>/manifest.json",
        views.document_manifest,
        name="document-manifest",
    ),
    path(
        "<year:year>/<slug:slug>/cite.<citation_format:format>",
        views.document_citation,
        name="document-citation",
    ),
]
