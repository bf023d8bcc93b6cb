"""The register's page (memorials/person_list.html)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from portal.templatetags.portal_tags import lang_attribute

register = template.Library()


@register.simple_tag
def event_options(choices, selected: str):
    """The event filter's ``<option>``s, written at once: a thousand events through the
    template's loop cost more than the rest of the page. A language's ``lang`` attribute is
    written once, not once per event."""
    lang_attributes = {}

    def lang(language):
        if language not in lang_attributes:
            lang_attributes[language] = lang_attribute(language)
        return lang_attributes[language]

    options = (
        f'<option value="{escape(slug)}"{lang(language)}'
        f"{' selected' if slug == selected else ''}>{escape(name)}</option>"
        for slug, name, language in choices
    )
    return mark_safe("".join(options))  # noqa: S308 -- every value escaped above
