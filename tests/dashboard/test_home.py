"""Where each person lands: a leader on their dashboard, a team member on their team."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_leader_lands_on_their_teams(client_for, leader, team, current_quarter):
    TeamFactory(name="Someone else's")
    response = client_for(leader).get(reverse("home"))
    assert response.status_code == 200
    assert [row.pk for row in response.context["rows"]] == [team.pk]
    assert b"Your teams" in response.content
    assert b"Needs you" in response.content


def test_a_pm_lands_on_their_team(client_for, pm, team, current_quarter):
    TeamFactory(name="Someone else's")
    response = client_for(pm).get(reverse("home"))
    assert [row.pk for row in response.context["rows"]] == [team.pk]
    assert b"Your team" in response.content
    assert b"Needs you" not in response.content


def test_an_admin_lands_on_all_teams(client_for, admin_user, team, other_team, current_quarter):
    response = client_for(admin_user).get(reverse("home"))
    assert {t.pk for t in response.context["rows"]} == {team.pk, other_team.pk}
    assert b"All teams" in response.content


def test_someone_in_no_team_is_pointed_to_every_team(client_for, team, current_quarter):
    response = client_for(UserFactory()).get(reverse("home"))
    assert response.status_code == 200
    assert list(response.context["rows"]) == []
    assert reverse("objectives:teams").encode() in response.content


def test_a_tech_lead_sees_their_team_but_is_not_offered_to_log(
    client_for, tech_lead, team, current_quarter
):
    response = client_for(tech_lead).get(reverse("home"))
    assert [row.pk for row in response.context["rows"]] == [team.pk]
    assert b"Log an obstacle" not in response.content


def test_a_pm_is_offered_to_log_for_their_team(client_for, pm, team, current_quarter):
    response = client_for(pm).get(reverse("home"))
    assert f"{reverse('obstacles:new')}?team={team.slug}".encode() in response.content


def test_a_pm_of_two_teams_sees_both(client_for, pm, team, other_team, current_quarter):
    MembershipFactory(team=other_team, user=pm)
    response = client_for(pm).get(reverse("home"))
    assert {t.pk for t in response.context["rows"]} == {team.pk, other_team.pk}


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
