"""Scans of the original as IIIF: the Image API 3 at level 0 and a Presentation API 3 manifest.

A scan is an attachment whose role is "scan of the original" (an image, or a PDF whose pages
are rendered to images). When it is saved, ``make_scan_pages`` makes its pages
(``ScanPage``) and, for each page, what a level-0 image service is: static JPEG tiles of
512 pixels at scale factors 1, 2, 4… and the whole image at each of those sizes, with an
``info.json`` that lists them. They are made once, stored through Django's default storage
under ``iiif/<identifier>/`` in the Image API's own URL layout
(``<region>/<size>/0/default.jpg``), and served like other media files, only while the
document is public (``archive.views.attachment_file``). No request ever resizes an image.

The identifier says what the page is made of, so a page is never made twice: an image's
SHA-256 (the attachment's checksum), or for a PDF's page the SHA-256 of the PDF's checksum,
the page number and the scale it is rendered at. An ``info.json`` is written last: when it
exists, the page's tiles are complete.

``manifest`` describes a document's scans for any IIIF viewer: one Canvas per page, each
painted with its image and pointing to its image service.
"""

import hashlib
import io
import json
import math
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image

from portal.rights import Rights

from . import media
from .models import Attachment, Document, ScanPage

PREFIX = "iiif/"
TILE_SIZE = 512
# The width the page's image has without JavaScript, at most: a level's size, never made
# for it alone.
FALLBACK_WIDTH = 1280
# A scanned document of more pages is split by the editor: rendering is done in the save.
MAX_PDF_PAGES = 200
# PDF pages are rendered at this resolution, lowered (to no less than the minimum, where small
# print stays legible) when the whole PDF would exceed the pixels one save may process.
PDF_DPI = 150
PDF_MIN_DPI = 72
JPEG_QUALITY = 85

IDENTIFIER = re.compile(r"[0-9a-f]{64}")
# Every path below an image's folder that a level-0 service serves (canonical Image API 3 URLs).
SERVICE_PATH = re.compile(
    r"(?P<identifier>[0-9a-f]{64})/"
    r"(?:info\.json|(?:full|\d+,\d+,\d+,\d+)/(?:max|\d+,\d+)/0/default\.jpg)"
)

IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
INFO_CONTENT_TYPE = f'application/ld+json;profile="{IMAGE_CONTEXT}"'
MANIFEST_CONTENT_TYPE = f'application/ld+json;profile="{PRESENTATION_CONTEXT}"'


# --- The image service: levels, tiles and info.json ----------------------------------------


def scale_factors(width: int, height: int) -> list[int]:
    """1, 2, 4… up to the first factor at which the whole image fits in one tile."""
    factors = [1]
    while max(math.ceil(width / factors[-1]), math.ceil(height / factors[-1])) > TILE_SIZE:
        factors.append(factors[-1] * 2)
    return factors


def level_size(width: int, height: int, factor: int) -> tuple[int, int]:
    """The image's size reduced by ``factor``, rounded up as the Image API's clients do."""
    return math.ceil(width / factor), math.ceil(height / factor)


def listed_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """The whole-image sizes ``info.json`` lists, smallest first: every reduced level, or the
    image itself when it has no other (its full size is always there, as ``full/max``)."""
    factors = scale_factors(width, height)
    sizes = [level_size(width, height, factor) for factor in factors if factor > 1]
    return sorted(sizes or [(width, height)])


def size_parameter(size: tuple[int, int], full: tuple[int, int]) -> str:
    """The canonical size of a whole image: ``max`` for its own size, ``w,h`` otherwise."""
    return "max" if size == full else f"{size[0]},{size[1]}"


def service_path(identifier: str) -> str:
    return f"{PREFIX}{identifier}"


def image_path(identifier: str, size: str = "max", region: str = "full") -> str:
    return f"{service_path(identifier)}/{region}/{size}/0/default.jpg"


def info_path(identifier: str) -> str:
    return f"{service_path(identifier)}/info.json"


def tile_paths(identifier: str, width: int, height: int):
    """Every tile, as (path in storage, scale factor, crop box in the reduced image)."""
    for factor in scale_factors(width, height):
        step = TILE_SIZE * factor
        for y in range(0, height, step):
            for x in range(0, width, step):
                region_width, region_height = min(step, width - x), min(step, height - y)
                size = level_size(region_width, region_height, factor)
                if (region_width, region_height) == (width, height):
                    region = "full"  # one tile is the whole image: its size at this level
                    size_text = size_parameter(size, (width, height))
                else:
                    region = f"{x},{y},{region_width},{region_height}"
                    size_text = f"{size[0]},{size[1]}"
                left, top = x // factor, y // factor
                box = (left, top, left + size[0], top + size[1])
                yield image_path(identifier, size_text, region), factor, box


def info(identifier: str, width: int, height: int, service_id: str) -> dict:
    """The image service's description (``info.json``), level 0."""
    return {
        "@context": IMAGE_CONTEXT,
        "id": service_id,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": width,
        "height": height,
        "sizes": [{"width": w, "height": h} for w, h in listed_sizes(width, height)],
        "tiles": [
            {"width": TILE_SIZE, "height": TILE_SIZE, "scaleFactors": scale_factors(width, height)}
        ],
    }


def _write(path: str, content: bytes) -> None:
    """Store ``content`` at exactly ``path`` (storage would otherwise pick another name)."""
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(content))


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def _rgb(image: Image.Image) -> Image.Image:
    """JPEG holds no transparency: transparent parts become white, as on paper."""
    if image.mode in {"RGB", "L"}:
        return image
    if "A" in image.getbands() or image.mode == "P":
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def write_image_service(image: Image.Image, identifier: str) -> tuple[int, int]:
    """Make the tiles, the whole image at each listed size and ``info.json`` of ``image``;
    return its width and height."""
    image = _rgb(image)
    width, height = image.size
    # Reduced by a box filter: each level's size exact, rounded up as clients compute it.
    levels = {
        factor: image.reduce(factor) if factor > 1 else image
        for factor in scale_factors(width, height)
    }
    _write(image_path(identifier), _jpeg(image))
    for level in levels.values():
        if level.size in listed_sizes(width, height):
            _write(image_path(identifier, f"{level.width},{level.height}"), _jpeg(level))
    for path, factor, box in tile_paths(identifier, width, height):
        if path.split("/")[2] != "full":  # a whole level is one of the images written above
            _write(path, _jpeg(levels[factor].crop(box)))
    # Written last: its presence says the service is complete. Its id is the service's path on
    # this site; the server answers with the whole address (``served_info``).
    description = info(identifier, width, height, service_id=service_url(identifier))
    _write(info_path(identifier), json.dumps(description, indent=1).encode())
    return width, height


def _service_size(identifier: str, make_image) -> tuple[int, int]:
    """The size of the image ``identifier``, its service made from ``make_image()`` unless
    it is stored already (the same scan saved again, or attached twice)."""
    stored = read_info(identifier)
    if stored is not None:
        return stored["width"], stored["height"]
    return write_image_service(make_image(), identifier)


def read_info(identifier: str) -> dict | None:
    path = info_path(identifier)
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as stored:
        return json.loads(stored.read())


def media_url(path: str) -> str:
    """A stored file's address on this site, its commas kept (the Image API's URLs have
    them; storage's ``url()`` would escape them)."""
    return reverse("attachment-file", kwargs={"path": path})


def service_url(identifier: str) -> str:
    """The image service's address on this site (``info.json``'s id, without the host)."""
    return media_url(service_path(identifier))


def served_info(identifier: str, request) -> bytes:
    """``info.json`` as served: its id the whole address the client asked at."""
    description = read_info(identifier)
    description["id"] = request.build_absolute_uri(service_url(identifier))
    return json.dumps(description, indent=1).encode()


# --- Pages of a scan -------------------------------------------------------------------------


def _unreadable_pdf(name: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” could not be read as a PDF (it is damaged, or protected by a "
            "password): it cannot be shown as a scan."
        ),
        code="scan_pdf",
        params={"name": name},
    )


def _open_pdf(content: bytes, name: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(content)
    except pdfium.PdfiumError:
        raise _unreadable_pdf(name) from None


def pdf_page_sizes(pdf: pdfium.PdfDocument, name: str = "") -> list[tuple[float, float]]:
    """Each page's width and height in points, or a ValidationError if the PDF has no page,
    too many, or a page without a size."""
    count = len(pdf)
    if not 0 < count <= MAX_PDF_PAGES:
        raise ValidationError(
            _(
                "“%(name)s” has %(count)s pages; a scan may have from 1 to %(limit)s. "
                "Attach it in parts."
            ),
            code="scan_pages",
            params={"name": name, "count": count, "limit": MAX_PDF_PAGES},
        )
    sizes = []
    for index in range(count):
        page = pdf[index]
        width, height = page.get_size()
        page.close()
        if not (width > 0 and height > 0):
            raise _unreadable_pdf(name)
        sizes.append((width, height))
    return sizes


def pdf_scales(sizes: list[tuple[float, float]], name: str = "") -> list[float]:
    """The scale at which each page is rendered (1 is 72 dpi): PDF_DPI, lowered so that no
    page has more pixels than an image may, and all pages together no more than one save may
    process; a ValidationError if that would be under PDF_MIN_DPI."""
    target = PDF_DPI / 72
    areas = [width * height for width, height in sizes]  # in square points
    scales = [min(target, math.sqrt(settings.MEDIA_MAX_IMAGE_PIXELS / area)) for area in areas]
    total = sum(area * scale**2 for area, scale in zip(areas, scales, strict=True))
    if total > settings.MEDIA_MAX_PIXELS_PER_SAVE:
        shrink = math.sqrt(settings.MEDIA_MAX_PIXELS_PER_SAVE / total) * 0.99
        if max(scales) * shrink < PDF_MIN_DPI / 72:
            raise ValidationError(
                _(
                    "“%(name)s” has too many pages, or pages too large, to be shown legibly "
                    "within the %(limit)s pixels one save may process. Attach it in parts."
                ),
                code="scan_pixels",
                params={"name": name, "limit": f"{settings.MEDIA_MAX_PIXELS_PER_SAVE:,}"},
            )
        scales = [scale * shrink for scale in scales]
    return scales


def scan_pixels(kind: str, content: bytes, name: str, width=None, height=None) -> int:
    """How many pixels making the pages of a scan processes, or a ValidationError saying why
    the file cannot be a scan (not an image or a PDF; a PDF unreadable or too large)."""
    if kind == media.IMAGE:
        return (width or 0) * (height or 0)
    if kind != media.PDF:
        raise ValidationError(
            _("“%(name)s”: a scan of the original must be an image or a PDF."),
            code="scan_kind",
            params={"name": name},
        )
    pdf = _open_pdf(content, name)
    try:
        sizes = pdf_page_sizes(pdf, name)
    finally:
        pdf.close()
    scales = pdf_scales(sizes, name)
    return sum(
        math.ceil(width * scale) * math.ceil(height * scale)
        for (width, height), scale in zip(sizes, scales, strict=True)
    )


def spend_pixels(budget, pixels: int, name: str) -> None:
    """Count a scan's pixels against the save's ``media.PixelBudget`` (if any), or refuse it
    before any work is done on it."""
    if budget is None:
        return
    if pixels > budget.left:
        raise ValidationError(
            _(
                "“%(name)s” was not processed: making the pages of a scan counts against the "
                "%(limit)s pixels one save may process. Save the scan on its own."
            ),
            code="save_pixels",
            params={"name": name, "limit": f"{settings.MEDIA_MAX_PIXELS_PER_SAVE:,}"},
        )
    budget.left -= pixels


def _pdf_page_identifier(checksum: str, number: int, scale: float) -> str:
    return hashlib.sha256(f"{checksum} page {number} at {scale:.6f}".encode()).hexdigest()


def _rendered(pdf: pdfium.PdfDocument, index: int, scale: float):
    def render() -> Image.Image:
        page = pdf[index]
        try:
            bitmap = page.render(scale=scale)
            image = bitmap.to_pil().convert("RGB")
            bitmap.close()
        finally:
            page.close()
        return image

    return render


def _stored_image(attachment):
    def load() -> Image.Image:
        with attachment.file.open("rb") as stored:
            image = Image.open(io.BytesIO(stored.read()))
            image.load()
        return image

    return load


def make_scan_pages(attachment) -> list[ScanPage]:
    """Remove the attachment's pages, and make them again if it is a scan: one page for an
    image, one per page of a PDF, each with its image service (made only if it is not stored
    yet). Called when an attachment is saved with a new file or a new role."""
    ScanPage.objects.filter(attachment=attachment).delete()
    if attachment.role != Attachment.Role.SCAN or not attachment.file:
        return []
    pages = []
    if attachment.kind == media.IMAGE:
        identifier = attachment.checksum
        pages.append((identifier, _service_size(identifier, _stored_image(attachment))))
    elif attachment.kind == media.PDF:
        with attachment.file.open("rb") as stored:
            content = stored.read()
        pdf = _open_pdf(content, attachment.original_name)
        try:
            scales = pdf_scales(pdf_page_sizes(pdf, attachment.original_name))
            for index, scale in enumerate(scales):
                identifier = _pdf_page_identifier(attachment.checksum, index + 1, scale)
                size = _service_size(identifier, _rendered(pdf, index, scale))
                pages.append((identifier, size))
        finally:
            pdf.close()
    return ScanPage.objects.bulk_create(
        ScanPage(
            attachment=attachment,
            number=number,
            image=image_path(identifier),
            width=width,
            height=height,
            identifier=identifier,
        )
        for number, (identifier, (width, height)) in enumerate(pages, start=1)
    )


# --- Reads -------------------------------------------------------------------------------------


def _scans_of(model):
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(model), role=Attachment.Role.SCAN
    )


def scan_pages_of(document) -> list[ScanPage]:
    """The pages of a document's scans, in the attachments' order, then the pages'. The
    document's attachments are read once, for the page's other uses too: a document without
    a scan costs no other query."""
    prefetch_related_objects([document], "attachments")
    scans = {a.pk: a for a in document.attachments.all() if a.role == Attachment.Role.SCAN}
    if not scans:
        return []
    pages = list(ScanPage.objects.filter(attachment__in=list(scans)).exclude(identifier=""))
    for page in pages:
        page.attachment = scans[page.attachment_id]
    order = {pk: index for index, pk in enumerate(scans)}  # the attachments' own order
    return sorted(pages, key=lambda page: (order[page.attachment_id], page.number))


def has_scan(document) -> bool:
    attachments = _scans_of(Document).filter(object_id=document.pk)
    return ScanPage.objects.filter(attachment__in=attachments).exclude(identifier="").exists()


def with_scan_flag(documents):
    """Documents annotated with ``has_scan``: whether a scan of theirs has pages."""
    pages = ScanPage.objects.filter(
        attachment__in=_scans_of(Document).filter(object_id=OuterRef(OuterRef("pk")))
    ).exclude(identifier="")
    return documents.annotate(has_scan=Exists(pages))


def attachments_showing(identifier: str):
    """The scans one of whose pages is the image ``identifier``."""
    return Attachment.objects.filter(
        role=Attachment.Role.SCAN, pages__identifier=identifier
    ).distinct()


def manifest_url(document) -> str:
    return reverse(
        "archive:document-manifest",
        kwargs={"year": document.issued_on.year, "slug": document.slug},
    )


@dataclass
class ShownPage:
    """A page of a scan as the document's page shows it: without JavaScript an image of a
    listed size, linked to the whole image; with it, the viewer opens ``info_url``."""

    page: ScanPage
    alt: str
    image_url: str
    width: int
    height: int
    full_url: str
    info_url: str


@dataclass
class Source:
    """Whose a scan is and what may be done with it, shown under the viewer."""

    credit: str
    rights: str  # the statement's name
    rights_url: str  # its address, only one of ours (a bag could carry any text)


@dataclass
class ShownScan:
    pages: list[ShownPage]
    sources: list[Source]
    manifest_type: str = MANIFEST_CONTENT_TYPE


def shown_scan(pages: list[ScanPage]) -> ShownScan | None:
    """A document's scan as its page shows it, or None without one."""
    if not pages:
        return None
    attachments = {page.attachment_id: page.attachment for page in pages}.values()
    sources = [
        Source(
            credit=attachment.credit,
            rights=attachment.get_rights_display() if attachment.rights else "",
            rights_url=attachment.rights if attachment.rights in Rights.values else "",
        )
        for attachment in attachments
        if attachment.credit or attachment.rights
    ]
    return ShownScan(pages=shown_pages(pages), sources=sources)


def shown_pages(pages: list[ScanPage]) -> list[ShownPage]:
    count = len(pages)
    shown = []
    for page in pages:
        description = page.attachment.alt_text or _("Scan of the original")
        if count > 1:
            description = _("%(description)s, page %(number)s of %(count)s") % {
                "description": description,
                "number": len(shown) + 1,
                "count": count,
            }
        width, height = fallback_size(page)
        shown.append(
            ShownPage(
                page=page,
                alt=description,
                image_url=fallback_url(page),
                width=width,
                height=height,
                full_url=media_url(image_path(page.identifier)),
                info_url=info_url(page),
            )
        )
    return shown


def fallback_size(page) -> tuple[int, int]:
    """The listed size shown without JavaScript: the widest no wider than FALLBACK_WIDTH."""
    sizes = listed_sizes(page.width, page.height)
    fitting = [size for size in sizes if size[0] <= FALLBACK_WIDTH]
    return fitting[-1] if fitting else sizes[0]


def fallback_url(page) -> str:
    size = fallback_size(page)
    full = (page.width, page.height)
    return media_url(image_path(page.identifier, size_parameter(size, full)))


def info_url(page) -> str:
    return media_url(info_path(page.identifier))


# --- The manifest ----------------------------------------------------------------------------


def iiif_rights(uri: str) -> str:
    """A rights statement as the Presentation API takes it: Creative Commons' URIs in their
    canonical http form (RightsStatements.org's are http already)."""
    return re.sub(r"^https://creativecommons\.org/", "http://creativecommons.org/", uri)


def _text(value: str, language: str | None = None) -> dict:
    return {language or "none": [value]}


def _label(value) -> dict:
    """An interface string in the reader's language."""
    return {translation.get_language() or settings.LANGUAGE_CODE: [str(value)]}


def _attribution(attachment) -> dict:
    return {"label": _label(_("Credit")), "value": _text(attachment.credit)}


def manifest(document, pages: list[ScanPage], request) -> dict:
    """The document's Presentation API 3 manifest: its title, issuer, date and reference; the
    credit and rights statement of its scans; one Canvas per page of them."""
    document_url = request.build_absolute_uri(document.get_absolute_url())
    attachments = list({page.attachment_id: page.attachment for page in pages}.values())
    metadata = [
        {"label": _label(_("Issuer")), "value": _text(document.issuer.name)},
        {"label": _label(_("Issued on")), "value": _text(document.issued_on.isoformat())},
    ]
    if document.reference_number:
        metadata.append(
            {"label": _label(_("Reference")), "value": _text(document.reference_number)}
        )
    data = {
        "@context": PRESENTATION_CONTEXT,
        "id": request.build_absolute_uri(manifest_url(document)),
        "type": "Manifest",
        "label": _text(document.title, document.language),
        "metadata": metadata,
        "navDate": f"{document.issued_on.isoformat()}T00:00:00Z",
        "homepage": [
            {
                "id": document_url,
                "type": "Text",
                "label": _text(document.title, document.language),
                "format": "text/html",
            }
        ],
        "rendering": [
            {
                "id": request.build_absolute_uri(document.get_text_url()),
                "type": "Text",
                "label": _label(_("Text as issued (UTF-8)")),
                "format": "text/plain",
            }
        ],
    }
    credits = [attachment for attachment in attachments if attachment.credit]
    if credits:
        data["requiredStatement"] = {
            "label": _label(_("Credit")),
            "value": _text("; ".join(dict.fromkeys(a.credit for a in credits))),
        }
    rights = {attachment.rights for attachment in attachments}
    if len(rights) == 1 and "" not in rights:
        data["rights"] = iiif_rights(rights.pop())
    data["items"] = [
        _canvas(document_url, page, number, request) for number, page in enumerate(pages, 1)
    ]
    if pages:
        data["thumbnail"] = [_image(pages[0], request, listed_sizes(*_size(pages[0]))[0])]
    return data


def _size(page) -> tuple[int, int]:
    return page.width, page.height


def _image(page, request, size: tuple[int, int]) -> dict:
    path = image_path(page.identifier, size_parameter(size, _size(page)))
    return {
        "id": request.build_absolute_uri(media_url(path)),
        "type": "Image",
        "format": "image/jpeg",
        "width": size[0],
        "height": size[1],
        "service": [
            {
                "id": request.build_absolute_uri(service_url(page.identifier)),
                "type": "ImageService3",
                "profile": "level0",
            }
        ],
    }


def _canvas(document_url: str, page: ScanPage, number: int, request) -> dict:
    """A page of the scans, labelled with its place among all of them."""
    canvas_id = f"{document_url}canvas/{page.attachment_id}-{page.number}"
    attachment = page.attachment
    canvas = {
        "id": canvas_id,
        "type": "Canvas",
        "label": _label(_("Page %(number)s") % {"number": number}),
        "width": page.width,
        "height": page.height,
        "items": [
            {
                "id": f"{canvas_id}/page",
                "type": "AnnotationPage",
                "items": [
                    {
                        "id": f"{canvas_id}/image",
                        "type": "Annotation",
                        "motivation": "painting",
                        "body": _image(page, request, _size(page)),
                        "target": canvas_id,
                    }
                ],
            }
        ],
    }
    if attachment.credit:
        canvas["requiredStatement"] = _attribution(attachment)
    if attachment.rights:
        canvas["rights"] = iiif_rights(attachment.rights)
    return canvas
