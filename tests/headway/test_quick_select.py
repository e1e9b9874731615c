"""QuickSelect writes the same <select> as Django's template-rendered one, only faster."""

import pytest
from django import forms
from django.test.html import parse_html

from headway.forms import QuickSelect
from objectives.models import Team
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


class Filter(forms.Form):
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All teams",
        help_text="Pick one",
    )


def html(widget, data):
    form = Filter(data)
    form.fields["team"].widget = widget(choices=form.fields["team"].choices)
    return str(form["team"])


def rendered(widget, data):
    return parse_html(html(widget, data))


@pytest.mark.parametrize("data", [{}, {"team": "b"}, {"team": "nonsense"}])
def test_the_same_html_as_djangos_select(data):
    TeamFactory(name="Alpha", slug="a")
    TeamFactory(name="Bravo & <Sons>", slug="b")

    assert rendered(QuickSelect, data) == rendered(forms.Select, data)


def test_labels_and_values_are_escaped():
    TeamFactory(name='<script>alert("x")</script>', slug="s")

    written = html(QuickSelect, {})

    assert "<script>" not in written
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in written
