"""The documents in the read-only JSON API (/api/documents/)."""

from django.conf import settings
from django.shortcuts import get_object_or_404

from portal import freshness
from portal.api import BadRequest, json_endpoint, json_response, page_of

from . import iiif, pictures, selectors
from .forms import ArchiveFilterForm


def translated_text(item, field: str) -> dict:
    """An editor's text with its translations, in three keys: the original under the field's
    own name (as before translations were recorded, so existing readers keep working), its
    language, and the translations recorded, by language:
    ``{"summary": "…", "summary_language": "en", "summary_translations": {"az": "…"}}``."""
    translations = {
        language: item.translated(field, language)
        for language, _name in settings.LANGUAGES
        if language != item.texts_language and item.translated(field, language)
    }
    return {
        field: getattr(item, field),
        f"{field}_language": item.texts_language,
        f"{field}_translations": translations,
    }


def translated_name(item) -> dict:
    """The same for a name recorded in languages: ``"name"`` stays the name as the sources give
    it; ``"name_language"`` and ``"name_translations"`` come beside it."""
    translations = {
        language: getattr(item, f"name_{language}")
        for language, _name in settings.LANGUAGES
        if language != item.name_language and getattr(item, f"name_{language}", "")
    }
    return {
        "name": item.name,
        "name_language": item.name_language,
        "name_translations": translations,
    }


def image_data(request, attachment, role=None) -> dict:
    """An image with what may be done with it: its rights statement, credit and caption, its
    alt text, whether it is shown behind a notice (``sensitive``), and every stored size."""

    def address(stored):
        return request.build_absolute_uri(stored.url) if stored else None

    renditions = [
        {"url": request.build_absolute_uri(url), "width": width, "type": content_type}
        for fallback, content_type in [(False, "image/webp"), (True, "image/jpeg")]
        for width, url in pictures.stored_sizes(attachment, fallback=fallback)
    ]
    return {
        "role": role or attachment.role,
        "url": address(attachment.file),
        "display_url": address(attachment.display),
        "thumbnail_url": address(attachment.thumbnail),
        "renditions": renditions,
        "width": attachment.width,
        "height": attachment.height,
        "alt_text": attachment.alt_text,
        "caption": attachment.caption,
        "credit": attachment.credit,
        "rights": attachment.rights or None,
        "rights_label": str(attachment.get_rights_display()) if attachment.rights else None,
        "sensitive": attachment.sensitive,
    }


def images_data(request, images) -> list[dict]:
    """An item's images (``pictures.Images``), the lead first, labelled "lead" (a person's
    portrait is their lead image)."""
    lead = [image_data(request, images.lead, role="lead")] if images.lead else []
    return lead + [image_data(request, image) for image in images.gallery + images.scans]


def api_url(document) -> str:
    """A document's address in the API, as ``api-document`` reverses it: the year in four
    digits (portal/converters.py)."""
    return f"/api/documents/{document.issued_on.year:04d}/{document.slug}/"


def _document(request, document, *, full=False):
    data = {
        "url": request.build_absolute_uri(api_url(document)),
        "html_url": request.build_absolute_uri(document.get_absolute_url()),
        "text_url": request.build_absolute_uri(document.get_text_url()),
        "kind": document.kind,
        "title": document.title,
        "slug": document.slug,
        "issued_on": document.issued_on.isoformat(),
        "issuer": {"name": document.issuer.name, "slug": document.issuer.slug},
        "series": document.series,
        "reference_number": document.reference_number,
        "language": document.language,
        **translated_text(document, "summary"),
        "tags": [tag.name for tag in document.tags.all()],
        "checksum_sha256": document.checksum,
        "updated_at": document.updated_at.isoformat(),
    }
    if full:
        data["body"] = document.body
        data["editorial_notes"] = document.editorial_notes
        data["source_url"] = document.source_url
        data["provenance"] = document.provenance
        data["images"] = images_data(request, pictures.by_role(document.attachments.all()))
    return data


@json_endpoint
@freshness.public_page
def document_list(request):
    filters = ArchiveFilterForm(request.GET, present=selectors.filter_choices())
    for name, message in filters.malformed().items():
        raise BadRequest(name, message)
    return page_of(request, filters.filter(selectors.public_documents()).with_related(), _document)


@json_endpoint
@freshness.public_page(item_page=True)
def document_detail(request, year, slug):
    document = get_object_or_404(
        selectors.public_documents().with_related(), issued_on__year=year, slug=slug
    )
    data = _document(request, document, full=True)
    # The scan of the original, for IIIF viewers: null without one.
    manifest = iiif.has_scan(document) and iiif.manifest_url(document)
    data["iiif_manifest"] = request.build_absolute_uri(manifest) if manifest else None
    return json_response(data)
