"""Form widgets for public pages."""

from django import forms
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html, format_html_join


class QuickSelect(forms.Select):
    """A ``<select>`` written at once, as Django's own would be written through a template per
    option: a filter offering a hundred issuers and every year of an archive spent more time
    on its options than the rest of its page."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class WrittenOnceWhileUnbound(forms.BoundField):
    """A field of a form that pages show empty (a visitor's tribute or testimony): while the
    form is unbound its HTML is the same on every page of that kind, in each language, so it
    is written once per process, not through a dozen templates on every event and person page.
    A form names what else its empty fields' HTML depends on in ``unbound_variant``. Bound (a
    refused submission shown again, with the visitor's values and errors), it is written as
    usual."""

    written: dict[tuple, str] = {}

    def as_field_group(self):
        return self._once("field group", super().as_field_group)

    def __str__(self):
        return self._once("widget", super().__str__)

    def _once(self, part: str, write) -> str:
        form = self.form
        if form.is_bound:
            return write()
        key = (
            type(form),
            getattr(form, "unbound_variant", None),
            repr(form.initial),
            form.auto_id,
            self.name,
            part,
            translation.get_language(),
        )
        if key not in self.written:
            self.written[key] = write()
        return self.written[key]
