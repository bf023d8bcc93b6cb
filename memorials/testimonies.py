"""Visitors' testimonies and correction requests: the forms, the rate limit, and receiving one.

A visitor writes about a person or an event: a testimony (their memory, with an optional photo)
or a correction request (something on the page is wrong). Both wait for an editor, like
tributes (memorials/tributes.py), and both carry an email address that only editors see.

A photo is checked and cleaned by ``archive.media.prepare_upload`` (re-encoded, EXIF dropped)
and stored under a random name, outside anything ``/media/`` serves (that view serves
attachments only). Visitors see it only through ``views.testimony_photo``, which asks whether
the testimony is approved, the photo consented and the subject public.
"""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from archive.media import EXTENSIONS, IMAGE, prepare_upload
from portal.limits import increment
from portal.rights import VISITOR_CHOICES
from portal.widgets import WrittenOnceWhileUnbound

from .models import CorrectionRequest, Testimony

RATE_LIMIT = 5  # testimonies and correction requests together, per address …
RATE_WINDOW_SECONDS = 60 * 60  # … in an hour
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_EXTENSIONS = sorted(ext for ext, (kind, _format) in EXTENSIONS.items() if kind == IMAGE)
PHOTO_FOLDER = "testimonies"


class VisitorForm(forms.ModelForm):
    """What both forms share: the honeypot, and ids of their own (the tribute form on the same
    page has fields of the same names, and each error must point at its own field)."""

    # A honeypot: hidden from people by CSS and labelled to leave empty; bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    id_prefix = "visitor"
    bound_field_class = WrittenOnceWhileUnbound

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    @property
    def fields_in_error(self) -> list:
        """The bound fields with errors, for the summary that links to each."""
        return [field for field in self.visible_fields() if field.errors]


class TestimonyForm(VisitorForm):
    id_prefix = "testimony"

    # Not the model's field: a photo is stored only after it has been cleaned, under a name
    # nobody can guess (``store_photo``), never under the name the visitor's file had.
    photo = forms.FileField(
        label=_("The photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    photo_rights = forms.ChoiceField(
        label=_("Who may reuse the photo"),
        choices=VISITOR_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Testimony
        fields = [
            "shown_name",
            "relation",
            "email",
            "text",
            "photo_description",
            "photo_consent",
            "photo_rights",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 8, "maxlength": 5000})}
        labels = {
            "shown_name": _("Your name, as the page will show it"),
            "email": _("Your email address"),
            "text": _("Your testimony (at most 5,000 characters)"),
            "photo_description": _("What the photo shows"),
            "photo_consent": _(
                "I took this photo or hold its rights, and I agree that it is published here "
                "with my testimony."
            ),
        }
        help_texts = {
            "photo_description": _(
                "Who or what is in the photo, where and when: read aloud to people who cannot "
                "see it. Needed with a photo."
            ),
        }

    def __init__(self, *args, subject_is_event: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.unbound_variant = subject_is_event  # its labels differ (WrittenOnceWhileUnbound)
        self.fields["relation"].label = (
            _("Your relation to the event (optional)")
            if subject_is_event
            else _("Your relation to the person (optional)")
        )
        self.fields["relation"].help_text = (
            _("For example: witness, resident, rescuer, journalist.")
            if subject_is_event
            else _("For example: daughter, neighbour, colleague, witness.")
        )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        extension = photo.name.rpartition(".")[2].lower() if "." in photo.name else ""
        if extension not in PHOTO_EXTENSIONS:
            raise ValidationError(
                _("Only a JPEG, PNG or WebP photo can be sent."), code="photo_type"
            )
        if photo.size > PHOTO_MAX_BYTES:
            raise ValidationError(
                _("The photo is larger than %(limit)s."),
                code="photo_size",
                params={"limit": filesizeformat(PHOTO_MAX_BYTES)},
            )
        return photo

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("photo"):
            if not cleaned.get("photo_consent"):
                self.add_error(
                    "photo_consent", _("A photo is sent only with your consent to publish it.")
                )
            if not cleaned.get("photo_rights"):
                self.add_error("photo_rights", _("Choose who may reuse the photo."))
            if not cleaned.get("photo_description", "").strip():
                self.add_error("photo_description", _("Say what the photo shows."))
        elif "photo" in cleaned:
            # No photo: nothing to consent to, describe or license.
            cleaned.update(photo_consent=False, photo_rights="", photo_description="")
        return cleaned


class CorrectionForm(VisitorForm):
    id_prefix = "correction"

    class Meta:
        model = CorrectionRequest
        fields = ["shown_name", "email", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5, "maxlength": 5000})}
        labels = {
            "shown_name": _("Your name"),
            "email": _("Your email address"),
            "text": _("What is wrong, and what is right? (at most 5,000 characters)"),
        }
        help_texts = {
            "shown_name": _("For the editors: a correction request is not published."),
            "text": _("Name your source if you can: a document, a record, a publication."),
        }


def over_rate_limit(sender: str) -> bool:
    """Count one submission from ``sender`` in the cache every worker shares
    (portal/limits.py): testimonies and correction requests count together."""
    return increment(f"testimony-rate:{sender}", RATE_WINDOW_SECONDS) > RATE_LIMIT


def store_photo(testimony: Testimony, upload) -> None:
    """Clean ``upload`` (``prepare_upload``: an image, re-encoded without EXIF) and store it
    and its display size under a random name. Raises ValidationError for a file that is not a
    readable image."""
    prepared = prepare_upload(upload)
    if prepared.kind != IMAGE:
        raise ValidationError(_("Only a JPEG, PNG or WebP photo can be sent."), code="photo_type")
    storage = Testimony._meta.get_field("photo").storage
    stem = f"{PHOTO_FOLDER}/{secrets.token_urlsafe(24)}"
    testimony.photo = storage.save(f"{stem}.{prepared.extension}", ContentFile(prepared.content))
    testimony.photo_display = storage.save(
        f"{stem}-display.webp", ContentFile(prepared.renditions["display"])
    )
    testimony.photo_width, testimony.photo_height = prepared.width, prepared.height


def delete_photo(testimony: Testimony) -> None:
    for file in (testimony.photo, testimony.photo_display):
        if file:
            file.storage.delete(file.name)


def photo_leaves_with_its_testimony(sender, instance, **kwargs):
    """A deleted testimony takes its photo with it (a visitor may ask for that), once the
    deletion is committed; a rejected one keeps it, for an editor who reconsiders."""
    transaction.on_commit(lambda: delete_photo(instance))


def receive(form: VisitorForm, *, subject_field: str, subject, sender: str):
    """Store a valid testimony or correction request, waiting for an editor: saving it changes
    no public page (``Moderated.awaiting_moderation``, portal/freshness.py). A honeypot hit is
    dropped without a word (None). A photo that is no readable image raises ValidationError,
    and nothing is stored."""
    if form.is_spam:
        return None
    submission = form.save(commit=False)
    setattr(submission, subject_field, subject)
    submission.sender = sender
    photo = form.cleaned_data.get("photo")
    if photo:
        store_photo(submission, photo)
    try:
        submission.save()
    except Exception:
        delete_photo(submission)
        raise
    return submission
