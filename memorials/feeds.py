from django.urls import reverse
from django.utils import timezone

from portal import dates
from portal.feeds import FEED_LENGTH, PortalFeed, midnight

from .models import Commemoration

FEED_LANGUAGE = "en"


class CommemorationsFeed(PortalFeed):
    title = "Commemoration portal: commemorations"
    subtitle = "Memorial meetings, vigils and other observances, latest first."

    def link(self):
        return reverse("memorials:calendar")

    def items(self):
        return (
            Commemoration.objects.public()
            .with_related()
            .order_by("-date", "-updated_at")[:FEED_LENGTH]
        )

    # The feed has one address in no language, and its own words are English: names and
    # texts are given in English where a translation is recorded, else as written.

    def item_title(self, commemoration):
        return f"{commemoration.name_for(FEED_LANGUAGE)[0]} ({commemoration.date_display})"

    def item_description(self, commemoration):
        event = commemoration.event.name_for(FEED_LANGUAGE)[0]
        parts = [f"{commemoration.get_kind_display()} for {event}."]
        if commemoration.place:
            parts.append(f"Place: {commemoration.place.name_for(FEED_LANGUAGE)[0]}.")
        parts.append(commemoration.text_for("description", FEED_LANGUAGE)[0])
        return " ".join(filter(None, parts))

    def item_link(self, commemoration):
        return commemoration.get_absolute_url()

    def item_pubdate(self, commemoration):
        """<published> is a moment: the commemoration's day when it is known. A date known
        only to the month or year has no day to give, and the entry no <published> (Atom
        makes it optional); its title says "January 2008"."""
        if commemoration.date_precision != dates.DAY:
            return None
        return midnight(commemoration.date)

    def item_updateddate(self, commemoration):
        return commemoration.updated_at or timezone.now()
