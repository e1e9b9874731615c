"""QuickSelect writes the same <select> as Django's template-rendered one, only faster."""

import pytest
from django import forms
from django.test.html import parse_html
from django.utils import translation
from django.utils.translation import gettext_lazy as _

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


class Sort(forms.Form):
    sort = forms.ChoiceField(
        choices=[("", _("Anyone")), ("me", "Me & <you>"), ("me", "Me again")], required=False
    )


def sort_html(widget, data):
    form = Sort(data)
    form.fields["sort"].widget = widget(choices=form.fields["sort"].choices)
    return str(form["sort"])


@pytest.mark.parametrize(
    ("data", "selected"), [({}, 1), ({"sort": "me"}, 1), ({"sort": "<nonsense>"}, 0)]
)
def test_plain_choices_the_same_as_djangos_and_only_the_first_match_selected(data, selected):
    written = sort_html(QuickSelect, data)

    assert parse_html(written) == parse_html(sort_html(forms.Select, data))
    assert written.count(" selected") == selected


def test_lazy_labels_in_the_language_of_the_request():
    with translation.override("fr"):
        written = sort_html(QuickSelect, {})

    assert '<option value="" selected>N’importe qui</option>' in written


def test_groups_of_options_are_written_as_django_writes_them():
    class Grouped(forms.Form):
        size = forms.ChoiceField(choices=[("Small", [("s", "S"), ("m", "M")]), ("l", "L")])

    form = Grouped({"size": "m"})
    quick = QuickSelect(choices=form.fields["size"].choices).render("size", "m")
    django = forms.Select(choices=form.fields["size"].choices).render("size", "m")

    assert '<optgroup label="Small">' in quick
    assert parse_html(quick) == parse_html(django)
