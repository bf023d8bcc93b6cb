"""The documents in the read-only JSON API (/api/documents/)."""

from django.shortcuts import get_object_or_404

from portal import freshness
from portal.api import BadRequest, json_endpoint, json_response, page_of

from . import iiif, selectors
from .forms import ArchiveFilterForm


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
        "summary": document.summary,
        "tags": [tag.name for tag in document.tags.all()],
        "checksum_sha256": document.checksum,
        "updated_at": document.updated_at.isoformat(),
    }
    if full:
        data["body"] = document.body
        data["editorial_notes"] = document.editorial_notes
        data["source_url"] = document.source_url
        data["provenance"] = document.provenance
    return data


@json_endpoint
@freshness.public_page
def document_list(request):
    filters = ArchiveFilterForm(request.GET, present=selectors.filter_choices())
    for name, message in filters.malformed().items():
        raise BadRequest(name, message)
    return page_of(request, filters.filter(selectors.public_documents()).with_related(), _document)


@json_endpoint
@freshness.public_page
def document_detail(request, year, slug):
    document = get_object_or_404(
        selectors.public_documents().with_related(), issued_on__year=year, slug=slug
    )
    data = _document(request, document, full=True)
    # The scan of the original, for IIIF viewers: null without one.
    manifest = iiif.has_scan(document) and iiif.manifest_url(document)
    data["iiif_manifest"] = request.build_absolute_uri(manifest) if manifest else None
    return json_response(data)
