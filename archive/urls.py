from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("<int:year>/<slug:slug>/", views.document_detail, name="document"),
    path("<int:year>/<slug:slug>.txt", views.document_text, name="document-text"),
]
