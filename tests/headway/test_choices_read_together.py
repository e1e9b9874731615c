"""headway.forms.ChoicesReadTogether: several model choice fields' lists read in one round
trip, each as the field would list it."""

import pytest
from django import forms
from django.contrib.auth import get_user_model

from headway.forms import WRITTEN_CHOICES, ChoicesReadTogether, QuickSelect, option_tags
from headway.people import NAME_ORDER, display_name
from objectives.models import Quarter, Team
from tests.factories import QuarterFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


class Filters(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All teams",
        widget=QuickSelect,
    )
    blocking = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any team",
        widget=QuickSelect,
    )
    quarter = forms.ModelChoiceField(
        queryset=Quarter.objects.none(), to_field_name="label", required=False
    )
    person = forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by(*NAME_ORDER), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        together = ChoicesReadTogether()
        together.add(self.fields["team"], self.fields["blocking"], columns=["name"])
        together.add(self.fields["quarter"], columns=["label"])
        together.add(self.fields["person"], columns=NAME_ORDER, label=display_name)


def test_every_list_in_one_query_each_as_the_field_lists_it(django_assert_num_queries):
    TeamFactory(
        name="Bravo & <Sons>",
        slug="bravo",
        leader=UserFactory(username="zed", first_name="", last_name=""),
    )
    TeamFactory(name="Alpha", slug="alpha", leader=UserFactory(first_name="Ann", last_name="Lee"))
    QuarterFactory(label="2026-Q4")
    form = Filters({"blocking": "bravo"})
    assert form.is_valid()  # the chosen team looked up: a query of its own

    with django_assert_num_queries(1):
        written = {name: str(form[name]) for name in form.fields}
        listed = {name: list(form.fields[name].choices) for name in form.fields}

    assert listed["team"] == [("", "All teams"), ("alpha", "Alpha"), ("bravo", "Bravo & <Sons>")]
    assert (
        listed["blocking"][0] == ("", "Any team") and listed["blocking"][1:] == (listed["team"][1:])
    )
    assert listed["quarter"] == [("", form.fields["quarter"].empty_label)]
    assert [label for _pk, label in listed["person"][1:]] == ["zed", "Ann Lee"]
    assert '<option value="bravo" selected>Bravo &amp; &lt;Sons&gt;</option>' in written["blocking"]
    assert "<Sons>" not in written["team"]


def test_nothing_read_until_a_list_is_drawn(django_assert_num_queries):
    with django_assert_num_queries(0):
        Filters({}).is_valid()


def test_options_written_once_for_the_same_rows_and_again_when_they_change():
    TeamFactory(name="Alpha", slug="alpha")
    TeamFactory(name="Bravo", slug="bravo")
    first = str(Filters({"team": "alpha"})["team"])
    written = dict(WRITTEN_CHOICES)

    again = str(Filters({"blocking": "bravo"})["team"])
    assert {key: id(value) for key, value in WRITTEN_CHOICES.items()} == {
        key: id(value) for key, value in written.items()
    }  # the same rows read: nothing written again
    assert '<option value="alpha" selected>Alpha</option>' in first
    assert '<option value="" selected>All teams</option>' in again
    assert '<option value="alpha">Alpha</option>' in again

    Team.objects.filter(slug="bravo").update(name="Bravo & <Sons>")
    TeamFactory(name="Charlie", slug="charlie")
    changed = str(Filters({"team": "charlie"})["team"])
    assert changed == (
        '<select name="team" id="id_team">'
        '<option value="">All teams</option>'
        '<option value="alpha">Alpha</option>'
        '<option value="bravo">Bravo &amp; &lt;Sons&gt;</option>'
        '<option value="charlie" selected>Charlie</option>'
        "</select>"
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"team": ""},
        {"team": "bravo"},
        {"team": "nobody"},
        {"blocking": "alpha", "team": "alpha"},
    ],
)
def test_written_options_are_those_option_tags_writes(data):
    TeamFactory(name="Alpha", slug="alpha")
    TeamFactory(name="Bravo", slug="bravo")
    TeamFactory(name="<Charlie> & Co", slug="charlie")
    form = Filters(data)
    for name in ("team", "blocking"):
        field = form.fields[name]
        chosen = form[name].field.widget.format_value(form[name].value())
        assert str(field.choices.option_tags(chosen)) == str(
            option_tags(list(field.choices), chosen)
        )
