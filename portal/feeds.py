import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from archive.models import Document
from memorials.models import Commemoration

from .xmltext import XMLSafeAtom1Feed

FEED_LENGTH = 50


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class DocumentsFeed(Feed):
    feed_type = XMLSafeAtom1Feed  # text XML cannot carry drops out (portal/xmltext.py)
    title = "Commemoration portal: documents"
    subtitle = "Primary documents, newest first, with their text as issued."

    def link(self):
        return reverse("archive:document-list")

    def items(self):
        return (
            Document.objects.public()
            .with_related()
            .order_by("-issued_on", "-updated_at")[:FEED_LENGTH]
        )

    def item_title(self, document):
        return document.title

    def item_description(self, document):
        return document.summary or Truncator(document.body).words(60)

    def item_pubdate(self, document):
        return _midnight(document.issued_on)

    def item_updateddate(self, document):
        return document.public_change_time

    def item_author_name(self, document):
        return document.issuer.name

    def item_categories(self, document):
        return [tag.name for tag in document.tags.all()]


class CommemorationsFeed(Feed):
    feed_type = XMLSafeAtom1Feed  # text XML cannot carry drops out (portal/xmltext.py)
    title = "Commemoration portal: commemorations"
    subtitle = "Memorial meetings, vigils and other observances, latest first."

    def link(self):
        return reverse("memorials:calendar")

    def items(self):
        return (
            Commemoration.objects.of_public_events()
            .with_related()
            .order_by("-date", "-updated_at")[:FEED_LENGTH]
        )

    def item_title(self, commemoration):
        return f"{commemoration.name} ({commemoration.date_display})"

    def item_description(self, commemoration):
        parts = [f"{commemoration.get_kind_display()} for {commemoration.event.name}."]
        if commemoration.place:
            parts.append(f"Place: {commemoration.place.name}.")
        parts.append(commemoration.description)
        return " ".join(filter(None, parts))

    def item_link(self, commemoration):
        return commemoration.get_absolute_url()

    def item_pubdate(self, commemoration):
        return _midnight(commemoration.date)

    def item_updateddate(self, commemoration):
        return commemoration.updated_at or timezone.now()
