"""A URL configuration for the error-page tests: the site's own, plus a view that fails."""

from django.urls import path

from front.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("secret internals: SELECT password FROM users")


urlpatterns = [*site_urlpatterns, path("fail/", fail)]
