"""The admin in the editor's language: English, Azerbaijani or Russian, chosen in the admin's
header and remembered.

Public pages take their language from the address (``/az/…``, ``/ru/…``, English at the root);
the admin has one address in no language, so Django's LocaleMiddleware always gives it English.
Here the admin's pages (the login page too) take the language the editor chose, kept in the
language cookie, or else the one their browser asks for (Accept-Language). The cookie decides
nothing on public pages: their address does.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

# The choice is kept a year when the settings give the cookie no age (a browser session).
REMEMBERED_FOR = 365 * 24 * 60 * 60


def admin_prefix() -> str | None:
    """The admin's address, or None where the URLs have no admin (a site without it)."""
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return None


def admin_language(request) -> str:
    """The chosen language (the cookie), else the browser's, else the site's default."""
    return translation.get_language_from_request(request, check_path=False)


class AdminLanguageMiddleware:
    """After LocaleMiddleware: under the admin's address, the editor's language instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = admin_prefix()
        if prefix is None or not request.path_info.startswith(prefix):
            return self.get_response(request)
        language = admin_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # LocaleMiddleware, whose response comes after this one's, sets Content-Language from
        # the language active then: the editor's.
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response


@require_POST
def choose_language(request):
    """The header's language chooser: remembers the choice in the language cookie and goes back
    to the admin page it was made on (never to another site)."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("No such language."))
    destination = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        destination, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not safe or not destination.startswith(admin_prefix()):
        destination = admin_prefix()
    response = HttpResponseRedirect(destination)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or REMEMBERED_FOR,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
