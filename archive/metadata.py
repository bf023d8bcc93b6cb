"""schema.org, Dublin Core and OpenGraph descriptions of document pages."""

from django.utils import formats
from django.utils.translation import gettext

from portal.metadata import Element, PageMetadata, organization


def for_document(document, request) -> PageMetadata:
    url = request.build_absolute_uri(document.get_absolute_url())
    # In the reader's language, as the page's own description says it.
    description = document.summary or gettext("%(kind)s issued by %(issuer)s on %(date)s.") % {
        "kind": document.get_kind_display(),
        "issuer": document.issuer.name,
        "date": formats.date_format(document.issued_on, "DATE_FORMAT"),
    }
    tags = [tag.name for tag in document.tags.all()]
    json_ld = {
        "@context": "https://schema.org",
        "@type": "Report" if document.kind == document.Kind.REPORT else "NewsArticle",
        "headline": document.title[:110],
        "name": document.title,
        "datePublished": document.issued_on.isoformat(),
        "dateModified": document.updated_at.isoformat(),
        "inLanguage": document.language,
        "author": organization(document.issuer),
        "publisher": organization(document.issuer),
        "url": url,
        "mainEntityOfPage": url,
        "description": description,
        "genre": document.get_kind_display(),
        "encoding": {
            "@type": "MediaObject",
            "contentUrl": request.build_absolute_uri(document.get_text_url()),
            "encodingFormat": "text/plain",
            "sha256": document.checksum,
        },
    }
    if tags:
        json_ld["keywords"] = ", ".join(tags)
    dublin_core = [
        Element("DC.title", document.title, document.language),
        Element("DC.creator", document.issuer.name),
        Element("DC.publisher", document.issuer.name),
        Element("DC.date", document.issued_on.isoformat()),
        Element("DC.type", "Text"),
        Element("DC.format", "text/html"),
        Element("DC.language", document.language),
        Element("DC.identifier", url),
        Element("DC.description", description),
        *[Element("DC.subject", tag) for tag in tags],
    ]
    opengraph = [
        ("article:published_time", document.issued_on.isoformat()),
        ("article:modified_time", document.updated_at.isoformat()),
        ("article:author", document.issuer.name),
        *[("article:tag", tag) for tag in tags],
    ]
    return PageMetadata(
        url, document.title, description, "article", json_ld, dublin_core, opengraph
    )
