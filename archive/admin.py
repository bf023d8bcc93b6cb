from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.publishing import Status

from .models import Document, Organization

# A URL typed without a scheme means https (Django 6's default; 5.2 still assumes http).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class IssuedYearFilter(admin.SimpleListFilter):
    title = _("year of issue")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Document.objects.dates("issued_on", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(issued_on__year=int(self.value()))
        return queryset


class TagFilter(admin.SimpleListFilter):
    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = Document.tags.most_common()
        return [(tag.slug, f"{tag.name} ({tag.num_times})") for tag in tags]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "country", "document_count"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name", "name_variants", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "name_variants", "kind"]}),
        (_("Where"), {"fields": ["country", "city", "website"]}),
    ]

    def get_queryset(self, request):
        # An aggregate drops Meta.ordering, and the autocomplete paginates: order explicitly.
        queryset = super().get_queryset(request).annotate(document_count=Count("documents"))
        return queryset.order_by("name")

    @admin.display(description=_("documents"), ordering="document_count")
    def document_count(self, organization):
        return organization.document_count


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "issuer", "issued_on", "kind", "language", "status"]
    list_filter = ["kind", "issuer", IssuedYearFilter, "language", "status", TagFilter]
    list_select_related = ["issuer"]
    search_fields = ["title", "body", "summary", "reference_number", "issuer__name", "slug"]
    date_hierarchy = "issued_on"
    autocomplete_fields = ["issuer", "translation_of"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    readonly_fields = ["checksum", "fixity", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    save_on_top = True
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "kind", "issuer", "issued_on", "series", "status"]},
        ),
        (_("Text as issued"), {"fields": ["body", "language", "checksum", "fixity"]}),
        (_("Editorial"), {"fields": ["summary", "editorial_notes", "tags"]}),
        (
            _("Source and identifiers"),
            {
                "fields": [
                    "reference_number",
                    "source_url",
                    "provenance",
                    "translation_of",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Once published, the text is the record: corrections go to the editorial notes.
        if obj is not None and obj.status == Status.PUBLISHED:
            return [*self.readonly_fields, "body"]
        return self.readonly_fields

    @admin.display(description=_("fixity"))
    def fixity(self, document):
        if document.pk is None:
            return "—"
        return _("text matches its checksum") if document.fixity_ok else _("TEXT DOES NOT MATCH")

    def _set_status(self, queryset, status) -> int:
        """Save each document, not a bulk update: saving is what keeps the search index,
        feeds' dates and the history in step."""
        changed = 0
        for document in queryset.exclude(status=status).select_related("issuer"):
            document.status = status
            document.save(update_fields=["status", "updated_at"])
            changed += 1
        return changed

    @admin.action(description=_("Publish the selected documents"))
    def publish(self, request, queryset):
        changed = self._set_status(queryset, Status.PUBLISHED)
        message = ngettext("%d document published.", "%d documents published.", changed)
        self.message_user(request, message % changed, messages.SUCCESS)

    @admin.action(description=_("Return the selected documents to draft"))
    def unpublish(self, request, queryset):
        changed = self._set_status(queryset, Status.DRAFT)
        message = ngettext(
            "%d document returned to draft.", "%d documents returned to draft.", changed
        )
        self.message_user(request, message % changed, messages.SUCCESS)
