"""The register's page (memorials/person_list.html)."""

from django import template
from django.utils.html import format_html, format_html_join

from portal.templatetags.portal_tags import lang_attribute

register = template.Library()


@register.simple_tag
def event_options(choices, selected: str):
    """The event filter's ``<option>``s, written at once: a thousand events through the
    template's loop cost more than the rest of the page."""
    return format_html_join(
        "",
        '<option value="{}"{}{}>{}</option>',
        (
            (
                slug,
                lang_attribute(language),
                format_html(" selected") if slug == selected else "",
                name,
            )
            for slug, name, language in choices
        ),
    )
