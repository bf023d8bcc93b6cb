"""Corrections to live items in the admin (portal/corrections.py).

``CorrectionsAdmin``, a part of ``WorkflowAdmin``: an editor's change form of a published item
is editable, but saving it keeps the changes as the item's correction — the item and its public
page stay as they are — and the form then shows the correction's values, with "Save correction"
and "Submit correction for review". The workflow's fields, many-to-many fields, the text as
issued and the inlines are read-only there. A publisher's form of a live item keeps its normal
save and offers "Save as correction for review" too.

``CorrectionAdmin``: the corrections, filtered by state and kind, and each one's page: the
comparison with the live version, the preview link, and the decisions — publish or send back
with a comment (publishers only, checked here on every POST), submit, discard.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import content
from .admin_links import change_url
from .corrections import (
    Correction,
    CorrectionRefused,
    State,
    apply,
    comparison,
    conflicts,
    correctable_fields,
    item_of,
    open_correction,
    preview_url,
    previewable,
)
from .corrections import discard as discard_correction
from .corrections import publish as publish_correction
from .corrections import save as save_correction
from .corrections import send_back as send_back_correction
from .corrections import submit as submit_correction
from .publishing import Status, can_publish

SAVE_AS_CORRECTION = "_save_as_correction"  # a publisher's button on a live item
SUBMIT_CORRECTION = "_submit_correction"
# The edit token of a correction form: the open correction's last save, or "new".
CORRECTION_MARK = "correction:"


def correction_token(correction) -> str:
    return CORRECTION_MARK + (correction.updated_at.isoformat() if correction else "new")


@dataclass
class Correcting:
    """On a request whose change form edits a correction: the item's open one, if any."""

    correction: Correction | None
    submit: bool = False


def correcting(request) -> Correcting | None:
    """Whether this request's change form edits a live item's correction, not the item."""
    return getattr(request, "correcting", None)


def correction_page_url(correction) -> str:
    return reverse("admin:portal_correction_change", args=[correction.pk])


class CorrectionsAdmin:
    """Mixed into ``WorkflowAdmin``: a live item's change form for an editor edits a
    correction (see the module's docstring)."""

    def corrects(self, request, item) -> bool:
        """Whether ``request``'s change form of ``item`` edits a correction."""
        if item is None or self.stored_status(item) != Status.PUBLISHED:
            return False
        opts = self.model._meta
        if not request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}"):
            return False
        if self.has_publish_permission(request):
            return request.method == "POST" and SAVE_AS_CORRECTION in request.POST
        return True

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, unquote(object_id))
        if self.corrects(request, item):
            correction = open_correction(item)
            if correction is not None and self.has_publish_permission(request):
                # A publisher's correction would replace an editor's open one: they decide it.
                self.message_user(
                    request,
                    _("This item has an open correction: publish it or send it back first."),
                    messages.ERROR,
                )
                return HttpResponseRedirect(correction_page_url(correction))
            request.correcting = Correcting(
                correction,
                submit=SUBMIT_CORRECTION in request.POST or SAVE_AS_CORRECTION in request.POST,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_object(self, request, object_id, from_field=None):
        item = super().get_object(request, object_id, from_field)
        state = correcting(request)
        if item is not None and state is not None and state.correction is not None:
            apply(item, state.correction.values)
        return item

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if correcting(request) is None:
            return readonly
        correctable = {field.name for field in correctable_fields(self.model)}
        for field in self.model._meta.get_fields():
            if (field.concrete or field.many_to_many) and not field.auto_created:
                if field.name not in correctable and field.name not in readonly:
                    readonly.append(field.name)
        return readonly

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if correcting(request) is None:
            return inlines
        # Attachments, figures and relations are no part of a correction: shown, not changed.
        for inline in inlines:
            inline.has_add_permission = lambda request, obj=None: False
            inline.has_change_permission = lambda request, obj=None: False
            inline.has_delete_permission = lambda request, obj=None: False
        return inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if correcting(request) is None:
            return form

        class CorrectionForm(form):
            def stored_token(self):
                token = self.data.get("_edit_token", "")
                if not token.startswith(CORRECTION_MARK):
                    return super().stored_token()
                current = Correction.objects.open().of(self.instance).select_for_update()
                return correction_token(current.first())

        return CorrectionForm

    def save_model(self, request, obj, form, change):
        state = correcting(request)
        if state is None:
            return super().save_model(request, obj, form, change)
        try:
            state.correction = save_correction(obj, request.user, submit=state.submit)
        except CorrectionRefused as refusal:
            state.correction = save_correction(obj, request.user)
            state.submit = False
            self.message_user(request, str(refusal), messages.WARNING)
        return None

    def save_related(self, request, form, formsets, change):
        if correcting(request) is None:
            super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if correcting(request) is None:
            return super().construct_change_message(request, form, formsets, add)
        return []  # the item is not changed, nor its inlines saved

    def log_change(self, request, obj, message):
        if correcting(request) is None:
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        state = correcting(request)
        if state is None:
            return super().response_change(request, obj)
        if state.submit:
            self.message_user(
                request,
                _(
                    "The correction is submitted for review. The public page shows the live "
                    "version until a publisher publishes the correction."
                ),
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _(
                    "The correction is saved; the public page is unchanged. Submit it for "
                    "review when it is ready."
                ),
                messages.SUCCESS,
            )
        if self.has_publish_permission(request):
            return HttpResponseRedirect(correction_page_url(state.correction))
        return HttpResponseRedirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        state = correcting(request)
        if state is not None:
            correction = state.correction
            posted = request.POST.get("_edit_token", "") if request.method == "POST" else ""
            context["edit_token"] = (
                posted if posted.startswith(CORRECTION_MARK) else correction_token(correction)
            )
            context.update(correcting=True, correction=correction)
        elif change and obj is not None and self.stored_status(obj) == Status.PUBLISHED:
            correction = open_correction(obj)
            context.update(
                correction=correction,
                offer_correction=correction is None
                and self.has_publish_permission(request)
                and self.has_change_permission(request, obj),
            )
        if context.get("correction") is not None:
            context["correction_url"] = correction_page_url(context["correction"])
        return super().render_change_form(request, context, add, change, form_url, obj)


# --- The corrections' own pages ------------------------------------------------------------


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(entry.label, entry.names[0]) for entry in content.contents(publishable=True)]

    def queryset(self, request, queryset):
        for entry in content.contents(publishable=True):
            if entry.label == self.value():
                return queryset.filter(content_type=ContentType.objects.get_for_model(entry.model))
        return queryset


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the editor"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        error_messages={"required": _("Say what the editor should change: a comment is required.")},
    )


def _viewable_models(user) -> list[type]:
    return [
        model
        for model in content.models(publishable=True)
        if user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]


class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["number", "item_link", "kind", "state", "author", "submitted_at", "updated_at"]
    list_filter = ["state", KindFilter]
    list_select_related = ["author", "content_type"]
    list_display_links = ["number"]
    date_hierarchy = None

    def get_queryset(self, request):
        models = _viewable_models(request.user)
        types = ContentType.objects.get_for_models(*models).values() if models else []
        return (
            super()
            .get_queryset(request)
            .filter(content_type__in=list(types))
            .select_related("author", "decided_by", "content_type")
            .prefetch_related("item")
        )

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decided on its own page, by the rules of portal/corrections.py

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("correction"), ordering="pk")
    def number(self, correction):
        return str(correction)

    @admin.display(description=_("item"))
    def item_link(self, correction):
        item = correction.item
        if item is None:
            return _("deleted since")
        url = change_url(item)
        return format_html('<a href="{}">{}</a>', url, item) if url else str(item)

    @admin.display(description=_("kind"), ordering="content_type")
    def kind(self, correction):
        model = correction.content_type.model_class()
        entry = content.of(model) if model else None
        return entry.names[0] if entry else correction.content_type.name

    def change_view(self, request, object_id, form_url="", extra_context=None):
        correction = self.get_object(request, unquote(object_id))
        if correction is None:
            raise Http404(_("No such correction."))
        item = item_of(correction)
        if request.method == "POST":
            return self.decide(request, correction, item)
        return self.correction_page(request, correction, item)

    def may_publish(self, request, correction) -> bool:
        model = correction.content_type.model_class()
        return model is not None and can_publish(request.user, model)

    def may_edit(self, request, correction) -> bool:
        model = correction.content_type.model_class()
        if model is None:
            return False
        opts = model._meta
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")

    def decide(self, request, correction, item):
        action = request.POST.get("action", "")
        done = None
        try:
            if action == "publish":
                confirmed = request.POST.get("confirm") == "yes"
                publish_correction(correction, request.user, confirmed=confirmed)
                done = _("The correction is published: the public page shows it.")
            elif action == "send_back":
                if not self.may_publish(request, correction):
                    raise PermissionDenied
                form = SendBackForm(request.POST)
                if not form.is_valid():
                    return self.correction_page(request, correction, item, form, status=400)
                send_back_correction(correction, request.user, form.cleaned_data["comment"])
                done = _("The correction is sent back to its author with your comment.")
            elif action == "submit":
                if not self.may_edit(request, correction):
                    raise PermissionDenied
                submit_correction(correction)
                done = _("The correction is submitted for review.")
            elif action == "discard":
                mine = correction.author_id == request.user.pk
                if not (self.may_publish(request, correction) or mine):
                    raise PermissionDenied
                discard_correction(correction)
                done = _("The correction is discarded; the live item is unchanged.")
            else:
                return self.correction_page(
                    request, correction, item, error=_("Unknown action."), status=400
                )
        except CorrectionRefused as refusal:
            correction.refresh_from_db()
            return self.correction_page(request, correction, item, error=str(refusal), status=409)
        except ValidationError as invalid:
            correction.refresh_from_db()
            error = " ".join(invalid.messages)
            return self.correction_page(request, correction, item, error=error, status=400)
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(request.path)

    def correction_page(self, request, correction, item, form=None, error="", status=200):
        opts = self.model._meta
        model = correction.content_type.model_class()
        item_opts = model._meta if model else None
        if (
            item is not None
            and item_opts
            and not request.user.has_perm(f"{item_opts.app_label}.view_{item_opts.model_name}")
        ):
            raise PermissionDenied
        changed_since = conflicts(correction, item) if correction.is_open else []
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(correction)s of “%(item)s”")
            % {"correction": correction, "item": item if item is not None else "—"},
            "subtitle": None,
            "opts": opts,
            "correction": correction,
            "item": item,
            "item_url": change_url(item) if item is not None else "",
            "public_url": item.get_absolute_url() if item is not None else "",
            "rows": comparison(correction, item),
            "changed_since": changed_since,
            "preview_url": preview_url(correction, item)
            if item is not None and correction.is_open and previewable(model)
            else "",
            "may_publish": self.may_publish(request, correction)
            and correction.state == State.REVIEW,
            "may_submit": self.may_edit(request, correction)
            and correction.state in (State.DRAFT, State.SENT_BACK),
            "may_discard": correction.is_open
            and (self.may_publish(request, correction) or correction.author_id == request.user.pk),
            "send_back_form": form or SendBackForm(),
            "error": error,
        }
        return TemplateResponse(
            request, "admin/corrections/correction.html", context, status=status
        )


admin.site.register(Correction, CorrectionAdmin)
