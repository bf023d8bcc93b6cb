"""The admin's person page beyond the workflow: family relations, the portrait chosen among
the person's own images, the documents the person's names were found in (suggestions, with a
one-click link), and merging two records of one person (memorials/services.py)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from archive.models import Attachment, Document
from portal.admin import confirmation_page
from portal.correction_admin import correcting

from . import services
from .models import Person, PersonRelation

LINK_DOCUMENT = "_link_document"  # the suggestion's button: save, then link this document


class PersonRelationForm(forms.ModelForm):
    class Meta:
        model = PersonRelation
        fields = ["kind", "relative", "source"]

    def clean(self):
        cleaned = super().clean()
        person, relative = self.instance.person_id, cleaned.get("relative")
        if person and relative is not None:
            recorded_on_relative = PersonRelation.objects.filter(person=relative, relative=person)
            if recorded_on_relative.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "relative",
                    _("This relation is already recorded on %(relative)s's record.")
                    % {"relative": relative},
                )
        return cleaned


class PersonRelationInline(admin.TabularInline):
    """Family, recorded once, on either person: the page shows it from both sides."""

    model = PersonRelation
    form = PersonRelationForm
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["relative", "source"]
    verbose_name = _("family relation: this person's …")
    verbose_name_plural = _("family relations: this person's …")


def own_images(person):
    """The images attached to ``person``: the portrait is chosen among them."""
    if person is None or person.pk is None:
        return Attachment.objects.none()
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=person.pk,
        kind=Attachment.Kind.IMAGE,
    )


class MergeForm(forms.Form):
    survivor = forms.TypedChoiceField(
        label=_("Keep"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_(
            "The record that stays. The other one's tributes, testimonies, correction requests, "
            "family, documents, files and spellings move to it; its address will lead here."
        ),
    )

    def __init__(self, people, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [
            (
                person.pk,
                f"{person.name} — /{person.slug}/, {person.get_status_display()}, #{person.pk}",
            )
            for person in people
        ]


class PersonPageAdmin:
    """Mixed into the PersonAdmin before the workflow's admin."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        portrait = form.base_fields.get("portrait")
        if portrait is not None:
            portrait.queryset = own_images(obj)
            portrait.help_text = _(
                "One of this person's images (add it under Attachments and save first)."
            )
        return form

    def get_fieldsets(self, request, obj=None):
        """The suggestions carry a "link" button only for those who may change the person (a
        correction of a live person links no document: its documents are not part of it)."""
        fieldsets = super().get_fieldsets(request, obj)
        changing = obj is not None and self.has_change_permission(request, obj)
        if changing and correcting(request) is None:
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "suggested_documents_list" if field == "suggested_documents" else field
                        for field in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def _suggestions(self, person, buttons: bool):
        if person is None or person.pk is None:
            return _("Save the person first: the documents naming them are then looked for.")
        mentions = (
            person.mentions.exclude(document__in=person.documents.all())
            .select_related("document", "document__issuer")
            .order_by("document__issued_on", "document__pk")
        )
        if not mentions:
            return _("No other document in the archive contains one of this person's spellings.")
        rows = []
        for mention in mentions:
            document = mention.document
            button = (
                format_html(
                    ' <button type="submit" name="{}" value="{}" class="button">{}</button>',
                    LINK_DOCUMENT,
                    document.pk,
                    _("Link"),
                )
                if buttons
                else ""
            )
            rows.append(
                (
                    reverse("admin:archive_document_change", args=[document.pk]),
                    document.title,
                    document.issuer.name,
                    document.issued_on.isoformat(),
                    document.get_status_display(),
                    mention.spelling,
                    button,
                )
            )
        return format_html(
            '<ul class="name-mentions">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}, {}, {}): “{}”{}</li>',
                rows,
            ),
        )

    @admin.display(description=_("found in"))
    def suggested_documents(self, person):
        """Documents whose text holds one of the person's spellings, not linked yet; "Link"
        saves the form and links the document."""
        return self._suggestions(person, buttons=True)

    @admin.display(description=_("found in"))
    def suggested_documents_list(self, person):
        return self._suggestions(person, buttons=False)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        chosen = request.POST.get(LINK_DOCUMENT, "")
        if not chosen or correcting(request) is not None:
            return
        document = Document.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        if document is None:
            self.message_user(request, _("That document no longer exists."), messages.WARNING)
            return
        form.instance.documents.add(document)
        self.message_user(
            request,
            _("“%(document)s” is linked to %(person)s.")
            % {"document": document.title, "person": form.instance},
            messages.SUCCESS,
        )

    def response_change(self, request, obj):
        if LINK_DOCUMENT in request.POST:
            return redirect(request.path)  # back to the person, to link another
        return super().response_change(request, obj)

    @admin.action(description=_("Merge two records of one person"), permissions=["change"])
    def merge_two_people(self, request, queryset):
        """Asks which of the two selected records stays, then merges the other into it."""
        people = list(queryset.order_by("pk")[:3])
        if len(people) != 2:
            self.message_user(
                request, _("Select exactly two records of one person to merge."), messages.ERROR
            )
            return None
        if not services.may_merge(request.user, *people):
            self.message_user(
                request,
                _("Only a publisher may merge a person who is or was public."),
                messages.ERROR,
            )
            return None
        if request.POST.get("post") == "yes":
            form = MergeForm(people, request.POST)
            if form.is_valid():
                survivor = next(p for p in people if p.pk == form.cleaned_data["survivor"])
                duplicate = next(p for p in people if p.pk != survivor.pk)
                services.merge_people(survivor, duplicate, request.user)
                self.message_user(
                    request,
                    _("%(duplicate)s (/%(slug)s/) was merged into %(survivor)s.")
                    % {"duplicate": duplicate.name, "slug": duplicate.slug, "survivor": survivor},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:memorials_person_change", args=[survivor.pk]))
        else:
            form = MergeForm(people)
        intro = _(
            "These two records describe one person. Choose the record that stays: the other is "
            "deleted once everything attached to it has moved, its name and spellings are added "
            "to the variants of the one that stays, and its address leads there from now on. "
            "Both histories are kept."
        )
        return confirmation_page(
            self,
            request,
            people,
            form,
            "merge_two_people",
            _("Merge two records of one person"),
            intro,
            _("Merge"),
            template="admin/memorials/person/merge_confirmation.html",
        )
