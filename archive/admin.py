import base64
import re
import secrets

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericStackedInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Count
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from portal import jobs
from portal.admin import (
    EditTokenForm,
    HistoryAdmin,
    PublicationFilter,
    ShownRecordAdmin,
    TranslatedTextsAdmin,
    WorkflowAdmin,
)
from portal.admin_search import NameSearchAdmin
from portal.publishing import Status
from portal.text import normalize_line_ends

from . import iiif, media, tasks
from .bulk_import import import_files
from .forms import BulkImportForm
from .importer import Outcome
from .media import prepare_upload
from .models import Attachment, Document, Organization, sha256_of_text

# A URL typed without a scheme means https (Django 6's default; 5.2 still assumes http).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class IssuedYearFilter(admin.SimpleListFilter):
    title = _("year of issue")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Document.objects.dates("issued_on", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        year = self.value()
        if not year:
            return queryset
        if not re.fullmatch(r"[0-9]{1,4}", year) or int(year) == 0:
            return queryset.none()  # a hand-typed value that is no year (0, twenty digits, ²)
        return queryset.filter(issued_on__year=int(year))


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
class OrganizationAdmin(NameSearchAdmin, ShownRecordAdmin, HistoryAdmin):
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


class AttachmentForm(forms.ModelForm):
    """Every upload goes through ``archive.media.prepare_upload``: refused with a form error,
    or stored cleaned, with its display sizes, under its checksum."""

    class Meta:
        model = Attachment
        fields = [
            "file",
            "alt_text",
            "caption",
            "credit",
            "rights",
            "role",
            "sensitive",
            "position",
        ]

    prepared = None

    def __init__(self, *args, pixel_budget=None, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pixel_budget = pixel_budget
        self.request = request  # who saves, for the jobs the save asks for and their messages
        if "role" in self.fields:  # a form that does not say (a script's) means the gallery
            self.fields["role"].required = False

    def clean_role(self):
        return self.cleaned_data.get("role") or Attachment.Role.GALLERY

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            if self.pixel_budget is not None:
                self.pixel_budget.spend(upload)
            # The display sizes are made by a job once the original is stored (archive/tasks.py).
            self.prepared = prepare_upload(upload, renditions=False)
        return upload

    def clean(self):
        cleaned = super().clean()
        kind = self.prepared.kind if self.prepared else self.instance.kind
        if kind == media.IMAGE and not cleaned.get("alt_text", "").strip():
            self.add_error("alt_text", _("Describe the image for people who cannot see it."))
        if kind == media.IMAGE and not cleaned.get("rights"):
            self.add_error("rights", _("Say who may reuse the image, and how."))
        if cleaned.get("role") == Attachment.Role.LEAD and kind and kind != media.IMAGE:
            self.add_error("role", _("Only an image can be the lead image."))
        if cleaned.get("role") == Attachment.Role.SCAN and kind and self.makes_scan_pages():
            self.check_scan(kind)
        return cleaned

    def makes_scan_pages(self) -> bool:
        """A new file or a new role: the scan's pages are made again (or removed)."""
        return bool({"file", "role"} & set(self.changed_data))

    def check_scan(self, kind):
        """A scan's pages can be made from this file, within the save's pixel budget (an
        image's own pixels are counted when it is uploaded)."""
        if self.has_error("file"):
            return  # the upload itself was refused: nothing to make pages of
        field = "file" if "file" in self.changed_data else "role"
        try:
            if self.prepared is not None:
                content, name = self.prepared.content, self.prepared.original_name
            elif kind == media.PDF:
                with self.instance.file.open("rb") as stored:
                    content, name = stored.read(), self.instance.original_name
            else:
                content, name = b"", self.instance.original_name
            pixels = iiif.scan_pixels(
                kind, content, name, self.instance.width, self.instance.height
            )
            if self.prepared is None or kind != media.IMAGE:
                iiif.spend_pixels(self.pixel_budget, pixels, name)
        except forms.ValidationError as error:
            self.add_error(field, error)

    def save(self, commit=True):
        attachment = super().save(commit=False)
        if self.prepared is not None:
            attachment.store(self.prepared)
        if commit:
            attachment.save()
            self.queue_work(attachment)
        return attachment

    def queue_work(self, attachment):
        """Display sizes and scan pages, as jobs: queued for a worker, or made at once without
        one; the admin says which, with a link to each job."""
        request = self.request
        asked = tasks.queue_attachment_work(
            attachment,
            user=getattr(request, "user", None),
            scan_changed=self.makes_scan_pages(),
        )
        if request is not None:
            for job in asked:
                level = messages.ERROR if job.state == job.State.FAILED else messages.INFO
                messages.add_message(request, level, jobs.message_html(job))


class AttachmentFormSet(BaseGenericInlineFormSet):
    """The attachments of one save share one pixel budget (``media.PixelBudget``)."""

    request = None  # set per request by ``AttachmentInline.get_formset``

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pixel_budget = media.PixelBudget(settings.MEDIA_MAX_PIXELS_PER_SAVE)

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "pixel_budget": self.pixel_budget,
            "request": self.request,
        }

    def clean(self):
        super().clean()
        kept = [form for form in self.forms if form.has_changed() or form.instance.pk]
        leads = [
            form
            for form in kept
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == Attachment.Role.LEAD
        ]
        if len(leads) > 1:
            raise forms.ValidationError(
                _("A page has one lead image: mark only one image as the lead image.")
            )

    def save(self, commit=True):
        # One lead image at a time is a database constraint: the image that gives up the lead
        # does so first, so that moving the lead from one image to another in one save works.
        for form in self.initial_forms:
            data = getattr(form, "cleaned_data", {})
            if form.initial.get("role") == Attachment.Role.LEAD and (
                data.get("DELETE") or data.get("role", Attachment.Role.LEAD) != Attachment.Role.LEAD
            ):
                Attachment.objects.filter(pk=form.instance.pk).update(role=Attachment.Role.GALLERY)
        return super().save(commit=commit)


class AttachmentInline(GenericStackedInline):
    model = Attachment
    form = AttachmentForm
    formset = AttachmentFormSet
    extra = 0
    fields = [
        "preview",
        "file",
        "alt_text",
        "caption",
        "credit",
        "rights",
        "role",
        "sensitive",
        "position",
        "details",
    ]
    readonly_fields = ["preview", "details"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"request": request})

    @admin.display(description=_("preview"))
    def preview(self, attachment):
        if attachment.thumbnail:
            return format_html(
                '<img src="{}" alt="{}" style="max-width: 160px">',
                attachment.thumbnail.url,
                attachment.alt_text,
            )
        return "—"

    @admin.display(description=_("details"))
    def details(self, attachment):
        if not attachment.pk:
            return "—"
        parts = [attachment.get_kind_display(), filesizeformat(attachment.size)]
        if attachment.width:
            parts.insert(1, f"{attachment.width}×{attachment.height} px")
        # The last job of each kind about it: sizes and pages being made, made, or failed.
        shown = [
            jobs.status_html(job)
            for kind in ["renditions", "scan_pages"]
            if (job := jobs.latest_for(attachment, kind))
        ]
        return format_html_join(
            mark_safe("<br>"), "{}", [(", ".join(parts),), *((line,) for line in shown)]
        )


PENDING_IMPORT = "archive-pending-import"  # session key: files waiting for confirmation


class DocumentForm(EditTokenForm):
    def clean(self):
        cleaned = super().clean()
        # The admin vouches for the text it is given (an editor may change a draft's): its
        # checksum is that text's, not the stored one, which the model's validation would hold
        # against it.
        if isinstance(cleaned.get("body"), str):
            self.instance.checksum = sha256_of_text(normalize_line_ends(cleaned["body"]))
        return cleaned


@admin.register(Document)
class DocumentAdmin(NameSearchAdmin, TranslatedTextsAdmin, WorkflowAdmin):
    form = DocumentForm
    list_display = ["title", "issuer_name", "issued_on", "kind", "language", "publication"]
    list_filter = ["kind", "issuer", IssuedYearFilter, "language", PublicationFilter, TagFilter]
    list_select_related = ["issuer"]
    search_fields = ["title", "body", "summary", "reference_number", "issuer__name", "slug"]
    date_hierarchy = "issued_on"
    autocomplete_fields = ["issuer", "translation_of"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    readonly_fields = ["checksum", "fixity", "created_at", "updated_at", "source_link_check"]
    inlines = [AttachmentInline]
    actions = [*WorkflowAdmin.actions, "check_source_links"]
    save_on_top = True
    change_list_template = "admin/archive/document/change_list_with_import.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "kind",
                    "issuer",
                    "issued_on",
                    "series",
                    ("status", "published_at"),
                ]
            },
        ),
        (_("Text as issued"), {"fields": ["body", "language", "checksum", "fixity"]}),
        (_("Editorial"), {"fields": ["summary", "editorial_notes", "tags"]}),
        (
            _("Source and identifiers"),
            {
                "fields": [
                    "reference_number",
                    "source_url",
                    "source_link_check",
                    "provenance",
                    "translation_of",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_urls(self):
        bulk_import = path(
            "import/",
            self.admin_site.admin_view(self.bulk_import_view),
            name="archive_document_import",
        )
        return [bulk_import, *super().get_urls()]

    def bulk_import_view(self, request):
        """Upload, see the dry run, confirm. Between the two steps the files wait in the
        session, and the confirmed import runs every check again."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        pending = request.session.get(PENDING_IMPORT)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import documents and fixtures"),
        }
        form = BulkImportForm()
        if request.method == "POST" and "confirm" in request.POST:
            if not pending or request.POST.get("token") != pending["token"]:
                self.message_user(
                    request, _("That import has expired: upload the files again."), messages.ERROR
                )
                return redirect("admin:archive_document_import")
            del request.session[PENDING_IMPORT]
            if not jobs.inline():
                # A worker imports; the job's page shows the report once it is done.
                names = ", ".join(name for name, _data in pending["files"])
                job = tasks.run_import.enqueue(
                    f"Import of {names}"[:300],
                    user=request.user,
                    files=pending["files"],
                    language=pending["language"],
                    date_order=pending.get("date_order", ""),
                )
                self.message_user(request, jobs.message_html(job))
                return redirect(jobs.admin_url(job))
            files = [(name, base64.b64decode(data)) for name, data in pending["files"]]
            rows = import_files(
                files,
                user=request.user,
                language=pending["language"],
                date_order=pending.get("date_order", ""),
                dry_run=False,
            )
            context.update(rows=rows, confirmed=True, form=form)
            return render(request, "admin/archive/document/import.html", context)
        if request.method == "POST":
            form = BulkImportForm(request.POST, request.FILES)
            if form.is_valid():
                files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
                language = form.cleaned_data["language"]
                date_order = form.cleaned_data["date_order"]
                rows = import_files(
                    files,
                    user=request.user,
                    language=language,
                    date_order=date_order,
                    dry_run=True,
                )
                token = secrets.token_urlsafe(16)
                request.session[PENDING_IMPORT] = {
                    "token": token,
                    "language": language,
                    "date_order": date_order,
                    "files": [(name, base64.b64encode(data).decode()) for name, data in files],
                }
                writable = any(row.outcome in {Outcome.CREATED, Outcome.UPDATED} for row in rows)
                context.update(rows=rows, token=token, can_confirm=writable)
        context["form"] = form
        return render(request, "admin/archive/document/import.html", context)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        # Once published, the text is the record: corrections go to the editorial notes.
        if self.stored_status(obj) in {Status.PUBLISHED, Status.WITHDRAWN}:
            return [*readonly, "body"]
        return readonly

    @admin.display(description=_("issuer"), ordering="issuer__name")
    def issuer_name(self, document):
        """The issuer's name in a column that wraps: Django keeps a foreign key's column on one
        line, and a long name pushed the publication column out of a 1366 px screen."""
        return document.issuer.name

    @admin.display(description=_("source link"))
    def source_link_check(self, document):
        """The last check of the source link (the action "Check source links" asks for one)."""
        job = jobs.latest_for(document, "link_check")
        return jobs.status_html(job) if job else _("not checked yet")

    @admin.action(description=_("Check source links"), permissions=["view"])
    def check_source_links(self, request, queryset):
        asked = tasks.queue_link_checks(queryset, user=request.user)
        if not asked:
            self.message_user(
                request, _("None of these documents has a source link."), messages.WARNING
            )
        for job in asked[:20]:
            self.message_user(request, jobs.message_html(job))
        if len(asked) > 20:
            self.message_user(
                request, _("…and %(count)s more: see Portal › Jobs.") % {"count": len(asked) - 20}
            )

    @admin.display(description=_("fixity"))
    def fixity(self, document):
        if document.pk is None:
            return "—"
        return _("text matches its checksum") if document.fixity_ok else _("TEXT DOES NOT MATCH")
