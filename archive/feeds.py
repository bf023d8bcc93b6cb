from django.urls import reverse
from django.utils.text import Truncator

from portal.feeds import FEED_LENGTH, PortalFeed, midnight

from .models import Document


class DocumentsFeed(PortalFeed):
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
        # The feed is in English: the English summary where one is written or translated.
        return document.text_for("summary", "en")[0] or Truncator(document.body).words(60)

    def item_pubdate(self, document):
        return midnight(document.issued_on)

    def item_updateddate(self, document):
        return document.public_change_time

    def item_author_name(self, document):
        return document.issuer.name

    def item_categories(self, document):
        return [tag.name for tag in document.tags.all()]
