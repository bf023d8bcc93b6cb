from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

import portal.converters  # noqa: F401 -- registers the <year:…> converter used below
from archive import api as archive_api
from archive import views as archive_views
from archive.feeds import DocumentsFeed
from memorials import api as memorials_api
from memorials import geo as memorials_geo
from memorials.feeds import CommemorationsFeed
from portal import freshness
from portal.admin import ThrottledAdminLoginForm
from portal.admin_language import choose_language
from portal.api import open_to_every_origin
from portal.sitemaps import section as sitemap_section

from . import oai, views
from .sitemaps import SITEMAPS

admin.site.login_form = ThrottledAdminLoginForm
admin.site.site_header = _("Commemoration portal — editors")
admin.site.site_title = _("Commemoration portal")
admin.site.index_title = _("Archive and memorials")

# Pages for people, in each interface language: English at the root, /az/…, /ru/….
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("archive/", include("archive.urls")),
    path("", include("memorials.urls")),
    path("search/", views.search_page, name="search"),
    prefix_default_language=False,
)

# Machine-readable endpoints and the admin: one address each, in no language.
urlpatterns += [
    path(
        "feeds/documents/",
        open_to_every_origin(freshness.public_page(DocumentsFeed())),
        name="feed-documents",
    ),
    path(
        "feeds/commemorations/",
        open_to_every_origin(freshness.public_page(CommemorationsFeed())),
        name="feed-commemorations",
    ),
    path(
        "sitemap.xml",
        freshness.public_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        freshness.public_page(sitemap_section),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("oai", open_to_every_origin(oai.endpoint), name="oai"),
    path("api/documents/", archive_api.document_list, name="api-documents"),
    path(
        "api/documents/<year:year>/<slug:slug>/", archive_api.document_detail, name="api-document"
    ),
    path("api/events/", memorials_api.event_list, name="api-events"),
    path("api/events/<slug:slug>/", memorials_api.event_detail, name="api-event"),
    path("api/people/", memorials_api.person_list, name="api-people"),
    path("api/people/<slug:slug>/", memorials_api.person_detail, name="api-person"),
    path("api/places.geojson", memorials_geo.places_geojson, name="api-places-geojson"),
    path("media/<path:path>", archive_views.attachment_file, name="attachment-file"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/language/", choose_language, name="admin-language"),
    path("admin/", admin.site.urls),
]
