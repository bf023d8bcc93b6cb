import hashlib

from django.db import models
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from portal.publishing import Publishable, PublishableQuerySet
from portal.search import SearchData


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


class Organization(models.Model):
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

    def all_names(self) -> list[str]:
        """The name, the short name and every recorded variant."""
        names = [self.name, self.short_name, *self.name_variants.splitlines()]
        return [name.strip() for name in names if name.strip()]


class DocumentQuerySet(PublishableQuerySet):
    def with_related(self):
        """What list and detail pages show of each document, in a constant number of queries."""
        return self.select_related("issuer").prefetch_related("tags")


class DocumentManager(models.Manager.from_queryset(DocumentQuerySet)):
    def get_by_natural_key(self, issuer_slug, issued_on, slug):
        return self.get(issuer__slug=issuer_slug, issued_on=issued_on, slug=slug)


class Document(Publishable):
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
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    tags = TaggableManager(blank=True, verbose_name=_("tags"))

    objects = DocumentManager()

    class Meta:
        ordering = ["-issued_on", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            # The public URL is /archive/<year>/<slug>/, so a slug may repeat across years
            # (a yearly statement keeps its title) but never within one.
            models.UniqueConstraint(
                ExtractYear("issued_on"), "slug", name="archive_document_unique_slug_per_year"
            ),
        ]
        indexes = [models.Index(fields=["status", "-issued_on"], name="archive_doc_public_idx")]

    def __str__(self):
        return f"{self.title} ({self.issued_on:%d %B %Y})"

    def get_absolute_url(self):
        return reverse("archive:document", kwargs={"year": self.issued_on.year, "slug": self.slug})

    def get_text_url(self):
        return reverse(
            "archive:document-text", kwargs={"year": self.issued_on.year, "slug": self.slug}
        )

    def natural_key(self):
        return (*self.issuer.natural_key(), self.issued_on.isoformat(), self.slug)

    natural_key.dependencies = ["archive.organization"]

    def save(self, *args, **kwargs):
        self.checksum = sha256_of_text(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "checksum"}
        super().save(*args, **kwargs)

    def search_data(self) -> SearchData | None:
        if not self.is_public:
            return None
        return SearchData(
            kind="document",
            title=self.title,
            url=self.get_absolute_url(),
            text="\n\n".join(filter(None, [self.summary, self.body])),
            names=(self.series,) if self.series else (),
            date=self.issued_on,
            issuer=self.issuer.slug,
            issuer_name=self.issuer.name,
            language=self.language,
            tags=tuple((tag.slug, tag.name) for tag in self.tags.all()),
        )

    @property
    def fixity_ok(self) -> bool:
        """Whether the stored text still matches its stored checksum."""
        return self.checksum == sha256_of_text(self.body)

    @property
    def text_bytes(self) -> bytes:
        return self.body.encode("utf-8")
