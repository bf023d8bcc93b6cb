from django.core.files.storage import default_storage
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from portal import corrections, freshness, storage
from portal.addresses import tombstone
from portal.publishing import mark_preview

from . import citations, iiif, metadata, pictures, selectors
from .forms import ArchiveFilterForm
from .media import CONTENT_TYPES
from .models import Attachment

DOCUMENTS_PER_PAGE = 20


@freshness.public_page
def document_list(request):
    filters = ArchiveFilterForm(request.GET, present=selectors.filter_choices())
    status = 400 if filters.malformed() else 200
    matching = filters.filter(selectors.public_documents()).with_related()
    if status == 400:
        matching = matching.none()
    paginator = freshness.RememberedCountPaginator(
        matching, DOCUMENTS_PER_PAGE, name=freshness.list_name(request)
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filters": filters, "query": query.urlencode()}
    return render(request, "archive/document_list.html", context, status=status)


def _not_shown(request, year, slug):
    """404, or for a document withdrawn after it was public, its tombstone: 410 Gone with its
    title, issuer and date, and when and why it was withdrawn."""
    document = selectors.withdrawn_document(year, slug)
    if document is None:
        raise Http404
    return tombstone(
        request,
        document,
        title=document.title,
        language=document.language,
        byline=document.issuer.name,
        date=document.issued_on,
    )


@freshness.public_page(item_page=True)
def document_detail(request, year, slug):
    document = selectors.visible_document(request.user, year, slug)
    if document is None:
        return _not_shown(request, year, slug)
    document = corrections.preview(request, document)  # ?correction=<id>, for staff
    # First: it reads the document's attachments once (prefetched), for the whole page.
    scan = iiif.shown_scan(iiif.scan_pages_of(document))
    url = request.build_absolute_uri(document.get_absolute_url())
    images = pictures.by_role(document.attachments.all())  # the lead, the gallery, the files
    context = {
        "document": document,
        "images": images,
        "metadata": metadata.for_document(document, request, images=images),
        "citation": citations.chicago(document, url),
        "other_versions": document.other_language_versions(),
        "events": selectors.public_events_of(document),
        "scan": scan,
    }
    return mark_preview(render(request, "archive/document_detail.html", context), document)


def document_text(request, year, slug):
    """The stored text, byte for byte, as UTF-8."""
    document = selectors.visible_document(request.user, year, slug)
    if document is None:
        return _not_shown(request, year, slug)
    response = HttpResponse(document.text_bytes, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{document.issued_on:%Y-%m-%d}-{slug}.txt"'
    response["X-Checksum-SHA256"] = document.checksum
    return mark_preview(response, document)


CITATION_FORMATS = {
    "bib": (citations.bibtex, "application/x-bibtex; charset=utf-8"),
    "ris": (citations.ris, "application/x-research-info-systems; charset=utf-8"),
    "json": (citations.csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8"),
}


def document_citation(request, year, slug, format):
    """The document's citation for reference managers: BibTeX, RIS or CSL-JSON."""
    document = selectors.visible_document(request.user, year, slug)
    if document is None:
        return _not_shown(request, year, slug)
    render_citation, content_type = CITATION_FORMATS[format]
    url = request.build_absolute_uri(document.get_absolute_url())
    response = HttpResponse(render_citation(document, url), content_type=content_type)
    filename = f"{citations.citation_key(document)}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return mark_preview(response, document)


def _attachment_visible_at(request, path):
    """The attachment stored at ``path`` and its item, public first. The same bytes attached
    to a draft and to a public item are stored once: the public item's makes the file public,
    and the draft's neither hides it nor shows the draft."""
    return _first_visible(request, Attachment.objects.stored_at(path))


def _first_visible(request, attachments):
    """Of ``attachments``, one whose item is public and that item, else one whose item the
    user may preview, else (None, None)."""
    found = (None, None)
    for attachment in attachments.select_related("content_type"):
        model = attachment.content_type.model_class()
        visible = model._default_manager.visible_to(request.user)
        item = visible.filter(pk=attachment.object_id).first()
        if item is not None and item.is_public:
            return attachment, item
        if item is not None and found[0] is None:
            found = (attachment, item)
    return found


def attachment_file(request, path):
    """A stored attachment or one of its display sizes, only while its item is visible.

    Stored files are named by their checksum and never change, so a public one is cached for
    a year. Anything but an image is sent as a download, and never sniffed."""
    if path.startswith(iiif.PREFIX):
        return _scan_file(request, path.removeprefix(iiif.PREFIX))
    attachment, item = _attachment_visible_at(request, path)
    if attachment is None:
        raise Http404
    extension = path.rpartition(".")[2].lower()
    response = storage.file_response(
        attachment.file.storage,
        path,
        content_type=CONTENT_TYPES[extension],
        as_attachment=not attachment.is_image,
        filename=attachment.original_name if path == attachment.file.name else None,
    )
    if response is None:
        raise Http404
    response["X-Content-Type-Options"] = "nosniff"
    if item.is_public:
        patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    return mark_preview(response, item)


def _scan_file(request, path):
    """A file of a scan's image service (IIIF, level 0): a tile, a whole image at a listed
    size, or ``info.json``, only while a document showing the image is visible, as its scan's
    other files. Open to every origin when public, as IIIF viewers elsewhere need."""
    identifier = path.partition("/")[0]
    if not iiif.IDENTIFIER.fullmatch(identifier):
        raise Http404
    attachment, item = _first_visible(request, iiif.attachments_showing(identifier))
    if attachment is None:
        raise Http404
    if path == identifier:  # the service's own address leads to its description
        return HttpResponseRedirect(iiif.service_url(identifier) + "/info.json", status=303)
    stored = f"{iiif.PREFIX}{path}"
    if not iiif.SERVICE_PATH.fullmatch(path):
        raise Http404
    if path.endswith("/info.json"):
        if not default_storage.exists(stored):
            raise Http404
        response = HttpResponse(
            iiif.served_info(identifier, request), content_type=iiif.INFO_CONTENT_TYPE
        )
    else:
        response = storage.file_response(default_storage, stored, content_type="image/jpeg")
        if response is None:
            raise Http404
    response["X-Content-Type-Options"] = "nosniff"
    if item.is_public:
        response["Access-Control-Allow-Origin"] = "*"
        patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    return mark_preview(response, item)


@freshness.public_page(item_page=True)
def document_manifest(request, year, slug):
    """The IIIF Presentation API 3 manifest of a public document's scans. A draft has none,
    even for editors (viewers elsewhere would keep it); a withdrawn document answers with its
    tombstone; a document without a scan, 404."""
    document = selectors.public_documents().with_related()
    document = document.filter(issued_on__year=year, slug=slug).first()
    if document is None:
        return _not_shown(request, year, slug)
    pages = iiif.scan_pages_of(document)
    if not pages:
        raise Http404
    response = JsonResponse(
        iiif.manifest(document, pages, request),
        content_type=iiif.MANIFEST_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
