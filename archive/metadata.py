"""schema.org, Dublin Core and OpenGraph descriptions of document pages."""

from django.utils import formats
from django.utils.translation import gettext

from portal.metadata import Element, PageMetadata, organization

from . import pictures


def for_document(document, request, images=None) -> PageMetadata:
    url = request.build_absolute_uri(document.get_absolute_url())
    # In the reader's language, as the page's own description says it.
    description = document.text_for("summary")[0] or gettext(
        "%(kind)s issued by %(issuer)s on %(date)s."
    ) % {
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
    if images is None:
        images = pictures.by_role(document.attachments.all())
    image, image_opengraph = described_images(images, request)
    if image:
        json_ld["image"] = image
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
        *image_opengraph,
    ]
    return PageMetadata(
        url, document.title, description, "article", json_ld, dublin_core, opengraph
    )


def image_object(attachment, request) -> dict:
    """An image as a schema.org ImageObject: the file as stored, its rights statement's URI as
    the licence, and the credit the page shows."""
    data = {
        "@type": "ImageObject",
        "contentUrl": request.build_absolute_uri(attachment.file.url),
        "width": attachment.width,
        "height": attachment.height,
        "description": attachment.alt_text,
    }
    if attachment.thumbnail:
        data["thumbnailUrl"] = request.build_absolute_uri(attachment.thumbnail.url)
    if attachment.caption:
        data["caption"] = attachment.caption
    if attachment.rights:
        data["license"] = attachment.rights
    if attachment.credit:
        data["creditText"] = attachment.credit
    return data


def described_images(images, request) -> tuple:
    """An item's images (``pictures.Images``) for machines: schema.org's ``image`` (one
    ImageObject, or a list, the lead first) and OpenGraph's image (the lead's). Sensitive
    images are left out: search engines and link previews show an image without the notice
    the page puts before it."""
    shown = [image for image in images.pictures if not image.sensitive]
    if not shown:
        return None, []
    objects = [image_object(image, request) for image in shown]
    lead = shown[0]
    stored = lead.display_jpeg or lead.display or lead.file
    opengraph = [
        ("og:image", request.build_absolute_uri(stored.url)),
        ("og:image:alt", lead.alt_text),
    ]
    return (objects[0] if len(objects) == 1 else objects), opengraph
