import contextlib
import datetime
import hashlib

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.functions import ExtractYear, Greatest
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from portal import dates
from portal.naming import TranslatedTexts
from portal.publishing import Publishable, PublishableQuerySet
from portal.revisions import HistoricalRelations
from portal.rights import Rights
from portal.search import SearchData
from portal.text import CleanText

from .media import renditions_of_stored


def sha256_of_text(text: str) -> str:
    """The fixity checksum of a stored text: SHA-256 of its UTF-8 bytes, as served by .txt."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    AZERBAIJANI = "az", _("Azerbaijani")
    RUSSIAN = "ru", _("Russian")
    TURKISH = "tr", _("Turkish")
    FRENCH = "fr", _("French")
    GERMAN = "de", _("German")
    SPANISH = "es", _("Spanish")
    ARABIC = "ar", _("Arabic")


class OrganizationManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organization(CleanText, models.Model):
    class Kind(models.TextChoices):
        MISSION = "mission", _("Diplomatic mission")
        MINISTRY = "ministry", _("Ministry")
        GOVERNMENT = "government", _("Government body")
        INTERNATIONAL = "international", _("International organization")
        NGO = "ngo", _("Non-governmental organization")
        MEDIA = "media", _("Media")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name_variants = models.TextField(
        _("name variants"),
        blank=True,
        help_text=_(
            "Other names the organization appears under in documents, one per line "
            "(for example the heading of its press releases). The importer matches these."
        ),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(_("country"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = OrganizationManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def search_dependents(self):
        """Documents show their issuer's name in search results."""
        return self.documents.all()

    @property
    def is_public(self) -> bool:
        """Whether a public document names it as issuer, or a public commemoration as organizer
        (an organization has no page of its own)."""
        return self.pk is not None and (
            self.documents.public().exists() or self.commemorations.public().exists()
        )

    def all_names(self) -> list[str]:
        """The name, the short name and every recorded variant."""
        names = [self.name, self.short_name, *self.name_variants.splitlines()]
        return [name.strip() for name in names if name.strip()]


class DocumentQuerySet(PublishableQuerySet):
    def with_related(self):
        """What list and detail pages show of each document, in a constant number of queries."""
        return self.select_related("issuer").prefetch_related("tags")

    def issued_on_this_day(self, day: datetime.date, since_year: int):
        """Documents issued on ``day``'s month and day in an earlier year, from ``since_year``.
        Naming the dates lets the database use its index on the issue date, where comparing
        month and day would read every document."""
        dates = []
        for year in range(since_year, day.year):
            with contextlib.suppress(ValueError):  # 29 February in a common year
                dates.append(day.replace(year=year))
        return self.filter(issued_on__in=dates)

    def earliest_year(self) -> int | None:
        earliest = self.aggregate(earliest=models.Min("issued_on"))["earliest"]
        return earliest and earliest.year

    def with_public_change_time(self):
        """Annotate ``changed_at``: when the public last saw the document change. A document
        scheduled for later becomes public without being saved, so harvesters asking "what
        changed since" must see its publish time, not its last save."""
        return self.annotate(changed_at=Greatest("updated_at", "published_at"))


class DocumentManager(models.Manager.from_queryset(DocumentQuerySet)):
    def get_by_natural_key(self, issuer_slug, issued_on, slug):
        return self.get(issuer__slug=issuer_slug, issued_on=issued_on, slug=slug)


class Document(CleanText, TranslatedTexts, Publishable):
    # Editors' texts only: the text as issued is never translated in place.
    translated_fields = ("summary",)
    # The text as issued is the record: no correction of a live document changes it
    # (portal/corrections.py); a correction of the text goes to the editorial notes.
    kept_as_issued = ("body",)

    class Kind(models.TextChoices):
        PRESS_RELEASE = "press-release", _("Press release")
        STATEMENT = "statement", _("Statement")
        LETTER = "letter", _("Letter")
        SPEECH = "speech", _("Speech")
        REPORT = "report", _("Report")
        ARTICLE = "article", _("Article")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=500, help_text=_("As issued."))
    slug = models.SlugField(
        _("slug"), max_length=200, help_text=_("Unique within the year of issue; used in the URL.")
    )
    issuer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("issuer"),
    )
    issued_on = models.DateField(_("issued on"))
    series = models.CharField(
        _("series or label"),
        max_length=200,
        blank=True,
        help_text=_('For example "Special Issue".'),
    )
    reference_number = models.CharField(_("reference number"), max_length=100, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    body = models.TextField(
        _("text as issued"),
        help_text=_(
            "The document's text exactly as issued, with its own spelling. Never corrected: "
            "corrections and commentary go into the summary or the editorial notes."
        ),
    )
    checksum = models.CharField(
        _("SHA-256 checksum"),
        max_length=64,
        editable=False,
        db_index=True,
        help_text=_("Fixity checksum of the text as issued (UTF-8)."),
    )
    summary = models.TextField(_("summary"), blank=True)
    editorial_notes = models.TextField(
        _("editorial notes"),
        blank=True,
        help_text=_(
            "Corrections, context and commentary by the editors. Shown apart from the text."
        ),
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    provenance = models.TextField(
        _("provenance"), blank=True, help_text=_("Where this copy of the document comes from.")
    )
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
        db_index=False,  # indexed where set (Meta): see there
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    tags = TaggableManager(blank=True, verbose_name=_("tags"))
    attachments = GenericRelation("archive.Attachment")

    objects = DocumentManager()
    history = HistoricalRecords(bases=[HistoricalRelations])

    class Meta:
        ordering = ["-issued_on", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("publish_document", _("Can publish, schedule and withdraw documents"))]
        constraints = [
            # The public URL is /archive/<year>/<slug>/, so a slug may repeat across years
            # (a yearly statement keeps its title) but never within one.
            models.UniqueConstraint(
                ExtractYear("issued_on"), "slug", name="archive_document_unique_slug_per_year"
            ),
        ]
        # The archive's order, so a page of the list reads 20 rows of the index, not a sort of
        # every public document.
        indexes = [
            # … and counts them from it alone, without reading every document's text.
            models.Index(
                fields=["status", "-issued_on", "title", "published_at"],
                name="archive_doc_public_idx",
            ),
            # Only translations: an index holding every document's NULL makes planners judge
            # "translations of X" as matching all documents and read the whole table.
            models.Index(
                fields=["translation_of"],
                condition=models.Q(translation_of__isnull=False),
                name="archive_doc_translations_idx",
            ),
            # Whether any public document is of a kind, or in a language (the archive's filters
            # offer only those): one seek each, where a DISTINCT would read a whole index.
            models.Index(
                fields=["status", "kind", "published_at"],
                name="archive_doc_kind_idx",
            ),
            models.Index(
                fields=["status", "language", "published_at"],
                name="archive_doc_language_idx",
            ),
            # Withdrawn documents (OAI-PMH's deleted records, tombstones): a few among many.
            models.Index(
                fields=["withdrawn_at"],
                condition=models.Q(withdrawn_at__isnull=False),
                name="archive_doc_withdrawn_idx",
            ),
            # OAI-PMH harvests in order of public change time (with_public_change_time()).
            models.Index(
                Greatest("updated_at", "published_at"),
                models.F("id"),
                name="archive_doc_changed_idx",
            ),
        ]

    def __str__(self):
        # In the reader's language (the admin's): "Statement (21 January 2008)".
        return f"{self.title} ({formats.date_format(self.issued_on, 'DATE_FORMAT')})"

    def get_absolute_url(self):
        return reverse("archive:document", kwargs={"year": self.issued_on.year, "slug": self.slug})

    @staticmethod
    def address_writer():
        """A function writing documents' addresses (``get_absolute_url``) from their dates and
        slugs, for lists of thousands (a sitemap section, a harvest): one address is resolved,
        the others written after it, since the year and the slug are the only parts that
        differ (a slug is letters, digits and hyphens, safe as it is)."""
        address = reverse("archive:document", kwargs={"year": 1000, "slug": "slug"})
        before, after = address.split("/1000/slug/")
        return lambda issued_on, slug: f"{before}/{issued_on.year:04d}/{slug}/{after}"

    def get_text_url(self):
        return reverse(
            "archive:document-text", kwargs={"year": self.issued_on.year, "slug": self.slug}
        )

    def natural_key(self):
        return (*self.issuer.natural_key(), self.issued_on.isoformat(), self.slug)

    natural_key.dependencies = ["archive.organization"]

    def normalize_text(self) -> None:
        # A checksum that matched the text as received still matches it once its line ends are
        # normalized; one that did not match stays wrong, for validation to refuse.
        matched = self.checksum == sha256_of_text(self.body)
        super().normalize_text()
        if matched:
            self.checksum = sha256_of_text(self.body)

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude=exclude)
        # A checksum that comes with the text (a fixture, a bag) must be the text's own; an
        # empty one is computed on saving (the admin and the importer give none).
        if self.checksum and not self.fixity_ok:
            raise ValidationError(
                {
                    "body": _(
                        "The text does not match its checksum: the text or the checksum was "
                        "altered on the way."
                    )
                },
                code="checksum",
            )

    def save(self, *args, **kwargs):
        # The checksum is of the text as stored: line ends normalized first (portal/text.py).
        self.normalize_text()
        self.checksum = sha256_of_text(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "checksum"}
        super().save(*args, **kwargs)

    @classmethod
    def indexing_queryset(cls, documents):
        """What a whole index's rebuild reads with each document (portal/search/indexing.py)."""
        return documents.select_related("issuer").prefetch_related("tags")

    def search_data(self) -> SearchData | None:
        if not self.is_released:
            return None
        return SearchData(
            kind="document",
            title=self.title,
            url=self.get_absolute_url(),
            text="\n\n".join(
                filter(
                    None,
                    [
                        self.summary,
                        *(self.translated_texts or {}).get("summary", {}).values(),
                        self.body,
                    ],
                )
            ),
            names=(self.series,) if self.series else (),
            date=self.issued_on,
            date_precision=dates.DAY,  # a document is dated to the day it was issued
            issuer=self.issuer.slug,
            issuer_name=self.issuer.name,
            language=self.language,
            tags=tuple((tag.slug, tag.name) for tag in self.tags.all()),
            public_from=self.published_at,
        )

    def other_language_versions(self):
        """The public translations of this document, and the document it translates."""
        original = self.translation_of_id or self.pk
        return (
            Document.objects.public()
            .filter(models.Q(pk=original) | models.Q(translation_of_id=original))
            .exclude(pk=self.pk)
            .select_related("issuer")
            .order_by("language")
        )

    @property
    def public_change_time(self):
        """As ``with_public_change_time()`` computes it, for one document."""
        return max(filter(None, [self.updated_at, self.published_at]))

    @property
    def fixity_ok(self) -> bool:
        """Whether the stored text still matches its stored checksum."""
        return self.checksum == sha256_of_text(self.body)

    @property
    def text_bytes(self) -> bytes:
        return self.body.encode("utf-8")


# The fields holding an image's display sizes (archive/media.py): WebP, the JPEG fallbacks,
# and the blurred stand-in for a sensitive image.
RENDITION_FIELDS = [
    "thumbnail",
    "medium",
    "display",
    "thumbnail_jpeg",
    "medium_jpeg",
    "display_jpeg",
    "blurred",
]


class AttachmentQuerySet(models.QuerySet):
    def stored_at(self, path: str):
        """The attachment whose file or one of whose display sizes is stored at ``path``."""
        stored = models.Q(file=path)
        for name in RENDITION_FIELDS:
            stored |= models.Q(**{name: path})
        return self.filter(stored)

    def missing_renditions(self):
        """Images stored before some of their display sizes were made."""
        missing = models.Q()
        for name in RENDITION_FIELDS:
            missing |= models.Q(**{name: ""})
        return self.filter(models.Q(kind=Attachment.Kind.IMAGE) & missing)


class Attachment(CleanText, models.Model):
    """A scan, PDF, photo or text file attached to a document, an event or a person.

    Files are stored under their SHA-256 (``attachments/ab/abcd….jpg``), so a stored file never
    changes and can be cached for a year; ``store()`` writes them, from what
    ``archive.media.prepare_upload`` checked and cleaned."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF")
        TEXT = "text", _("Text")

    class Role(models.TextChoices):
        GALLERY = "gallery", _("In the gallery")
        LEAD = "lead", _("Lead image")
        SCAN = "scan", _("Scan of the original")

    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        limit_choices_to=models.Q(app_label="archive", model="document")
        | models.Q(app_label="memorials", model__in=["event", "person", "place"]),
    )
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to="attachments/", max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, editable=False)
    original_name = models.CharField(_("original file name"), max_length=255, editable=False)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required for images."),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(_("credit or source"), max_length=300, blank=True)
    rights = models.CharField(
        _("rights statement"),
        max_length=100,
        choices=Rights.choices,
        blank=True,
        help_text=_("Who may reuse the file, and how. Required for images."),
    )
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=Role.choices,
        default=Role.GALLERY,
        help_text=_(
            "A lead image heads the page; a scan of the original is shown zoomable beside a "
            "document's text."
        ),
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Shown blurred behind a notice until the visitor chooses to see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    thumbnail = models.FileField(max_length=255, blank=True, editable=False)
    display = models.FileField(max_length=255, blank=True, editable=False)
    # JPEG display sizes, for browsers without WebP (<picture>'s fallback).
    thumbnail_jpeg = models.FileField(max_length=255, blank=True, editable=False)
    display_jpeg = models.FileField(max_length=255, blank=True, editable=False)
    # A middle width (archive/media.py RENDITION_WIDTHS), and a sensitive image's stand-in:
    # a few pixels, blurred, shown until the visitor chooses to see the image.
    medium = models.FileField(max_length=255, blank=True, editable=False)
    medium_jpeg = models.FileField(max_length=255, blank=True, editable=False)
    blurred = models.FileField(max_length=255, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            # WCAG: an image without a text alternative is invisible to a screen reader.
            models.CheckConstraint(
                condition=~models.Q(kind="image") | ~models.Q(alt_text=""),
                name="archive_attachment_image_has_alt_text",
            ),
            # A page has one lead image: two would each claim the head of the page.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(role="lead"),
                name="archive_attachment_one_lead_image",
            ),
        ]

    def __str__(self):
        return self.caption or self.original_name

    def store(self, prepared) -> None:
        """Write a prepared upload (and its display sizes) to storage and describe it."""
        self.checksum = hashlib.sha256(prepared.content).hexdigest()
        stem = f"attachments/{self.checksum[:2]}/{self.checksum}"
        self.file = self._write(f"{stem}.{prepared.extension}", prepared.content)
        # A new file's display sizes are its own: the last file's go, and those not prepared
        # with it are made later from the stored original (``make_renditions``).
        for name in RENDITION_FIELDS:
            setattr(self, name, "")
        self._store_renditions(
            stem,
            prepared.renditions,
            getattr(prepared, "jpeg_renditions", {}),
            getattr(prepared, "blurred", b""),
        )
        self.kind = prepared.kind
        self.original_name = prepared.original_name[:255]
        self.size = len(prepared.content)
        self.width, self.height = prepared.width, prepared.height

    def _store_renditions(self, stem, webp, jpeg, blurred) -> None:
        for name, content in webp.items():
            setattr(self, name, self._write(f"{stem}-{name}.webp", content))
        for name, content in jpeg.items():
            setattr(self, f"{name}_jpeg", self._write(f"{stem}-{name}.jpg", content))
        if blurred:
            self.blurred = self._write(f"{stem}-blurred.jpg", blurred)

    @property
    def missing_renditions(self) -> list[str]:
        """The display sizes an image lacks (those stored before they were made)."""
        if not self.is_image:
            return []
        return [name for name in RENDITION_FIELDS if not getattr(self, name)]

    def make_renditions(self) -> list[str]:
        """Make the display sizes this image lacks from its stored original; the names of
        those made. The caller saves."""
        missing = self.missing_renditions
        if not missing:
            return []
        with self.file.open("rb") as stored:
            made = renditions_of_stored(stored.read())
        stem = f"attachments/{self.checksum[:2]}/{self.checksum}"
        self._store_renditions(
            stem,
            {name: made.webp[name] for name in made.webp if name in missing},
            {name: made.jpeg[name] for name in made.jpeg if f"{name}_jpeg" in missing},
            made.blurred if "blurred" in missing else b"",
        )
        return missing

    @staticmethod
    def _write(path: str, content: bytes) -> str:
        storage = Attachment._meta.get_field("file").storage
        if not storage.exists(path):  # same name, same bytes: stored once
            path = storage.save(path, ContentFile(content))
        return path

    @property
    def is_public(self) -> bool:
        """Whether the item it is attached to is public."""
        item = self.item
        return item is not None and getattr(item, "is_public", False)

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE


class ScanPage(models.Model):
    """One page of a scan (an image, or a page of a PDF) as the IIIF Image API serves it:
    level 0, its tiles and info.json made once when the scan is saved, stored under
    ``iiif/<identifier>/``. A document's manifest lists its scans' pages in order."""

    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField(_("page"), default=1)
    image = models.FileField(max_length=255, blank=True, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The image's identifier in the IIIF Image API; empty until its tiles are made.
    identifier = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["attachment", "number"]
        verbose_name = _("page of a scan")
        verbose_name_plural = _("pages of scans")
        constraints = [
            models.UniqueConstraint(fields=["attachment", "number"], name="archive_scanpage_once"),
        ]

    def __str__(self):
        return gettext("%(attachment)s, page %(number)s") % {
            "attachment": self.attachment,
            "number": self.number,
        }
