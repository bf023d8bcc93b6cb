"""How attached images are shown: which heads the page, which make its gallery, and what one
``<picture>`` needs (templates/includes/picture.html, through ``{% picture %}``).

Every page that shows an image goes through here, so every image is served the same way: a
WebP ``<source>`` and a JPEG ``<img>`` fallback, each with every stored width, with its width
and height (no layout shift), its alt text, caption, credit and rights statement; a sensitive
image behind a notice. A person's portrait (``Person.portrait``) is the person's lead image:
the page passes it as ``lead`` to ``by_role``; without one, an image whose role is "lead
image" heads the page, as on every other page.
"""

from dataclasses import dataclass, field

from portal.rights import Rights

from .media import RENDITION_WIDTHS
from .models import Attachment

# ``sizes`` by layout: how wide the image is shown (static/css/site.css), so the browser picks
# the smallest stored width that fills it.
LAYOUTS = {
    "lead": "(min-width: 42rem) 40rem, calc(100vw - 2rem)",
    "portrait": "(min-width: 48em) 18rem, calc(100vw - 2rem)",
    "gallery": "(min-width: 62rem) 18rem, (min-width: 36rem) calc(50vw - 2rem), calc(100vw - 2rem)",
}


@dataclass
class Images:
    """An item's attachments as its page shows them."""

    lead: Attachment | None = None
    gallery: list = field(default_factory=list)
    scans: list = field(default_factory=list)  # images of the original, for a scan viewer
    files: list = field(default_factory=list)  # PDFs and texts

    @property
    def pictures(self) -> list:
        """Every image, the lead first: what describes the item to machines (JSON-LD)."""
        return [self.lead, *self.gallery, *self.scans] if self.lead else self.gallery + self.scans


def by_role(attachments, lead=None) -> Images:
    """Sort attachments (in their order) by role. ``lead``, when given (a person's portrait),
    heads the page, and an image whose role is "lead image" then joins the gallery."""
    if isinstance(attachments, Images):
        return attachments
    images = Images(lead=lead)
    for attachment in attachments or []:
        if lead is not None and attachment.pk == lead.pk:
            continue
        if not attachment.is_image:
            images.files.append(attachment)
        elif attachment.role == Attachment.Role.LEAD and images.lead is None:
            images.lead = attachment
        elif attachment.role == Attachment.Role.SCAN:
            images.scans.append(attachment)
        else:
            images.gallery.append(attachment)
    return images


def stored_sizes(attachment, fallback: bool = False) -> list[tuple[int, str]]:
    """The stored widths of an image in WebP, or with ``fallback`` in JPEG, as (real width,
    address), narrowest first: a size is never wider than the original."""
    suffix = "_jpeg" if fallback else ""
    by_width = {}
    for name, width in RENDITION_WIDTHS.items():
        stored = getattr(attachment, f"{name}{suffix}")
        if stored and attachment.width:
            by_width.setdefault(min(width, attachment.width), stored.url)
    return sorted(by_width.items())


def srcset(attachment, fallback: bool = False) -> str:
    """The stored widths for ``srcset``: "…-thumbnail.webp 320w, …-medium.webp 640w, …"."""
    return ", ".join(f"{url} {width}w" for width, url in stored_sizes(attachment, fallback))


def rights_url(attachment) -> str:
    """The address of a file's rights statement, to link to: only one of ours (a bag could
    carry any text)."""
    return attachment.rights if attachment.rights in Rights.values else ""


@dataclass(frozen=True)
class Picture:
    attachment: Attachment
    webp_srcset: str
    fallback_srcset: str
    src: str
    sizes: str
    eager: bool
    blurred_url: str

    @property
    def sensitive(self) -> bool:
        return self.attachment.sensitive


def picture_of(attachment, *, layout: str = "gallery", sizes: str = "", eager: bool = False):
    """What ``includes/picture.html`` needs to show ``attachment``.

    The fallback is JPEG; an image stored before JPEGs were made (until ``make_renditions``
    runs) falls back to its WebP sizes, then to the stored file. A sensitive image is never
    loaded eagerly: lazy, inside a closed ``<details>``, the browser does not fetch it until
    the visitor opens it."""
    webp = srcset(attachment)
    jpeg = srcset(attachment, fallback=True)
    src = next(
        stored.url
        for stored in [
            attachment.display_jpeg,
            attachment.medium_jpeg,
            attachment.display,
            attachment.file,
        ]
        if stored
    )
    return Picture(
        attachment=attachment,
        webp_srcset=webp if jpeg else "",  # without JPEGs, the <img> itself takes the WebPs
        fallback_srcset=jpeg or webp,
        src=src,
        sizes=sizes or LAYOUTS.get(layout, LAYOUTS["gallery"]),
        eager=eager and not attachment.sensitive,
        blurred_url=attachment.blurred.url if attachment.blurred else "",
    )
