"""What every Atom feed shares; each app's feeds live beside its models (archive/feeds.py,
memorials/feeds.py)."""

import datetime

from django.contrib.syndication.views import Feed

from .metadata import SITE_NAME
from .xmltext import XMLSafeAtom1Feed

FEED_LENGTH = 50


def midnight(day: datetime.date) -> datetime.datetime:
    """A day as a moment, for feeds that date items by a day."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class PortalAtom1Feed(XMLSafeAtom1Feed):
    """Atom with summaries typed as what they hold. Django declares every summary ``html``; the
    portal's summaries are plain text (a document's summary or the start of its text), which a
    reader given ``html`` would read as markup: "<b>" in a text would turn bold, "AT&T" would
    be broken HTML. Each item says its type in ``summary_type`` (``PortalFeed.summary_type``)."""

    def add_item_elements(self, handler, item):
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": item["summary_type"]})


class PortalFeed(Feed):
    """An Atom feed of the portal. The feed names the portal as its author, as RFC 4287 asks
    of a feed whose entries may have none; each entry names its own (``item_author_name``), by
    default the portal too: it wrote the entry."""

    feed_type = PortalAtom1Feed  # text XML cannot carry drops out (portal/xmltext.py)
    author_name = SITE_NAME
    summary_type = "text"  # what item_description returns: "text", or "html" for markup

    def item_author_name(self, item):
        return SITE_NAME

    def item_extra_kwargs(self, item):
        return {**super().item_extra_kwargs(item), "summary_type": self.summary_type}
