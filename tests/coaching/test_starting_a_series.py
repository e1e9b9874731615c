"""Either side of a pair starts their 1:1 series, and each finds their way to prepare it."""

import pytest
from django.urls import reverse

from coaching.models import OneOnOne
from tests.factories import MembershipFactory, OneOnOneFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def start(client, team, pm=None):
    data = {"pm": pm.pk} if pm else {}
    return client.post(reverse("coaching:schedule_first", args=[team.slug]), data)


def test_the_leader_sees_each_pm_and_schedules_the_first_one_on_one(client_for, leader, team, pm):
    client = client_for(leader)
    page = client.get(reverse("coaching:one_on_ones"))
    assert "Schedule a 1:1 with Sam Rivera" in page.text

    response = start(client, team, pm)

    one_on_one = OneOnOne.objects.upcoming().get()
    assert (one_on_one.leader, one_on_one.pm, one_on_one.team) == (leader, pm, team)
    assert response.status_code == 302 and response.url == one_on_one.get_absolute_url()
    page = client.get(reverse("coaching:one_on_ones"))
    assert "Schedule a 1:1 with Sam Rivera" not in page.text
    assert one_on_one.get_absolute_url() in page.text


def test_each_pm_of_a_team_has_a_row_of_their_own(client_for, leader, team, pm):
    second = UserFactory(username="second", first_name="Ana", last_name="Lima")
    MembershipFactory(team=team, user=second)
    OneOnOneFactory(team=team, leader=leader, pm=pm)
    page = client_for(leader).get(reverse("coaching:one_on_ones"))
    assert "Schedule a 1:1 with Ana Lima" in page.text
    assert "Schedule a 1:1 with Sam Rivera" not in page.text


def test_the_pm_starts_the_series_with_the_teams_leader(client_for, team, leader, pm):
    start(client_for(pm), team)
    one_on_one = OneOnOne.objects.upcoming().get()
    assert (one_on_one.leader, one_on_one.pm) == (leader, pm)


def test_starting_twice_opens_the_coming_one_on_one(client_for, team, leader, pm):
    client = client_for(leader)
    start(client, team, pm)
    start(client_for(pm), team)
    assert OneOnOne.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "tech_lead", "another leader"])
def test_nobody_outside_the_pair_starts_a_series(client_for, who, team, pm, request):
    if who == "another leader":
        user = UserFactory()
        TeamFactory(leader=user)
    else:
        user = request.getfixturevalue(who)
    response = start(client_for(user), team, pm)
    assert response.status_code == 404
    assert not OneOnOne.objects.exists()


def test_the_leader_starts_a_series_only_with_a_pm_of_the_team(client_for, leader, team, outsider):
    designer = UserFactory()
    MembershipFactory(team=team, user=designer, role="designer")
    for person in (outsider, designer):
        assert start(client_for(leader), team, person).status_code == 404
    assert not OneOnOne.objects.exists()


def test_the_leaders_preparation_page_lists_their_pms(client_for, leader, team, pm, other_team):
    OneOnOneFactory(team=team, leader=leader, pm=pm)
    onboarding = TeamFactory(name="Onboarding", leader=leader)
    aisha = UserFactory(first_name="Aisha", last_name="Okafor")
    MembershipFactory(team=onboarding, user=aisha)

    page = client_for(leader).get(reverse("coaching:next"))

    assert page.status_code == 200
    assert "not the product manager" not in page.text
    assert "Prepare your next 1:1s" in page.text
    assert "Maya Chen and Sam Rivera" in page.text
    assert "Schedule a 1:1 with Aisha Okafor" in page.text


def test_someone_in_no_pair_is_told_who_holds_1_1s(client_for, tech_lead):
    page = client_for(tech_lead).get(reverse("coaching:next"))
    assert "1:1s are between a team's leader and its product manager" in page.text.replace(
        "&#x27;", "'"
    )


def test_the_pm_sees_the_one_on_one_named_after_their_leader(client_for, one_on_one, pm, leader):
    pm_page = client_for(pm).get(one_on_one.get_absolute_url())
    assert "<title>1:1 with Maya Chen" in pm_page.text
    leader_page = client_for(leader).get(one_on_one.get_absolute_url())
    assert "<title>1:1 with Sam Rivera" in leader_page.text


@pytest.mark.parametrize("teams", [1, 10])
def test_the_list_of_series_costs_the_same_with_more_teams(
    client_for, leader, teams, django_assert_num_queries
):
    for _ in range(teams):
        team = TeamFactory(leader=leader)
        for _ in range(2):
            MembershipFactory(team=team)
        OneOnOneFactory(team=team, leader=leader, pm=team.memberships.first().user)
    client = client_for(leader)
    with django_assert_num_queries(5):
        client.get(reverse("coaching:one_on_ones"))
