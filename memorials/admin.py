from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from archive.admin import URL_FIELDS_ASSUME_HTTPS, AttachmentInline
from archive.admin import DocumentAdmin as ArchiveDocumentAdmin
from archive.models import Document
from portal import freshness
from portal.admin import (
    HandTypedAddressesAdmin,
    HistoryAdmin,
    PublicationFilter,
    ShownRecordAdmin,
    WorkflowAdmin,
)

from .checks import check_document, documents_by_claim
from .models import Commemoration, Event, Figure, Person, Place, Tribute

NAMES_IN_LANGUAGES = _("Name in the interface languages")


@admin.register(Place)
class PlaceAdmin(ShownRecordAdmin, HistoryAdmin):
    list_display = ["name", "kind", "parent", "variant_list"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "name_variants", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = [
        "name",
        "slug",
        "name_language",
        ("name_en", "name_az", "name_ru"),
        "name_variants",
        "kind",
        "parent",
        ("latitude", "longitude"),
    ]

    @admin.display(description=_("variants"))
    def variant_list(self, place):
        return ", ".join(place.variants)


class FigureInline(admin.TabularInline):
    model = Figure
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["measure", "measure_label", "qualifier", "value", "source", "wording"]


@admin.register(Event)
class EventAdmin(WorkflowAdmin):
    list_display = ["name", "dates_display", "date_precision", "publication"]
    list_filter = [PublicationFilter, "date_precision", "places"]
    search_fields = ["name", "alternative_names", "description", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["places", "documents"]
    date_hierarchy = "start_date"
    inlines = [FigureInline, AttachmentInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["name", "slug", "alternative_names", ("status", "published_at")]}),
        (NAMES_IN_LANGUAGES, {"fields": ["name_language", ("name_en", "name_az", "name_ru")]}),
        (_("When and where"), {"fields": [("start_date", "end_date"), "date_precision", "places"]}),
        (_("About"), {"fields": ["description", "documents", "tags"]}),
    ]

    @admin.display(description=_("dates"), ordering="start_date")
    def dates_display(self, event):
        return event.dates_display


@admin.register(Person)
class PersonAdmin(WorkflowAdmin):
    list_display = ["name", "event", "death_display", "age", "place", "publication"]
    list_filter = [PublicationFilter, "event"]
    list_select_related = ["event", "place"]
    search_fields = ["name", "name_variants", "biography"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["event", "place"]
    inlines = [AttachmentInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "name_variants", "event", ("status", "published_at")]}),
        (NAMES_IN_LANGUAGES, {"fields": ["name_language", ("name_en", "name_az", "name_ru")]}),
        (
            _("Life"),
            {
                "fields": [
                    ("birth_date", "birth_precision"),
                    ("death_date", "death_precision"),
                    "age",
                    "place",
                    "biography",
                ]
            },
        ),
    ]

    @admin.display(description=_("died"), ordering="death_date")
    def death_display(self, person):
        return person.death_display


@admin.register(Commemoration)
class CommemorationAdmin(WorkflowAdmin):
    list_display = ["name", "event", "date_display", "kind", "place", "publication"]
    list_filter = [PublicationFilter, "kind", "event"]
    list_select_related = ["event", "place"]
    search_fields = ["name", "description", "venue", "participants"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["event", "place", "organizer", "documents"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "event", ("status", "published_at")]}),
        (_("When"), {"fields": [("date", "date_precision"), "date_note"]}),
        (_("Where and who"), {"fields": ["place", "venue", "organizer", "participants"]}),
        (_("About"), {"fields": ["description", "documents"]}),
    ]

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, commemoration):
        return commemoration.date_display


@admin.register(Figure)
class FigureAdmin(ShownRecordAdmin, HistoryAdmin):
    list_display = ["event", "measure_display", "value_display", "source", "wording"]
    list_filter = ["measure", "qualifier", "event"]
    list_select_related = ["event", "source", "source__issuer"]
    search_fields = ["wording", "source__title", "event__name"]
    autocomplete_fields = ["event", "source"]
    fields = [
        "event",
        "measure",
        "measure_label",
        "qualifier",
        "value",
        "source",
        "wording",
        "note",
    ]

    @admin.display(description=_("measure"), ordering="measure")
    def measure_display(self, figure):
        return figure.measure_display

    @admin.display(description=_("value"), ordering="value")
    def value_display(self, figure):
        return figure.value_display


@admin.register(Tribute)
class TributeAdmin(HandTypedAddressesAdmin, admin.ModelAdmin):
    list_display = ["created_at", "subject", "kind", "name", "excerpt", "state"]
    list_filter = ["state", "kind", "event"]
    list_select_related = ["event", "person"]
    search_fields = ["name", "text"]
    readonly_fields = ["event", "person", "kind", "name", "text", "created_at"]
    fields = ["event", "person", "kind", "name", "text", "created_at", "state"]
    actions = ["approve", "reject"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # tributes come from visitors

    @admin.display(description=_("for"))
    def subject(self, tribute):
        return tribute.subject

    @admin.display(description=_("message"))
    def excerpt(self, tribute):
        return tribute.text[:80] + ("…" if len(tribute.text) > 80 else "")

    def _moderate(self, request, queryset, state, verb):
        changed = queryset.exclude(state=state).update(state=state)
        if changed:
            freshness.touch()  # update() sends no signal; the pages showing tributes change
        self.message_user(request, f"{changed} tribute(s) {verb}.", messages.SUCCESS)

    @admin.action(description=_("Approve the selected tributes"))
    def approve(self, request, queryset):
        self._moderate(request, queryset, Tribute.State.APPROVED, "approved")

    @admin.action(description=_("Reject the selected tributes"))
    def reject(self, request, queryset):
        self._moderate(request, queryset, Tribute.State.REJECTED, "rejected")


# Documents: the archive's admin, plus what memorials know about them. The archive app stays
# unaware of memorials; the linking and the anniversary check are added here.


class EventLinkInline(admin.TabularInline):
    model = Event.documents.through
    extra = 0
    autocomplete_fields = ["event"]
    verbose_name = _("linked event")
    verbose_name_plural = _("linked events")


class AnniversaryClaimFilter(admin.SimpleListFilter):
    title = _("anniversary claim")
    parameter_name = "anniversary"

    def lookups(self, request, model_admin):
        return [
            ("mismatch", _("does not match its event")),
            ("consistent", _("matches its event")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in {"mismatch", "consistent"}:
            return queryset
        consistent, mismatched = documents_by_claim(queryset)
        return queryset.filter(pk__in=mismatched if self.value() == "mismatch" else consistent)


class DocumentAdmin(ArchiveDocumentAdmin):
    list_filter = [*ArchiveDocumentAdmin.list_filter, AnniversaryClaimFilter]
    readonly_fields = [*ArchiveDocumentAdmin.readonly_fields, "anniversary_check"]
    inlines = [*ArchiveDocumentAdmin.inlines, EventLinkInline]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Anniversary check"), {"fields": ["anniversary_check"]})]

    @admin.display(description=_("anniversary check"))
    def anniversary_check(self, document):
        checks = check_document(document)
        if not checks:
            return _("The title claims no anniversary, or the document is linked to no event.")
        return " ".join(check.message for check in checks)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            document = self.get_object(request, object_id)
            for check in check_document(document) if document else []:
                if not check.consistent:
                    self.message_user(request, check.message, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)


admin.site.unregister(Document)
admin.site.register(Document, DocumentAdmin)
