from django.db.models.functions import Greatest
from django.urls import reverse

from portal.sitemaps import SECTION_SIZE, XMLSafeSitemap

from .models import Document


class DocumentSitemap(XMLSafeSitemap):
    limit = SECTION_SIZE

    def items(self):
        return Document.objects.public().order_by("pk")

    def entries(self, documents):
        # One address resolved, the others written after it: the year and the slug are the
        # only parts that differ (a slug is letters, digits and hyphens, safe as it is).
        address = reverse("archive:document", kwargs={"year": 1000, "slug": "slug"})
        before, after = address.split("/1000/slug/")
        rows = documents.values_list("issued_on", "slug", Greatest("updated_at", "published_at"))
        return [
            (f"{before}/{issued_on.year:04d}/{slug}/{after}", changed)
            for issued_on, slug, changed in rows
        ]

    def location(self, document):
        return document.get_absolute_url()

    def lastmod(self, document):
        return document.public_change_time
