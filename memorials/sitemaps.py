from django.urls import reverse

from portal.sitemaps import SECTION_SIZE, XMLSafeSitemap

from .models import Event, Person, Place


class EventSitemap(XMLSafeSitemap):
    def items(self):
        return Event.objects.public().order_by("pk")

    def lastmod(self, event):
        return event.updated_at


class PersonSitemap(XMLSafeSitemap):
    limit = SECTION_SIZE

    def items(self):
        return Person.objects.public().only("slug", "updated_at").order_by("pk")

    def entries(self, people):
        # One address resolved, the others written after it: only the slug differs.
        before, after = reverse("memorials:person", kwargs={"slug": "slug"}).split("/slug/")
        rows = people.values_list("slug", "updated_at")
        return [(f"{before}/{slug}/{after}", changed) for slug, changed in rows]

    def lastmod(self, person):
        return person.updated_at


class PlaceSitemap(XMLSafeSitemap):
    def items(self):
        return Place.objects.public().order_by("pk")

    def lastmod(self, place):
        return place.updated_at
