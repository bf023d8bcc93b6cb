"""Names of places, events and people in the reader's language, where one is recorded.

The ``name`` field is the name as the sources give it, in ``name_language``. A name in each
interface language may be recorded beside it; where none is, pages show the original, marked
with its own language (``portal_tags.local_name``) so that a reader sees it is not translated.
"""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def reader_language(language: str | None = None) -> str:
    return (language or translation.get_language() or "en")[:2]


def name_in(language: str, name: str, name_language: str, local: str) -> tuple[str, str]:
    """The name a reader of ``language`` reads: its recording in that language (``local``),
    else the original, each with its language."""
    if language == name_language:
        return name, language
    return (local, language) if local else (name, name_language)


class NamedInLanguages(models.Model):
    name_language = models.CharField(
        _("language of the name"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of the name above, as the sources give it."),
    )
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    name_az = models.CharField(_("name in Azerbaijani"), max_length=200, blank=True)
    name_ru = models.CharField(_("name in Russian"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def name_for(self, language: str | None = None) -> tuple[str, str]:
        """(name, its language) for a reader of ``language``: the recorded name in that
        language, or the original with the original's language."""
        language = reader_language(language)
        local = getattr(self, f"name_{language}", "")
        return name_in(language, self.name, self.name_language, local)

    @classmethod
    def names_for(cls, queryset, language: str | None = None, *fields):
        """Each row's ``fields`` and its (name, language) for a reader of ``language``, read
        as values: a list of a thousand names without a thousand model instances."""
        language = reader_language(language)
        columns = ("name", "name_language", f"name_{language}")
        return [
            (*row[: len(fields)], *name_in(language, *row[len(fields) :]))
            for row in queryset.values_list(*fields, *columns)
        ]

    @property
    def local_name(self) -> str:
        return self.name_for()[0]

    @property
    def translated_names(self) -> list[str]:
        names = [self.name_en, self.name_az, self.name_ru]
        return [name for name in names if name and name != self.name]


class TranslatedTexts(models.Model):
    """Texts editors write (a description, a note, a summary) in the language they wrote them
    in, and translations beside them in the other interface languages.

    ``translated_fields`` names the model's text fields that take translations; the
    translations are kept in ``translated_texts`` as ``{"description": {"az": "…"}}``, so
    a field gains languages without a column each. A reader of a language without a
    translation gets the original, marked with its own language (``text_for``)."""

    translated_fields: tuple[str, ...] = ()

    texts_language = models.CharField(
        _("language of the texts"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language the texts below are written in."),
    )
    translated_texts = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def text_for(self, field: str, language: str | None = None) -> tuple[str, str]:
        """(text, its language) of ``field`` for a reader of ``language``: the translation
        into that language, or the original with the original's language."""
        language = (language or translation.get_language() or "en")[:2]
        original = getattr(self, field)
        if language != self.texts_language:
            translated = (self.translated_texts or {}).get(field, {}).get(language, "")
            if translated:
                return translated, language
        return original, self.texts_language

    def translated(self, field: str, language: str) -> str:
        return (self.translated_texts or {}).get(field, {}).get(language, "")

    def missing_languages(self) -> set[str]:
        """The interface languages into which some written text is not translated."""
        missing = set()
        for field in self.translated_fields:
            if not getattr(self, field):
                continue
            for language, _name in settings.LANGUAGES:
                if language != self.texts_language and not self.translated(field, language):
                    missing.add(language)
        return missing
