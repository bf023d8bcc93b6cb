"""QuickSelect writes exactly what Django's Select writes through its templates."""

import re

import pytest
from django import forms
from django.test.html import parse_html

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
