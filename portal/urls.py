from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Commemoration portal — editors"
admin.site.site_title = "Commemoration portal"
admin.site.index_title = "Archive and memorials"

urlpatterns = [
    path("", views.home, name="home"),
    path("archive/", include("archive.urls")),
    path("", include("memorials.urls")),
    path("search/", views.search_page, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
