"""Text as the portal stores it: one form of line end, no invisible control characters.

Every path that writes content (the admin, the importers, bulk imports, bags, the shell) meets
these rules at the model (``CleanText``), so the same text is always the same bytes:

- line ends are transport, not content: CRLF and lone CR become LF (``normalize_line_ends``),
  so a browser's textarea, a Windows file and a Unix file give one text and one checksum;
- C0 and C1 control characters other than newline and tab have no meaning in a document, a
  name or a message, break XML outputs and hide things from readers: they are refused with a
  message naming the character and where it is (``control_character_problem``);
- bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) let a visitor's message
  reorder the text around it on a page: visitors' text drops them (``strip_bidi_controls``).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def normalize_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def control_character_problem(text: str) -> str:
    """A sentence naming the first control character in ``text`` and its place, or ''."""
    match = _CONTROL.search(text)
    if match is None:
        return ""
    char = match.group()
    name = unicodedata.name(char, "") or "control character"
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    return _(
        "contains an invisible control character (U+%(code)04X %(name)s) at line %(line)d, "
        "column %(column)d; remove it"
    ) % {"code": ord(char), "name": name.title(), "line": line, "column": column}


def strip_bidi_controls(text: str) -> str:
    return _BIDI_CONTROLS.sub("", text)


def _text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    ]


class CleanText(models.Model):
    """Content whose text fields hold one form of line end and no control characters.

    ``save()`` normalizes line ends (so even a shell save stores LF); ``clean_fields()`` refuses
    control characters with the field and place, for the admin and every import."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalize_text()
        super().save(*args, **kwargs)

    def normalize_text(self) -> None:
        for field in _text_fields(type(self)):
            value = getattr(self, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(self, field.attname, normalize_line_ends(value))

    def text_problems(self) -> dict[str, str]:
        problems = {}
        for field in _text_fields(type(self)):
            value = getattr(self, field.attname)
            problem = control_character_problem(value) if isinstance(value, str) else ""
            if problem:
                problems[field.name] = problem
        return problems

    def clean_fields(self, exclude=None):
        self.normalize_text()
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, problem in self.text_problems().items():
            if not exclude or name not in exclude:
                errors.setdefault(name, []).append(ValidationError(problem, code="control"))
        if errors:
            raise ValidationError(errors)


def normalize_raw_save(sender, instance, raw=False, **kwargs):
    """Fixtures and bags are saved raw, past ``save()``: their text is normalized here."""
    if raw and isinstance(instance, CleanText):
        instance.normalize_text()
