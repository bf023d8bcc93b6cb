"""What every editorial model's admin shares: the publishing workflow and the revision history.

The workflow is enforced where the admin decides, not only in what it shows: the status choices
of the form, the publish time field, the actions and the change permission itself all ask
``portal.publishing``, so an editor cannot publish through the form, an action, a restored
version or a crafted POST.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from taggit import admin as taggit_admin
from taggit.models import Tag

from . import jobs, throttling
from .admin_links import change_url
from .correction_admin import CorrectionsAdmin, correcting
from .fixtures import outcome_label
from .models import Job, SearchEntry, SearchEntryTag
from .publishing import EDITOR_STATUSES, Status, allowed_statuses, can_publish, may_change_shown
from .revisions import RestoreKeepsPublication, RevisionsAdmin, relation_changes, versions_of
from .text import control_character_problem, normalize_line_ends


def _valid_initial(model, name, value) -> bool:
    """Whether ``value``, from an add form's query string, could be a key of the model that
    the field ``name`` relates to. Anything else is kept: a form shows a wrong text or choice
    as it is, but looks keys up, and "abc" or twenty digits are no key."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True
    if not (field.is_relation and field.concrete):
        return True
    target = field.target_field
    try:
        for item in value if isinstance(value, list) else [value]:
            target.run_validators(target.to_python(item))
    except (ValidationError, TypeError, ValueError, OverflowError):
        return False
    return True


class HandTypedAddressesAdmin:
    """An address typed by hand is never a server error: an add form's initial value that is
    no key of its related model (``?event=abc``) is dropped, and a date hierarchy's year
    beyond the calendar (twenty digits) is refused as Django refuses other wrong lookups."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return {
            name: value
            for name, value in initial.items()
            if _valid_initial(self.model, name, value)
        }

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class HistoryAdmin(HandTypedAddressesAdmin, RevisionsAdmin, SimpleHistoryAdmin):
    """The revision history (django-simple-history), with a comparison of any two versions,
    their relations and inlines included (portal/revisions.py)."""

    object_history_template = "admin/history_with_compare.html"

    def get_urls(self):
        opts = self.model._meta
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.history_compare_view),
            name=f"{opts.app_label}_{opts.model_name}_history_compare",
        )
        return [compare, *super().get_urls()]

    def _history_or_404(self, object_id, version_id=None):
        """django-simple-history looks the ids up unchecked: an id that is no key of this model
        (a word, 5,000 digits) is a 404 here, not a server error. A deleted item's history
        stays reachable: its revisions are looked up, not the item."""
        pk = self.model._meta.pk
        try:
            key = pk.to_python(unquote(object_id))
            versions = self.model.history.filter(**{pk.attname: key})
            if version_id is not None:
                found = versions.filter(history_id=int(version_id)).exists()
            else:
                found = versions.exists() or self.model._default_manager.filter(pk=key).exists()
        except (ValidationError, ValueError, OverflowError):
            found = False
        if not found:
            raise Http404(_("No such item or version."))

    def history_view(self, request, object_id, extra_context=None):
        self._history_or_404(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._history_or_404(object_id, version_id)
        # django-simple-history saves a restored version for anyone who may *view* the history;
        # restoring is a change, so it takes the change permission on the item as it is now.
        if request.method == "POST":
            current = self.get_object(request, unquote(object_id))
            if current is None or not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_compare_view(self, request, object_id):
        self._history_or_404(object_id)
        item = self.get_object(request, unquote(object_id))
        deleted = item is None
        if not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        key = self.model._meta.pk.to_python(unquote(object_id))
        versions = list(
            versions_of(self.model, key)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        )
        if deleted:  # its versions are all that is left of it
            item = versions[0].instance
        by_id = {str(version.history_id): version for version in versions}
        older = by_id.get(request.GET.get("older", ""))
        newer = by_id.get(request.GET.get("newer", ""))
        if older is None and len(versions) > 1:
            older = versions[1]
        if newer is None and versions:
            newer = versions[0]
        changes, related = [], []
        if older and newer and older != newer:
            if older.history_date > newer.history_date:
                older, newer = newer, older
            delta = newer.diff_against(older, foreign_keys_are_objs=True)
            for change in delta.changes:
                field = item._meta.get_field(change.field)
                changes.append((field.verbose_name, change.old, change.new))
            related = relation_changes(self.model, older, newer)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare versions: %s") % item,
            "opts": self.model._meta,
            "object": item,
            "versions": versions,
            "older": older,
            "newer": newer,
            "changes": changes,
            "relation_changes": related,
            "deleted": deleted,
        }
        return render(request, "admin/history_compare.html", context)


SHOWN_PUBLICLY = _(
    "Public pages show this record, so only a publisher can change it. Ask a publisher, or "
    "link a draft to a new record instead."
)


class ShownRecordAdmin:
    """For records without a workflow of their own (places, organizations, figures, tags,
    attachments), which public pages show the moment they are saved: editors add them and
    change them while nothing public shows them (their ``is_public``); after that only a
    publisher does. A save whose result would be shown publicly is refused to an editor too,
    so an editor cannot add a figure to a live event from a live source."""

    def shown_publicly(self, obj) -> bool:
        return obj.is_public

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or may_change_shown(request.user):
            return allowed
        return not self.shown_publicly(obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None or may_change_shown(request.user):
            return allowed
        return not self.shown_publicly(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        if item is not None and not may_change_shown(request.user) and self.shown_publicly(item):
            self.message_user(request, SHOWN_PUBLICLY, messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if may_change_shown(request.user):
            return form
        shown_publicly = self.shown_publicly

        class EditorForm(form):
            def _post_clean(self):
                super()._post_clean()
                if not self.errors and shown_publicly(self.instance):
                    self.add_error(None, SHOWN_PUBLICLY)

        return EditorForm


def tag_shown_publicly(tag) -> bool:
    """The search index holds the tags of public items only."""
    public_entries = SearchEntry.objects.public()
    return SearchEntryTag.objects.filter(slug=tag.slug, entry__in=public_entries).exists()


class PublicationFilter(admin.SimpleListFilter):
    """The status, with "scheduled" and "public now" told apart."""

    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            *Status.choices,
            ("scheduled", _("Scheduled for later")),
            ("public", _("Public now")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "public":
            return queryset.public()
        if value == "scheduled":
            return queryset.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class EditTokenForm(forms.ModelForm):
    """Refuse a save based on an older version of the item than the one stored now."""

    def clean(self):
        cleaned = super().clean()
        token = self.data.get("_edit_token")
        if token and self.instance.pk:
            stored = self.stored_token()
            if stored is not None and stored != token:
                raise ValidationError(
                    _(
                        "Someone else saved this item after you opened it. Your changes were "
                        "not saved: open it again to see theirs, then make yours."
                    ),
                    code="edit_conflict",
                )
        return cleaned

    def stored_token(self) -> str | None:
        """The edit token of what is stored now: the item's last-saved time (a correction's
        form has its own, portal/correction_admin.py)."""
        # The row stays locked until this save commits (the admin saves in a transaction), so
        # of two saves at the same moment the second reads the first one's time.
        stored = (
            type(self.instance)
            ._default_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        return stored.isoformat() if stored is not None else None


WITHDRAWAL_REASON_NEEDED = _(
    "Give the public reason for withdrawing: it is shown at the item's address instead."
)


class WithdrawalForm(forms.Form):
    """The withdraw action's confirmation: the public reason shown at the items' addresses."""

    withdrawal_reason = forms.CharField(
        label=_("Public reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "Visitors who follow a link to a withdrawn item see its title, the date it was "
            "withdrawn and this reason."
        ),
        error_messages={"required": WITHDRAWAL_REASON_NEEDED},
    )


def confirmation_page(
    model_admin,
    request,
    queryset,
    form,
    action,
    title,
    intro,
    submit_label,
    template="admin/action_confirmation.html",
) -> TemplateResponse:
    """The page an admin action shows to ask for what it needs before it acts (a withdrawal's
    public reason, a sending back's comment, a rejection's reason, the record a merge keeps),
    laid out as Django's deletion confirmation: the selected items, the form, and a button
    that posts the action again with ``post=yes``. ``title`` takes the items' name as
    ``%(names)s``; ``template`` may extend the default one to show each item otherwise."""
    opts = model_admin.model._meta
    names = opts.verbose_name if len(queryset) == 1 else opts.verbose_name_plural
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title % {"names": names},
        "subtitle": None,
        "queryset": queryset,
        "form": form,
        "opts": opts,
        "action": action,
        "intro": intro,
        "submit_label": submit_label,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media,
    }
    return TemplateResponse(request, template, context)


class SendBackForm(forms.Form):
    """Sending items in review back to draft: what the editor should change."""

    comment = forms.CharField(
        label=_("What should the editor change?"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=100,
        help_text=_("Kept in the item's history (100 characters at most)."),
        error_messages={"required": _("Say what the editor should change.")},
    )


class WorkflowAdmin(CorrectionsAdmin, RestoreKeepsPublication, HistoryAdmin):
    """Draft → in review → published (now or at a set time) → withdrawn, with two roles.
    Withdrawing asks for the public reason the item's address shows from then on. An editor's
    change of a live item is kept as a correction for a publisher (``CorrectionsAdmin``)."""

    actions = ["submit_for_review", "publish", "withdraw", "return_to_draft"]
    # The change form carries the item's last-saved time, so that of two editors saving the
    # same item the second is told, instead of silently overwriting the first.
    change_form_template = "admin/corrections/change_form.html"
    form = EditTokenForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A refused save shows the form again with the time the editor's copy was opened, not
        # the newer one: saving again is refused too, until the editor reloads the item.
        submitted = request.POST.get("_edit_token") if request.method == "POST" else None
        stored = obj.updated_at.isoformat() if obj is not None and obj.updated_at else ""
        context["edit_token"] = submitted or stored
        return super().render_change_form(request, context, add, change, form_url, obj)

    def stored_status(self, item) -> str | None:
        """The item's status in the database, whatever a form or an old version says."""
        if item is None or item.pk is None:
            return None
        if hasattr(item, "stored_status"):
            return item.stored_status
        stored = type(item)._default_manager.filter(pk=item.pk).values_list("status", flat=True)
        return stored.first()

    def has_publish_permission(self, request, obj=None):
        return can_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or self.has_publish_permission(request):
            return True
        # Published and withdrawn items are the publishers' to change; an editor's change of a
        # live one is kept as a correction (``CorrectionsAdmin``).
        return self.stored_status(obj) in EDITOR_STATUSES or correcting(request) is not None

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly.append("published_at")
        return readonly

    def get_fieldsets(self, request, obj=None):
        """The public reason for a withdrawal goes beside the status, wherever a model's admin
        puts it."""
        fieldsets = super().get_fieldsets(request, obj)
        if any("withdrawal_reason" in flatten(options["fields"]) for _n, options in fieldsets):
            return fieldsets
        placed = []
        for name, options in fieldsets:
            fields = list(options["fields"])
            for index, field in enumerate(fields):
                if "status" in flatten([field]):
                    fields.insert(index + 1, "withdrawal_reason")
                    break
            placed.append((name, {**options, "fields": fields}))
        return placed

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = self._with_withdrawal_reason(
            super().get_form(request, obj, change=change, **kwargs), self.stored_status(obj)
        )
        status = form.base_fields.get("status")
        if status is not None:
            allowed = allowed_statuses(request.user, self.model, self.stored_status(obj))
            status.choices = [(value, label) for value, label in Status.choices if value in allowed]
            if not self.has_publish_permission(request):
                status.help_text = _("Submit for review when ready: a publisher publishes.")
        return form

    @staticmethod
    def _with_withdrawal_reason(form, stored_status):
        """Changing the status to withdrawn takes the public reason. (A subclass of the form
        builds its fields anew: the status choices are narrowed after.)"""
        if "withdrawal_reason" not in form.base_fields:
            return form

        class WithdrawalReasonForm(form):
            def clean(self):
                cleaned = super().clean()
                withdrawing = (
                    cleaned.get("status") == Status.WITHDRAWN and stored_status != Status.WITHDRAWN
                )
                if withdrawing and not (cleaned.get("withdrawal_reason") or "").strip():
                    self.add_error("withdrawal_reason", WITHDRAWAL_REASON_NEEDED)
                return cleaned

        return WithdrawalReasonForm

    @admin.display(description=_("publication"), ordering="published_at")
    def publication(self, item):
        if item.is_scheduled:
            moment = date_format(timezone.localtime(item.published_at), "DATETIME_FORMAT")
            return _("Scheduled for %(moment)s") % {"moment": moment}
        return item.get_status_display()

    def _move(self, request, queryset, status, **changes) -> None:
        """Save each item, not a bulk update: saving keeps the search index, the feeds' dates
        and the revision history in step."""
        moved = 0
        for item in queryset.exclude(status=status):
            item.status = status
            for name, value in changes.items():
                setattr(item, name, value)
            item.save()
            moved += 1
        opts = self.model._meta
        names = opts.verbose_name if moved == 1 else opts.verbose_name_plural
        message = ngettext(
            "%(count)d %(names)s now “%(status)s”.",
            "%(count)d %(names)s now “%(status)s”.",
            moved,
        )
        status_label = Status(status).label
        self.message_user(
            request,
            message % {"count": moved, "names": names, "status": status_label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Submit the selected items for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._move(request, queryset.filter(status=Status.DRAFT), Status.REVIEW)

    @admin.action(
        description=_("Publish the selected items (now, or at their publish time)"),
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        self._move(request, queryset, Status.PUBLISHED)

    @admin.action(description=_("Withdraw the selected items"), permissions=["publish"])
    def withdraw(self, request, queryset):
        """First a confirmation page that asks for the public reason (as Django's deletion
        asks for confirmation); the withdrawal itself once it is given."""
        queryset = queryset.filter(status=Status.PUBLISHED)
        if not queryset.exists():
            return self._move(request, queryset, Status.WITHDRAWN)
        form = WithdrawalForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_valid():
            reason = form.cleaned_data["withdrawal_reason"]
            return self._move(request, queryset, Status.WITHDRAWN, withdrawal_reason=reason)
        intro = _(
            "These items will leave the public site: lists, search, feeds, the sitemap and the "
            "API. Their addresses will answer that they were withdrawn, with the date and the "
            "reason you give below; harvesters will see them as deleted."
        )
        title = _("Withdraw %(names)s")
        return confirmation_page(
            self, request, queryset, form, "withdraw", title, intro, _("Withdraw")
        )

    @admin.action(description=_("Return the selected items to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        """A publisher sending items in review back to their editors says what to change: the
        comment is kept with the revision, and the editor's work queue shows it."""
        if not self.has_publish_permission(request):
            queryset = queryset.filter(status__in=EDITOR_STATUSES)
        in_review = queryset.filter(status=Status.REVIEW)
        if not self.has_publish_permission(request) or not in_review.exists():
            return self._move(request, queryset, Status.DRAFT)
        form = SendBackForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_valid():
            comment = form.cleaned_data["comment"]
            return self._move(request, queryset, Status.DRAFT, _change_reason=comment)
        intro = _(
            "These items go back to draft, and to the editors who submitted them, with your "
            "comment: it is kept in each item's history and shown on the editors' admin home."
        )
        title = _("Send %(names)s back to draft")
        label = _("Send back")
        return confirmation_page(
            self, request, queryset, form, "return_to_draft", title, intro, label
        )


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, refusing an address that has failed too often (throttling.py)."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked": _(
            "Too many failed attempts from this address. Try again in %(minutes)d minutes."
        ),
        "not_staff": _(
            "The password is right, but “%(username)s” is not a staff account. An administrator "
            "must tick “Staff status” for it under Users and add it to Editors or Publishers."
        ),
    }

    def confirm_login_allowed(self, user):
        """Asked only once the password was right (an inactive account never gets this far):
        a user without staff status is told so, rather than that the password is wrong. It
        still counts as a failure for throttling, as every refused login does."""
        if user.is_active and not user.is_staff:
            raise ValidationError(
                self.error_messages["not_staff"],
                code="not_staff",
                params={"username": user.get_username()},
            )
        super().confirm_login_allowed(user)

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if throttling.is_locked(self.request, username):
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            throttling.record_failure(self.request, username)
            raise
        throttling.clear(self.request, username)
        return cleaned


class TagAdmin(ShownRecordAdmin, taggit_admin.TagAdmin):
    def shown_publicly(self, obj) -> bool:
        return tag_shown_publicly(obj)


admin.site.unregister(Tag)
admin.site.register(Tag, TagAdmin)


# Translations of editors' texts (portal/naming.py, TranslatedTexts). The change form gets a
# field for each translated text in each language other than the texts' own, saved into
# ``translated_texts``, so that translations go through the same form as the texts: the same
# workflow rules (an editor cannot change a live item), the same edit token and history. The
# changelist gets a filter for what is not yet translated into a language, and a count of
# what is.

TRANSLATIONS = _("Translations")


def translation_field_name(field: str, language: str) -> str:
    """The form field of ``field``'s translation into ``language``: ``description_in_az``."""
    return f"{field}_in_{language}"


def language_name(language: str):
    """A language's name in the admin's language ("Azerbaijani", "Азербайджанский")."""
    return translation.get_language_info(language)["name_translated"]


def _text_written(model) -> Q:
    """Items with at least one of the model's translated texts written."""
    written = Q()
    for field in model.translated_fields:
        written |= ~Q(**{field: ""})
    return written


def needs_translation_q(model, language: str) -> Q:
    """Items with a text written in a language other than ``language``."""
    return ~Q(texts_language=language) & _text_written(model)


def not_translated_q(model, language: str) -> Q:
    """Items with a text written in another language and not translated into ``language``."""
    missing = Q()
    for field in model.translated_fields:
        key = f"translated_texts__{field}__{language}"
        not_translated = Q(**{f"{key}__isnull": True}) | Q(**{key: ""})
        missing |= ~Q(**{field: ""}) & not_translated
    return ~Q(texts_language=language) & missing


class TranslationsForm(forms.ModelForm):
    """Reads and writes the translation fields a model's admin adds (``with_translations``)."""

    translation_fields: dict[str, tuple[str, str]] = {}  # form field: (text field, language)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (field, language) in self.translation_fields.items():
            if name in self.fields and name not in self.initial:
                self.initial[name] = self.instance.translated(field, language)
        if "texts_language" in self.fields:
            # A form posted without it (an older page, a script) keeps the stored language.
            self.fields["texts_language"].required = False

    def clean(self):
        cleaned = super().clean()
        for name in self.translation_fields:
            value = cleaned.get(name)
            if not isinstance(value, str):
                continue
            # As CleanText holds the texts themselves: one form of line end, no control
            # characters.
            cleaned[name] = value = normalize_line_ends(value)
            problem = control_character_problem(value)
            if problem:
                self.add_error(name, problem)
        return cleaned

    def _post_clean(self):
        stored = self.instance.translated_texts
        texts = {
            field: dict(values)
            for field, values in (stored if isinstance(stored, dict) else {}).items()
            if isinstance(values, dict)
        }
        for name, (field, language) in self.translation_fields.items():
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            if value:
                texts.setdefault(field, {})[language] = value
            else:
                texts.get(field, {}).pop(language, None)
        self.instance.translated_texts = {
            field: values for field, values in texts.items() if values
        }
        super()._post_clean()


def with_translations(form, model, languages):
    """``form`` with a field for each of ``model``'s translated texts in each of ``languages``,
    labelled "Description (Azerbaijani)"."""
    fields, declared = {}, {}
    for field in model.translated_fields:
        model_field = model._meta.get_field(field)
        widget = (
            widgets.AdminTextareaWidget
            if isinstance(model_field, models.TextField)
            else widgets.AdminTextInputWidget
        )
        for language in languages:
            name = translation_field_name(field, language)
            fields[name] = (field, language)
            declared[name] = model_field.formfield(
                required=False,
                widget=widget,
                label=format_lazy(
                    "{} ({})", capfirst(model_field.verbose_name), language_name(language)
                ),
                help_text="",
            )
    bases = (form,) if issubclass(form, TranslationsForm) else (TranslationsForm, form)
    return type(form.__name__, bases, {**declared, "translation_fields": fields})


class MissingTranslationFilter(admin.SimpleListFilter):
    """Items with a text not yet translated into the chosen language. Below its choices, how
    many items are translated into each language, of those with a text to translate into it
    ("Azerbaijani: 12 of 40 translated"): the filter is on every changelist with translated
    texts, so the count is too, whatever other template a changelist has."""

    title = _("missing translation")
    parameter_name = "missing_translation"
    template = "admin/missing_translation_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.counted = model_admin.get_queryset(request)

    def lookups(self, request, model_admin):
        return [(language, language_name(language)) for language, _name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.filter(not_translated_q(queryset.model, self.value()))
        return queryset

    def completeness(self) -> list[str]:
        """A line for each language some item has a text to translate into (one query)."""
        model, counts = self.counted.model, {}
        for language, _name in settings.LANGUAGES:
            needed = needs_translation_q(model, language)
            counts[f"needed_{language}"] = Count("pk", filter=needed)
            missing = not_translated_q(model, language)
            counts[f"missing_{language}"] = Count("pk", filter=missing)
        totals = self.counted.order_by().aggregate(**counts)
        return [
            _("%(language)s: %(translated)d of %(total)d translated")
            % {
                "language": language_name(language),
                "translated": totals[f"needed_{language}"] - totals[f"missing_{language}"],
                "total": totals[f"needed_{language}"],
            }
            for language, _name in settings.LANGUAGES
            if totals[f"needed_{language}"]
        ]


class TranslatedTextsAdmin:
    """For the admin of a model with translated texts: put it first among the bases. Its
    change form takes the texts' language and their translations; its changelist filters by
    missing translation and counts what is translated (``MissingTranslationFilter``)."""

    def translation_languages(self, obj=None) -> list[str]:
        """The languages other than the texts' own: the item's, or on adding the default."""
        if obj is not None:
            original = obj.texts_language
        else:
            original = self.model._meta.get_field("texts_language").get_default()
        return [language for language, _name in settings.LANGUAGES if language != original]

    def translation_fields(self, obj=None) -> list[str]:
        return [
            translation_field_name(field, language)
            for field in self.model.translated_fields
            for language in self.translation_languages(obj)
        ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        translations = ["texts_language", *self.translation_fields(obj)]
        return [*fieldsets, (TRANSLATIONS, {"fields": translations})]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if "form" not in kwargs:
            languages = self.translation_languages(obj)
            kwargs["form"] = with_translations(self.form, self.model, languages)
        return super().get_form(request, obj, change=change, **kwargs)

    def __getattr__(self, name):
        """A translation shown read-only (to whom may view, not change, the item): the admin
        looks a read-only field up on its ModelAdmin when the model has no such field."""
        model = self.__dict__.get("model")  # set by ModelAdmin.__init__; before it, nothing
        for field in getattr(model, "translated_fields", ()):
            prefix = f"{field}_in_"
            language = name.removeprefix(prefix)
            if name.startswith(prefix) and language in dict(settings.LANGUAGES):

                def translation_of(item, field=field, language=language):
                    return item.translated(field, language)

                model_field = model._meta.get_field(field)
                translation_of.short_description = format_lazy(
                    "{} ({})", capfirst(model_field.verbose_name), language_name(language)
                )
                return translation_of
        raise AttributeError(name)

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MissingTranslationFilter]


# Jobs -----------------------------------------------------------------------------------------


class JobKindFilter(admin.SimpleListFilter):
    """Kinds of job by their names, not their keys."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return sorted(
            ((kind, declared.title) for kind, declared in jobs.kinds().items()),
            key=lambda pair: str(pair[1]),
        )

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


class JobAdmin(admin.ModelAdmin):
    """What slow work is waiting, running, done or failed (portal/jobs.py): read-only, for
    every member of staff; jobs are asked for by saves, imports and actions, never here."""

    list_display = ["label", "kind_title", "state_line", "started_by", "created_at", "finished_at"]
    list_filter = ["state", JobKindFilter]
    list_select_related = ["started_by"]
    search_fields = ["label", "message", "error"]
    fields = [
        "label",
        "kind_title",
        "state",
        "progress",
        "item_link",
        "started_by",
        "created_at",
        "started_at",
        "finished_at",
        "attempts",
        "message",
        "report",
        "error_text",
    ]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("kind"), ordering="kind")
    def kind_title(self, job):
        return jobs.kind_title(job.kind)

    @admin.display(description=_("state"), ordering="state")
    def state_line(self, job):
        return jobs.state_text(job)

    @admin.display(description=_("progress"))
    def progress(self, job):
        if not job.total_steps:
            return "—"
        return _("%(done)s of %(total)s") % {"done": job.done_steps, "total": job.total_steps}

    @admin.display(description=_("concerns"))
    def item_link(self, job):
        if job.content_type_id is None:
            return "—"
        item = job.item
        if item is None:
            return _("%(kind)s #%(id)s, deleted since") % {
                "kind": job.content_type.name,
                "id": job.object_id,
            }
        # An attachment has no page of its own in the admin: its item's page shows it.
        shown = item if change_url(item) else getattr(item, "item", None)
        url = change_url(shown) if shown is not None else ""
        if not url:
            return str(item)
        return format_html('<a href="{}">{}</a>', url, shown)

    @admin.display(description=_("report"))
    def report(self, job):
        rows = (job.result or {}).get("rows") or []
        if not rows:
            return "—"
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("file"),
            _("where"),
            _("outcome"),
            _("item"),
            _("reason"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        row.get("source", ""),
                        row.get("place", ""),
                        outcome_label(row.get("outcome", "")),
                        row.get("item", ""),
                        row.get("reason", ""),
                    )
                    for row in rows
                ),
            ),
        )

    @admin.display(description=_("error"))
    def error_text(self, job):
        if not job.error:
            return "—"
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', job.error)


admin.site.register(Job, JobAdmin)
