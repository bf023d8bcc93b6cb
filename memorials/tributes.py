"""Visitor tributes: the form, the per-visitor rate limit, and receiving one."""

import hashlib
import hmac

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.clients import client_address
from portal.limits import increment
from portal.widgets import WrittenOnceWhileUnbound

from .models import Tribute

RATE_LIMIT = 5  # tributes per address …
RATE_WINDOW_SECONDS = 10 * 60  # … in ten minutes


class TributeForm(forms.ModelForm):
    # A honeypot: hidden from people by CSS and labelled to leave empty; bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    bound_field_class = WrittenOnceWhileUnbound

    class Meta:
        model = Tribute
        fields = ["kind", "name", "text"]
        widgets = {
            "kind": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        }
        labels = {
            "name": _("Your name (optional)"),
            "text": _("Message (at most 1,000 characters)"),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Tribute.Kind.MESSAGE and not cleaned.get("text", "").strip():
            self.add_error("text", _("Write a message, or choose to light a candle."))
        if cleaned.get("kind") == Tribute.Kind.CANDLE:
            cleaned["text"] = ""
        return cleaned

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def sender_of(request) -> str:
    """A keyed hash of the client's address (portal/clients.py): REMOTE_ADDR, or behind a
    trusted proxy the address it reported — never what the client writes in X-Forwarded-For."""
    address = client_address(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def over_rate_limit(sender: str) -> bool:
    """Count one tribute from ``sender`` in the cache every worker shares (portal/limits.py)."""
    return increment(f"tribute-rate:{sender}", RATE_WINDOW_SECONDS) > RATE_LIMIT


def receive(form: TributeForm, *, subject_field: str, subject, sender: str) -> Tribute | None:
    """Store a valid tribute: a candle, which carries no words, is lit at once (it counts, and
    its save changes the public pages: portal/freshness.py); a message waits for an editor.
    A honeypot hit is dropped without a word."""
    if form.is_spam:
        return None
    tribute = form.save(commit=False)
    setattr(tribute, subject_field, subject)
    tribute.sender = sender
    if tribute.kind == Tribute.Kind.CANDLE:
        tribute.state = Tribute.State.APPROVED
    tribute.save()
    return tribute
