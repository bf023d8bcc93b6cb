"""Files attached to documents, events and people: checked, cleaned and sized once, on upload.

``prepare_upload`` is the only door in. It refuses anything that is not what its name says
(only JPEG, PNG and WebP images, PDF and UTF-8 text), anything over the size limit, and images
over the pixel limit — read from the header before a single pixel is decoded, so a
decompression bomb costs nothing. Images are re-encoded, which drops GPS and every other EXIF
field (the orientation is applied first), and their display sizes are made here, once, so no
request ever resizes an image: each width in WebP and in JPEG (the fallback of ``<picture>``),
and a tiny, heavily blurred JPEG that stands in for an image marked sensitive until the
visitor chooses to see it (``make_renditions`` makes them for files stored before).
"""

import io
import os
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

IMAGE, PDF, TEXT = "image", "pdf", "text"

# Extension → (kind, the Pillow format the content must have).
EXTENSIONS = {
    "jpg": (IMAGE, "JPEG"),
    "jpeg": (IMAGE, "JPEG"),
    "png": (IMAGE, "PNG"),
    "webp": (IMAGE, "WEBP"),
    "pdf": (PDF, None),
    "txt": (TEXT, None),
}
# How stored files are served, by extension (display sizes are all .webp).
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
}
# Display sizes, by name, as widths in pixels. Never wider than the original. Each is stored
# in WebP (field ``<name>``) and in JPEG (field ``<name>_jpeg``).
RENDITION_WIDTHS = {"thumbnail": 320, "medium": 640, "display": 1280}
# The stand-in for a sensitive image: so few pixels, blurred, that it shows colours and no
# detail; the page scales it up and blurs it again.
BLURRED_WIDTH = 24
BLURRED_RADIUS = 2
JPEG_RENDITION_QUALITY = 82


@dataclass
class PreparedFile:
    original_name: str
    kind: str
    extension: str
    content: bytes
    width: int | None = None
    height: int | None = None
    renditions: dict[str, bytes] = field(default_factory=dict)  # name → WebP bytes
    jpeg_renditions: dict[str, bytes] = field(default_factory=dict)  # name → JPEG bytes
    blurred: bytes = b""  # the sensitive image's stand-in (JPEG)


@dataclass
class Renditions:
    """An image's display sizes: by name, in WebP and in JPEG, and its blurred stand-in."""

    webp: dict[str, bytes]
    jpeg: dict[str, bytes]
    blurred: bytes


def prepare_upload(upload, *, renditions: bool = True) -> PreparedFile:
    """Check an uploaded file and return what to store, or raise ValidationError. Without
    ``renditions``, an image's display sizes are left to be made later, from the stored
    original (``Attachment.make_renditions``, in a job: archive/tasks.py)."""
    name = os.path.basename(upload.name or "")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in EXTENSIONS:
        raise ValidationError(
            _(
                "“%(name)s”: only JPEG, PNG and WebP images, PDF and plain-text (.txt) files "
                "can be attached."
            ),
            code="file_type",
            params={"name": name},
        )
    limit = settings.MEDIA_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise _too_large(name, limit)
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _too_large(name, limit)
    kind, image_format = EXTENSIONS[extension]
    if kind == IMAGE:
        return _prepare_image(name, extension, content, image_format, renditions)
    if kind == PDF and not content.startswith(b"%PDF-"):
        raise _not_what_it_says(name, _("a PDF"))
    if kind == TEXT:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise _not_what_it_says(name, _("UTF-8 plain text")) from None
        if "\x00" in text:
            raise _not_what_it_says(name, _("UTF-8 plain text"))
    return PreparedFile(name, kind, extension, content)


def image_pixels(upload) -> int:
    """How many pixels an uploaded image has, read from its header alone (0 for anything that
    is not a readable image: ``prepare_upload`` says what is wrong with it)."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return 0
    finally:
        upload.seek(0)
    return width * height


class PixelBudget:
    """The pixels one save may process: making display sizes takes time in proportion to them,
    and a save must finish well within the server's request timeout."""

    def __init__(self, limit: int):
        self.left = limit

    def spend(self, upload) -> None:
        """Count ``upload`` against the budget, or refuse it before any work is done on it."""
        pixels = image_pixels(upload)
        if pixels > self.left:
            raise ValidationError(
                _(
                    "“%(name)s” was not processed: the images of one save may have at most "
                    "%(limit)s pixels together. Save the others first, then add this one."
                ),
                code="save_pixels",
                params={
                    "name": os.path.basename(upload.name or ""),
                    "limit": f"{settings.MEDIA_MAX_PIXELS_PER_SAVE:,}",
                },
            )
        self.left -= pixels


def _too_large(name, limit):
    return ValidationError(
        _("“%(name)s” is larger than %(limit)s, the largest file that can be attached."),
        code="file_size",
        params={"name": name, "limit": filesizeformat(limit)},
    )


def _not_what_it_says(name, expected):
    return ValidationError(
        _("“%(name)s” is not %(expected)s, as its name says."),
        code="file_content",
        params={"name": name, "expected": expected},
    )


def _prepare_image(name, extension, content, image_format, renditions=True) -> PreparedFile:
    max_pixels = settings.MEDIA_MAX_IMAGE_PIXELS
    too_many_pixels = ValidationError(
        _("“%(name)s” has more than %(limit)s pixels, the most an image may have."),
        code="image_pixels",
        params={"name": name, "limit": f"{max_pixels:,}"},
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, on huge images; both mean the same to us.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content), formats=["JPEG", "PNG", "WEBP"])
            if image.format != image_format:
                raise _not_what_it_says(name, _("a %(format)s image") % {"format": image_format})
            width, height = image.size
            if width * height > max_pixels:
                raise too_many_pixels
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _not_what_it_says(
            name, _("a readable %(format)s image") % {"format": image_format}
        ) from None

    # Apply the EXIF orientation to the pixels; re-encoding without EXIF then drops the rest.
    image = ImageOps.exif_transpose(image)
    cleaned = _encode(image, image_format)
    made = make_renditions(image) if renditions else Renditions({}, {}, b"")
    return PreparedFile(
        name,
        IMAGE,
        extension,
        cleaned,
        width=image.width,
        height=image.height,
        renditions=made.webp,
        jpeg_renditions=made.jpeg,
        blurred=made.blurred,
    )


def make_renditions(image) -> Renditions:
    """Every display size of an (already cleaned and oriented) image."""
    webp, jpeg = {}, {}
    for rendition, target_width in RENDITION_WIDTHS.items():
        copy = image.copy()
        copy.thumbnail((min(target_width, image.width), image.height * 4))
        webp[rendition] = _encode(copy, "WEBP")
        jpeg[rendition] = _encode(_flattened(copy), "JPEG", quality=JPEG_RENDITION_QUALITY)
    tiny = _flattened(image.copy())
    tiny.thumbnail((min(BLURRED_WIDTH, image.width), image.height * 4))
    tiny = tiny.filter(ImageFilter.GaussianBlur(BLURRED_RADIUS))
    return Renditions(webp, jpeg, _encode(tiny, "JPEG", quality=40))


def renditions_of_stored(content: bytes) -> Renditions:
    """The display sizes of a stored original (``prepare_upload`` cleaned it already)."""
    with Image.open(io.BytesIO(content), formats=["JPEG", "PNG", "WEBP"]) as image:
        image.load()
        return make_renditions(image)


def _flattened(image):
    """RGB pixels for a JPEG: transparency laid on white (not on black, as a plain conversion
    would), any other mode converted."""
    if image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        if "icc_profile" in image.info:
            background.info["icc_profile"] = image.info["icc_profile"]
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _encode(image, image_format, quality=None) -> bytes:
    """The image's pixels in ``image_format``, with no metadata but its colour profile."""
    options = {"icc_profile": image.info.get("icc_profile")}
    if image_format == "JPEG":
        image = image.convert("RGB") if image.mode not in {"RGB", "L", "CMYK"} else image
        options.update(quality=quality or 95, optimize=True)
    elif image_format == "WEBP":
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        options.update(quality=85, method=4)
    elif image.mode not in {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}:
        image = image.convert("RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **{k: v for k, v in options.items() if v})
    return buffer.getvalue()
