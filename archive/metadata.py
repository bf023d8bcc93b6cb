"""schema.org, Dublin Core and OpenGraph descriptions of document pages."""

from portal.metadata import PageMetadata, organization


def for_document(document, request) -> PageMetadata:
    url = request.build_absolute_uri(document.get_absolute_url())
    description = document.summary or (
        f"{document.get_kind_display()} issued by {document.issuer.name} on "
        f"{document.issued_on:%-d %B %Y}."
    )
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
        ("DC.title", document.title),
        ("DC.creator", document.issuer.name),
        ("DC.publisher", document.issuer.name),
        ("DC.date", document.issued_on.isoformat()),
        ("DC.type", "Text"),
        ("DC.format", "text/html"),
        ("DC.language", document.language),
        ("DC.identifier", url),
        ("DC.description", description),
        *[("DC.subject", tag) for tag in tags],
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
