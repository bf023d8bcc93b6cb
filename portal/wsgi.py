import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()


def freeze_what_is_loaded():
    """Keep the objects loaded so far (modules, models, URL patterns: they live as long as the
    process) out of the garbage collector's passes. A full pass walks every object it tracks,
    and with these among them it pauses whichever request it falls in for tens of
    milliseconds; frozen, it walks only what requests leave behind."""
    from django.urls import get_resolver

    get_resolver().check()  # imports every app's URLs and views now, not on a request
    gc.collect()
    gc.freeze()


freeze_what_is_loaded()
