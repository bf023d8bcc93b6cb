from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchEntryQuerySet(models.QuerySet):
    def public(self):
        """Entries whose item is public now; a scheduled item waits for its publish time."""
        return self.filter(Q(public_from__isnull=True) | Q(public_from__lte=timezone.now()))


class SearchEntry(models.Model):
    """One public item as the site-wide search sees it.

    Only published items have an entry: publishing adds one, unpublishing or deleting removes
    it (portal/search.py). An item scheduled for later is indexed at once with ``public_from``
    set, and ``public()`` hides it until then: no process has to wake up at the publish time.

    The full-text index over ``folded_title`` and ``folded_text`` is the database's own — an
    FTS5 table on SQLite, a generated tsvector column with a GIN index on
    PostgreSQL — created by migration 0002; a later migration that rebuilds this table must
    recreate them.
    """

    key = models.CharField(max_length=100, unique=True)  # "archive.document:12"
    kind = models.CharField(max_length=20, db_index=True)
    title = models.CharField(max_length=500)
    url = models.CharField(max_length=500)
    text = models.TextField(blank=True)  # as written, for the snippet
    date = models.DateField(null=True, blank=True)
    # How much of the date is known (portal/dates.py): a month's or year's first day is not
    # a day the results may show.
    date_precision = models.CharField(max_length=10, default="day")
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    issuer = models.CharField(max_length=100, blank=True, db_index=True)
    issuer_name = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=10, blank=True, db_index=True)
    folded_title = models.TextField(blank=True)
    folded_text = models.TextField(blank=True)
    public_from = models.DateTimeField(null=True, blank=True, db_index=True)
    indexed_at = models.DateTimeField(auto_now=True)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return f"{self.kind}: {self.title}"


class FullTextColumn(models.TextField):
    """FTS5's hidden column named after its table: ``MATCH`` and ``bm25()`` take it."""


@FullTextColumn.register_lookup
class FullTextMatch(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class FullTextRow(models.Model):
    """An entry's row in SQLite's FTS5 index (migration 0002 creates the table and keeps it in
    step with triggers): joined by the entry's id, so a search is an ordinary queryset."""

    entry = models.OneToOneField(
        SearchEntry,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        related_name="fulltext",
    )
    index = FullTextColumn(db_column="portal_search_fts")

    class Meta:
        managed = False
        db_table = "portal_search_fts"

    def __str__(self):
        return f"full-text row of entry {self.entry_id}"


class SearchEntryTag(models.Model):
    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="tags")
    slug = models.CharField(max_length=100, db_index=True)
    name = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "slug"], name="portal_searchentrytag_once"),
        ]

    def __str__(self):
        return self.name


class NameSpelling(models.Model):
    """One recorded spelling of a name (a place's, an event's, a person's), folded to its words
    ("mammadov elchin"), under the key of the item whose name it is. Written when the item is
    indexed, so a query widens the words it was typed with to their other spellings by looking
    up those words alone, never by reading every name (portal/search/query.py)."""

    key = models.CharField(max_length=100, db_index=True)  # "memorials.person:12"
    phrase = models.CharField(max_length=200, db_index=True)
    # When the spelling may widen visitors' queries: an unpublished person's names must not.
    # Empty: always (a place's spellings are knowledge of the language, not of the place).
    public_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "phrase"], name="portal_namespelling_once"),
        ]

    def __str__(self):
        return self.phrase


class NameWordQuerySet(models.QuerySet):
    def usable(self, now=None):
        """The words that may match visitors' queries now (an unpublished name must not)."""
        now = now or timezone.now()
        return self.filter(Q(public_from__isnull=True) | Q(public_from__lte=now))


class NameWord(models.Model):
    """One word of one item's recorded names, with the keys that let a name be found however
    it is spelled (portal/search/sounds.py): ``word`` as folded ("memmedov"), ``spelling``
    with transliteration digraphs and doubled letters normalised ("memedov"), ``sound`` the
    phonetic key that "Mammadov", "Mamedov", "Мамедов" and "Məmmədov" share. Written when the
    item is indexed, so a query never computes a key for any name but its own."""

    model = models.CharField(max_length=100)  # "memorials.person"
    object_id = models.PositiveBigIntegerField()
    word = models.CharField(max_length=100)
    spelling = models.CharField(max_length=100)
    sound = models.CharField(max_length=100)
    # As for NameSpelling: when the word may match visitors' queries.
    public_from = models.DateTimeField(null=True, blank=True)

    objects = NameWordQuerySet.as_manager()

    class Meta:
        indexes = [
            # A query looks words up by their sound, within one model or across all, and
            # reads the rest of each row from the index alone: a common surname has thousands.
            models.Index(
                fields=["sound", "model", "public_from", "object_id", "word", "spelling"],
                name="portal_nameword_sound",
            ),
            models.Index(fields=["model", "object_id"], name="portal_nameword_item"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "object_id", "word"], name="portal_nameword_once"
            ),
        ]

    def __str__(self):
        return self.word


class ContentChange(models.Model):
    """When what a tag names last changed, and when it will (portal/freshness.py).

    A tag names an item ("memorials.event:1"), what of one kind is attached to it (its tributes:
    "memorials.event:1+memorials.tribute"), a model's lists ("memorials.event") or everything
    ("*"). A row for the last change of each tag, and
    one for each publish time still to come, because a scheduled item becomes public without
    any save. A page's version is the latest moment of its tags that has come: one indexed
    query, the same in every worker and instance, since it lives in the database."""

    tag = models.CharField(max_length=200, default="*")
    changed_at = models.DateTimeField()
    # A publish time set ahead: it counts only once it has come.
    scheduled = models.BooleanField(default=False)

    class Meta:
        # Records without a workflow of their own (places, organizations, figures, tags,
        # attachments) change on public pages the moment they are saved; once a public page
        # shows one, only holders of this permission (publishers) may change it.
        permissions = [
            (
                "change_public_records",
                "Can change places, organizations, figures, tags and attachments that public "
                "pages show",
            )
        ]
        constraints = [
            # Also the index of a page's version: its tags, each one's latest moment.
            models.UniqueConstraint(fields=["tag", "changed_at"], name="portal_change_per_tag")
        ]

    def __str__(self):
        return f"{self.tag} {self.changed_at.isoformat()}"


class OldAddress(models.Model):
    """An address an item had before its slug (or a document's year of issue) changed, so that
    links to it never break: a request that would be 404 there is sent on, 301, to the item's
    address now, if the item is public (portal/addresses.py)."""

    # The path without language prefix ("/archive/2008/old-slug/"): one item per path.
    path = models.CharField(max_length=500, unique=True)
    key = models.CharField(max_length=100, db_index=True)  # "archive.document:12"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")

    def __str__(self):
        return f"{self.path} → {self.key}"


class Job(models.Model):
    """A piece of slow work, queued or done: an image's display sizes, a scan's pages, the
    re-indexing a change cascades to, a large import, a link check (portal/jobs.py).

    The row is written when the job is asked for and follows it through the worker, so an
    editor sees in the admin what is waiting, running, done, or failed and why. ``params`` is
    what the task needs to run (ids, never objects); ``result`` what it found, for the admin."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    label = models.CharField(_("job"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    # The item it concerns, if one: an attachment, a document, a place.
    content_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.SET_NULL
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    item = GenericForeignKey("content_type", "object_id")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # How far it is, for work counted in steps ("3 of 12"); total 0 when it is not counted.
    done_steps = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=0)
    message = models.TextField(_("result"), blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.label

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}


# Corrections to live items live with their logic (portal/corrections.py).
from .corrections import Correction  # noqa: E402, F401
