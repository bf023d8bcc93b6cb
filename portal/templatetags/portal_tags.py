import json

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
