"""Widgets that write at once what Django writes through its templates (QuickSelect), or once
what is the same on every page (WrittenOnceWhileUnbound)."""

import re

import pytest
from django import forms
from django.test.html import parse_html
from django.utils import translation

from portal.widgets import QuickSelect

CHOICES = [("", "Any"), ("x&y", "X <&> “Y”"), (2008, 2008), ("az", "Azərbaycan")]


def written(widget, data) -> str:
    class Filters(forms.Form):
        value = forms.ChoiceField(choices=CHOICES, required=False, widget=widget)

    return re.sub(r">\s+<", "><", str(Filters(data)["value"])).strip()


@pytest.mark.parametrize("data", [{}, {"value": "x&y"}, {"value": "2008"}, {"value": "none"}])
def test_the_same_html_as_djangos_select(data):
    # As assertHTMLEqual compares: the same elements, attributes and text, in any attribute order.
    assert parse_html(written(QuickSelect, data)) == parse_html(written(forms.Select, data))
    assert "&lt;&amp;&gt;" in written(QuickSelect, data)  # labels escaped


@pytest.mark.parametrize("language", ["en", "az", "ru"])
@pytest.mark.parametrize("subject_is_event", [True, False])
def test_an_empty_visitor_form_is_written_once_as_django_writes_it(language, subject_is_event):
    from memorials.testimonies import TestimonyForm
    from memorials.tributes import TributeForm

    def fields(form) -> list[str]:
        return [field.as_field_group() for field in form] + [str(field) for field in form]

    def as_django(form):
        form.bound_field_class = forms.BoundField
        return form

    with translation.override(language):
        for _ in range(2):  # the second time from what the first one wrote
            written = fields(TestimonyForm(subject_is_event=subject_is_event))
            assert written == fields(as_django(TestimonyForm(subject_is_event=subject_is_event)))
            assert fields(TributeForm()) == fields(as_django(TributeForm()))
        relation = TestimonyForm(subject_is_event=subject_is_event)["relation"].label
        assert str(relation) in written[1]  # the relation field, labelled for its subject


def test_a_refused_visitor_form_shows_what_the_visitor_wrote_and_why():
    from memorials.testimonies import TestimonyForm

    TestimonyForm()["email"].as_field_group()  # the empty form, written once
    refused = TestimonyForm({"email": "not an address", "text": "<b>My words</b>"})
    assert not refused.is_valid()
    assert 'value="not an address"' in refused["email"].as_field_group()
    assert "Enter a valid email address." in refused["email"].as_field_group()
    assert "&lt;b&gt;My words&lt;/b&gt;" in refused["text"].as_field_group()
    assert "not an address" not in TestimonyForm()["email"].as_field_group()
