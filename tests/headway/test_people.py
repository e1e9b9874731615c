"""A person is named one way everywhere: their full name, else their username
(headway.people.display_name, and the `display_name` filter every template has)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.template import engines
from django.urls import reverse

from coaching.forms import ActionItemForm
from headway.people import NAME_ORDER, display_name
from objectives.forms import ObjectiveForm
from objectives.models import Membership, Objective
from obstacles.forms import LogFilterForm, OwnerForm
from tests.factories import MembershipFactory, ObstacleFactory, OneOnOneFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nameless(team):
    """A team member who never gave their name: they are shown by username."""
    user = UserFactory(username="jdoe", first_name="", last_name="")
    MembershipFactory(team=team, user=user, role=Membership.Role.DESIGNER)
    return user


def test_a_person_is_their_full_name_else_their_username(leader, nameless):
    assert display_name(leader) == "Maya Chen"
    assert display_name(nameless) == "jdoe"
    assert display_name(None) == ""


def test_a_row_of_the_name_columns_is_named_as_its_person(leader, nameless):
    people = get_user_model().objects.filter(pk__in=[leader.pk, nameless.pk])
    rows = people.order_by("pk").values_list(*NAME_ORDER, named=True)

    assert [display_name(row) for row in rows] == ["Maya Chen", "jdoe"]


def test_every_template_has_the_filter_without_loading_it(leader, nameless):
    template = engines["django"].from_string(
        "{{ a|display_name }}/{{ b|display_name }}/{{ c|display_name }}"
    )
    assert template.render({"a": leader, "b": nameless, "c": None}) == "Maya Chen/jdoe/"


def test_the_filter_escapes_names():
    person = UserFactory(username="x", first_name="<b>Bold</b>", last_name="")
    rendered = engines["django"].from_string("{{ p|display_name }}").render({"p": person})
    assert rendered == "&lt;b&gt;Bold&lt;/b&gt;"


def labels(field):
    return [label for value, label in field.choices if value]


def test_objective_owners_are_offered_by_name(team, leader, pm, nameless, current_quarter):
    form = ObjectiveForm(team=team, instance=Objective(team=team, quarter=current_quarter))
    assert labels(form.fields["owner"]) == ["jdoe", "Maya Chen", "Sam Rivera"]


def test_obstacle_owners_are_offered_by_name(team, leader, pm, nameless, outsider):
    obstacle = ObstacleFactory(team=team, created_by=pm)
    form = OwnerForm(obstacle=obstacle, user=outsider)
    assert set(labels(form.fields["owner"])) == {
        "jdoe",
        "Maya Chen",
        "Sam Rivera",
        display_name(outsider),
    }


def test_the_log_filters_owners_by_name(team, pm, nameless):
    ObstacleFactory(team=team, created_by=pm, owner=pm)
    ObstacleFactory(team=team, created_by=pm, owner=nameless)
    form = LogFilterForm({}, user=pm)
    assert labels(form.fields["owner"]) == ["jdoe", "Sam Rivera"]


def test_action_item_owners_are_offered_by_name_on_the_one_on_one_page(
    client_for, team, leader, pm
):
    one_on_one = OneOnOneFactory(team=team, leader=leader, pm=pm)
    assert labels(ActionItemForm(one_on_one=one_on_one).fields["owner"]) == [
        "Maya Chen",
        "Sam Rivera",
    ]

    page = client_for(leader).get(one_on_one.get_absolute_url()).content.decode()
    select = re.search(r'<select name="owner".*?</select>', page, re.S).group()
    assert ">Maya Chen</option>" in select
    assert ">Sam Rivera</option>" in select
    assert ">pm</option>" not in select


def test_pages_show_people_by_name(client_for, team, pm, nameless):
    obstacle = ObstacleFactory(team=team, created_by=nameless, owner=pm)
    page = client_for(pm).get(obstacle.get_absolute_url()).content.decode()
    assert "by jdoe" in page  # logged by someone without a full name
    assert "Sam Rivera" in page  # its owner
    team_page = client_for(pm).get(reverse("team", args=[team.slug])).content.decode()
    assert "<strong>jdoe</strong>" in team_page
    assert "<strong>Maya Chen</strong>" in team_page


def test_no_template_writes_a_name_its_own_way():
    """`get_full_name|default:username` was written 28 times: one filter says it now."""
    from tests.headway.test_translations import template_files

    offenders = [
        path.name
        for path in template_files()
        if re.search(r"get_full_name|(?<!form)\.username\b", path.read_text())
    ]
    assert offenders == []
