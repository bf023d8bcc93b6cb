from django.db import models
from django.db.models import Q
from django.utils import timezone


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
        verbose_name = "search entry"
        verbose_name_plural = "search entries"

    def __str__(self):
        return f"{self.kind}: {self.title}"


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


class ContentChange(models.Model):
    """Moments at which the public content changes (portal/freshness.py).

    A row for the last save or delete of any content model, and one for each publish time
    still to come, because a scheduled item becomes public without any save. The content's
    version is the latest of these moments that has come: one query on a table of a few rows,
    the same in every worker and instance, since it lives in the database, not in a process."""

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

    def __str__(self):
        return self.changed_at.isoformat()
