"""What every Atom feed shares; each app's feeds live beside its models (archive/feeds.py,
memorials/feeds.py)."""

import datetime

from django.contrib.syndication.views import Feed

from .xmltext import XMLSafeAtom1Feed

FEED_LENGTH = 50


def midnight(day: datetime.date) -> datetime.datetime:
    """A day as a moment, for feeds that date items by a day."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class PortalFeed(Feed):
    feed_type = XMLSafeAtom1Feed  # text XML cannot carry drops out (portal/xmltext.py)
