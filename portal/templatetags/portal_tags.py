import json

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter as linebreaks
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy

from portal import dates

register = template.Library()

# What must not appear raw inside a <script> element, whatever the data holds.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data: dict):
    """A schema.org description as a JSON-LD script element, safe to embed."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in every interface language: (code, name, absolute URL, is current)."""
    request = context["request"]
    current = translation.get_language()
    versions = []
    for code, name in settings.LANGUAGES:
        path = translate_url(request.get_full_path(), code)
        versions.append((code, name, request.build_absolute_uri(path), code == current))
    return versions


@register.filter
def in_current_language(path: str) -> str:
    """A site path (stored in English, like a search entry's) for the reader's language."""
    reader = translation.get_language()
    with translation.override(settings.LANGUAGE_CODE):  # resolve it as the English path it is
        return translate_url(path, reader)


@register.filter
def local_name(item) -> str:
    """A place's, event's or person's name in the reader's language, as HTML. The original,
    where no translation is recorded, keeps its own ``lang`` and shows as such."""
    name, language = item.name_for()
    if language == translation.get_language():
        return format_html("{}", name)
    return format_html(
        '<span class="original-name" lang="{}" title="{}">{}</span>',
        language,
        translation.gettext("Name as recorded in the sources"),
        name,
    )


@register.filter
def local_name_text(item) -> str:
    """The same, as plain text (for titles and options)."""
    return item.name_for()[0]


@register.filter
def lang_attribute(language: str) -> str:
    """` lang="en"` for an element whose text is in ``language`` on a page in another one (a
    document's title, a quotation from it); nothing when the text is in the page's language
    or its language is not recorded: ``<h1{{ document.language|lang_attribute }}>``."""
    if not language or language == (translation.get_language() or "")[:2]:
        return ""
    return format_html(' lang="{}"', language)


@register.filter
def iso_partial(value, precision: str = dates.DAY) -> str:
    """A date in ISO 8601 to its precision, for ``<time datetime>``: 1990-01-20, 2008-01 or
    1918 (HTML's date, month and year strings): ``{{ day|iso_partial:precision }}``."""
    return dates.iso_partial(value, precision)


@register.filter
def partial_date(value, precision: str = dates.DAY) -> str:
    """A date as the reader's language writes it, to its precision: 20 January 1990,
    January 2008 or 1918, never a day that is not known."""
    return dates.format_partial(value, precision)


@register.simple_tag
def partial_time(value, precision: str = dates.DAY):
    """``<time datetime="2008-01">January 2008</time>``: a date to its precision, in both its
    machine-readable and its written form; nothing for no date."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>',
        dates.iso_partial(value, precision),
        dates.format_partial(value, precision),
    )


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """``{% capture name %}…{% endcapture %}``: renders what it encloses (blocks included)
    into the variable ``name``, already escaped, and shows nothing. base.html uses it to say
    a page's title and description in more than one place of its head."""
    try:
        _tag, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("capture takes one variable name") from None
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, name)


# Editors' texts (a description, a note, a summary) in the reader's language: the translation
# where one is recorded, else the original, marked with its own language and a short note. The
# note is one whole sentence for each pair of languages, so that each translation can say it
# with its own grammar ("на азербайджанский", "ingilis dilində").
UNTRANSLATED_NOTES = {
    ("az", "en"): gettext_lazy(
        "Not yet translated into Azerbaijani; shown in the original English."
    ),
    ("az", "ru"): gettext_lazy(
        "Not yet translated into Azerbaijani; shown in the original Russian."
    ),
    ("ru", "en"): gettext_lazy("Not yet translated into Russian; shown in the original English."),
    ("ru", "az"): gettext_lazy(
        "Not yet translated into Russian; shown in the original Azerbaijani."
    ),
    ("en", "az"): gettext_lazy(
        "Not yet translated into English; shown in the original Azerbaijani."
    ),
    ("en", "ru"): gettext_lazy("Not yet translated into English; shown in the original Russian."),
}


EXCERPT_WORDS = 40


def untranslated_note(reader: str, original: str) -> str:
    """The note beside an original shown to a reader of another language."""
    note = UNTRANSLATED_NOTES.get((reader, original))
    if note is not None:
        return str(note)
    return translation.gettext(
        "Not yet translated into %(language)s; shown in the original %(original)s."
    ) % {
        "language": translation.get_language_info(reader)["name_translated"],
        "original": translation.get_language_info(original)["name_translated"],
    }


def _text_and_languages(item, field: str) -> tuple[str, str, str]:
    text, language = item.text_for(field)
    reader = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return text or "", language, reader


@register.filter
def text(item, field: str) -> str:
    """An editor's text of ``item`` (``{{ event|text:"description" }}``) in the reader's
    language, as paragraphs: the translation, or the original in an element carrying its
    ``lang``, after a note saying it is not yet translated. Nothing for no text."""
    content, language, reader = _text_and_languages(item, field)
    if not content:
        return ""
    paragraphs = linebreaks(content, autoescape=True)  # escaped, then marked safe
    if language == reader:
        return paragraphs
    return format_html(
        '<p class="translation-note">{}</p><div class="original-text" lang="{}">{}</div>',
        untranslated_note(reader, language),
        language,
        paragraphs,
    )


@register.filter
def text_inline(item, field: str, words: int | None = None) -> str:
    """The same within a line (a figure's label, an editorial note): the original in a span
    carrying its ``lang``, the note after it in small type."""
    content, language, reader = _text_and_languages(item, field)
    if not content:
        return ""
    if words:
        content = Truncator(content).words(words, truncate=" …")  # as truncatewords does
    if language == reader:
        return format_html("{}", content)
    return format_html(
        '<span class="original-text" lang="{}">{}</span>'
        ' <small class="translation-note">({})</small>',
        language,
        content,
        untranslated_note(reader, language),
    )


@register.filter
def text_excerpt(item, field: str) -> str:
    """Its first 40 words, within a line, as ``text_inline`` marks them (a list's summary)."""
    return text_inline(item, field, words=EXCERPT_WORDS)


@register.filter
def text_plain(item, field: str) -> str:
    """The text in the reader's language, or the original, as plain text (a page's
    description in its head, where no element can carry a language)."""
    return _text_and_languages(item, field)[0]
