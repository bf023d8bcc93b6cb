import functools

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from archive.admin import URL_FIELDS_ASSUME_HTTPS, AttachmentInline
from archive.admin import DocumentAdmin as ArchiveDocumentAdmin
from archive.models import Document
from portal import freshness
from portal.admin import (
    HandTypedAddressesAdmin,
    HistoryAdmin,
    PublicationFilter,
    ShownRecordAdmin,
    TranslatedTextsAdmin,
    WorkflowAdmin,
    confirmation_page,
)
from portal.admin_search import NameSearchAdmin

from . import geo
from .checks import check_document, documents_by_claim
from .models import (
    Commemoration,
    CorrectionRequest,
    Event,
    Figure,
    Moderated,
    Person,
    Place,
    Testimony,
    Tribute,
)
from .person_admin import PersonPageAdmin, PersonRelationInline

NAMES_IN_LANGUAGES = _("Name in the interface languages")


@admin.register(Place)
class PlaceAdmin(NameSearchAdmin, TranslatedTextsAdmin, ShownRecordAdmin, HistoryAdmin):
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
        "location_map",
        "geonames_id",
    ]
    readonly_fields = ["location_map"]

    class Media:
        css = geo.ADMIN_MEDIA["css"]
        js = geo.ADMIN_MEDIA["js"]

    @admin.display(description=_("variants"))
    def variant_list(self, place):
        return ", ".join(place.variants)

    @admin.display(description=_("On the map"))
    def location_map(self, place):
        return geo.admin_picker(place)


class FigureInline(admin.TabularInline):
    model = Figure
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["measure", "measure_label", "qualifier", "value", "source", "wording"]


@admin.register(Event)
class EventAdmin(NameSearchAdmin, TranslatedTextsAdmin, WorkflowAdmin):
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
class PersonAdmin(NameSearchAdmin, TranslatedTextsAdmin, PersonPageAdmin, WorkflowAdmin):
    list_display = ["name", "event", "death_display", "age", "place", "publication"]
    list_filter = [PublicationFilter, "event"]
    list_select_related = ["event", "place"]
    search_fields = ["name", "name_variants", "biography"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["event", "place", "source", "documents"]
    inlines = [PersonRelationInline, AttachmentInline]
    actions = [*WorkflowAdmin.actions, "merge_two_people"]
    readonly_fields = ["suggested_documents", "suggested_documents_list"]
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
        (_("Source"), {"fields": ["source", "source_wording"]}),
        (
            _("Portrait and documents"),
            {"fields": ["portrait", "documents", "suggested_documents"]},
        ),
    ]

    @admin.display(description=_("died"), ordering="death_date")
    def death_display(self, person):
        return person.death_display


@admin.register(Commemoration)
class CommemorationAdmin(NameSearchAdmin, TranslatedTextsAdmin, WorkflowAdmin):
    list_display = ["name", "event", "date_display", "kind", "place", "publication"]
    list_filter = [PublicationFilter, "kind", "event"]
    list_select_related = ["event", "place"]
    search_fields = ["name", "description", "venue", "participants"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["event", "place", "organizer", "documents"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "event", ("status", "published_at")]}),
        (NAMES_IN_LANGUAGES, {"fields": ["name_language", ("name_en", "name_az", "name_ru")]}),
        (_("When"), {"fields": [("date", "date_precision"), "date_note"]}),
        (_("Where and who"), {"fields": ["place", "venue", "organizer", "participants"]}),
        (_("About"), {"fields": ["description", "documents"]}),
    ]

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, commemoration):
        return commemoration.date_display


@admin.register(Figure)
class FigureAdmin(TranslatedTextsAdmin, ShownRecordAdmin, HistoryAdmin):
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


class ModeratedAdmin(HandTypedAddressesAdmin, admin.ModelAdmin):
    """What visitors send (tributes, testimonies, correction requests): a queue by state, with
    the number waiting in its title, and who decided on each and when."""

    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # visitors send them

    @admin.display(description=_("for"))
    def subject(self, item):
        return item.subject

    @admin.display(description=_("message"))
    def excerpt(self, item):
        return item.text[:80] + ("…" if len(item.text) > 80 else "")

    def decide(self, request, queryset, state, **changes) -> int:
        """Set ``state`` on the items not yet in it, recording who decided and when."""
        # Through freshness: update() sends no signal, and only the pages that show these
        # items change (their event's, their person's), not every page.
        return freshness.update(
            queryset.exclude(state=state),
            state=state,
            decided_by=request.user,
            decided_at=timezone.now(),
            **changes,
        )

    def save_model(self, request, obj, form, change):
        if "state" in form.changed_data:
            obj.decided_by, obj.decided_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        waiting = self.model.objects.filter(state=Moderated.State.PENDING).count()
        title = _("%(items)s: %(count)d waiting for moderation") % {
            "items": capfirst(self.model._meta.verbose_name_plural),
            "count": waiting,
        }
        return super().changelist_view(request, {"title": title, **(extra_context or {})})


@admin.register(Tribute)
class TributeAdmin(ModeratedAdmin):
    list_display = ["created_at", "subject", "kind", "name", "excerpt", "state", "decided_by"]
    list_filter = ["state", "kind", "event"]
    list_select_related = ["event", "person", "decided_by"]
    search_fields = ["name", "text"]
    readonly_fields = [
        "event",
        "person",
        "kind",
        "name",
        "text",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    fields = [
        "event",
        "person",
        "kind",
        "name",
        "text",
        "created_at",
        "state",
        "decided_by",
        "decided_at",
    ]
    actions = ["approve", "reject"]

    def _moderate(self, request, queryset, state):
        changed = self.decide(request, queryset, state)
        if state == Tribute.State.APPROVED:
            done = ngettext("%(count)d tribute approved.", "%(count)d tributes approved.", changed)
        else:
            done = ngettext("%(count)d tribute rejected.", "%(count)d tributes rejected.", changed)
        self.message_user(request, done % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected tributes"))
    def approve(self, request, queryset):
        self._moderate(request, queryset, Tribute.State.APPROVED)

    @admin.action(description=_("Reject the selected tributes"))
    def reject(self, request, queryset):
        self._moderate(request, queryset, Tribute.State.REJECTED)


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


# Visitors' testimonies and correction requests (memorials/testimonies.py). The email address
# is shown here, to editors, and nowhere else.


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why they are rejected: kept for the editors, not shown to visitors."),
    )


class DecisionForm(forms.ModelForm):
    """The change form: a rejection states its reason."""

    def clean(self):
        cleaned = super().clean()
        rejected = cleaned.get("state") == Moderated.State.REJECTED
        if rejected and "reason" in self.fields and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why it is rejected."))
        return cleaned


class VisitorSubmissionAdmin(ModeratedAdmin):
    form = DecisionForm
    list_filter = ["state", "event"]
    list_select_related = ["event", "person", "decided_by"]
    search_fields = ["shown_name", "email", "text"]
    actions = ["approve", "reject"]
    # What the visitor sent stays as they sent it; editors decide, and say why.
    sent_fields = ["event", "person", "shown_name", "email", "text", "created_at"]
    decision_fields = ["state", "reason", "decided_by", "decided_at"]

    def get_fields(self, request, obj=None):
        return [*self.sent_fields, *self.decision_fields]

    def get_readonly_fields(self, request, obj=None):
        decided = ["decided_by", "decided_at"]
        if not self.has_moderate_permission(request):
            decided = ["state", "reason", *decided]
        return [*self.sent_fields, *decided]

    def has_moderate_permission(self, request):
        return request.user.has_perm("memorials.moderate_testimony")

    @admin.action(description=_("Approve the selected items"), permissions=["moderate"])
    def approve(self, request, queryset):
        changed = self.decide(request, queryset, Moderated.State.APPROVED)
        self.message_user(request, _("%(count)d approved.") % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Reject the selected items…"), permissions=["moderate"])
    def reject(self, request, queryset):
        """First a page that asks for the reason (kept for the editors); then the rejection."""
        if request.POST.get("post") == "yes":
            form = RejectionForm(request.POST)
            if form.is_valid():
                changed = self.decide(
                    request, queryset, Moderated.State.REJECTED, reason=form.cleaned_data["reason"]
                )
                self.message_user(
                    request, _("%(count)d rejected.") % {"count": changed}, messages.SUCCESS
                )
                return None
        else:
            form = RejectionForm()
        intro = _(
            "These items will be rejected: they stay off the public site. The reason you give "
            "is kept for the editors; visitors do not see it."
        )
        title = _("Reject %(names)s")
        return confirmation_page(self, request, queryset, form, "reject", title, intro, _("Reject"))


@admin.register(Testimony)
class TestimonyAdmin(VisitorSubmissionAdmin):
    list_display = [
        "created_at",
        "subject",
        "shown_name",
        "excerpt",
        "has_photo",
        "state",
        "decided_by",
    ]
    sent_fields = [
        *VisitorSubmissionAdmin.sent_fields[:3],
        "relation",
        *VisitorSubmissionAdmin.sent_fields[3:],
        "photo_preview",
        "photo_description",
        "photo_consent",
        "photo_rights",
    ]

    @admin.display(description=_("photo"), boolean=True)
    def has_photo(self, testimony):
        return bool(testimony.photo)

    @admin.display(description=_("photo"))
    def photo_preview(self, testimony):
        if not testimony.photo_display:
            return "—"
        url = reverse("memorials:testimony-photo", args=[testimony.pk])
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" style="max-width: 320px; height: auto"></a>',
            url,
            url,
            testimony.photo_description,
        )


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(VisitorSubmissionAdmin):
    list_display = ["created_at", "subject", "shown_name", "excerpt", "state", "decided_by"]


def _with_waiting_counts(get_app_list):
    """The admin's list of models (its home page and side bar) says how many of visitors'
    submissions wait for an editor: "Testimonies (3 waiting)"."""

    @functools.wraps(get_app_list)
    def app_list(request, app_label=None):
        apps = get_app_list(request, app_label)
        for app in apps:
            for entry in app["models"]:
                model = entry.get("model")
                if model in (Tribute, Testimony, CorrectionRequest):
                    waiting = model.objects.filter(state=Moderated.State.PENDING).count()
                    if waiting:
                        entry["name"] = _("%(items)s (%(count)d waiting)") % {
                            "items": entry["name"],
                            "count": waiting,
                        }
        return apps

    return app_list


admin.site.get_app_list = _with_waiting_counts(admin.site.get_app_list)
