from portal.sitemaps import SECTION_SIZE, XMLSafeSitemap

from .models import Document


class DocumentSitemap(XMLSafeSitemap):
    limit = SECTION_SIZE

    def items(self):
        return (
            Document.objects.public()
            .only("slug", "issued_on", "updated_at", "published_at")
            .order_by("pk")
        )

    def lastmod(self, document):
        return document.public_change_time
