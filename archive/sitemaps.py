from django.db.models.functions import Greatest

from portal.sitemaps import SECTION_SIZE, XMLSafeSitemap

from .models import Document


class DocumentSitemap(XMLSafeSitemap):
    limit = SECTION_SIZE

    def items(self):
        return Document.objects.public().order_by("pk")

    def entries(self, documents):
        address = Document.address_writer()
        rows = documents.values_list("issued_on", "slug", Greatest("updated_at", "published_at"))
        return [(address(issued_on, slug), changed) for issued_on, slug, changed in rows]

    def location(self, document):
        return document.get_absolute_url()

    def lastmod(self, document):
        return document.public_change_time
