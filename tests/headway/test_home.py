import pytest
from django.urls import reverse

from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_a_leader_lands_on_their_teams(client_for, leader, team):
    TeamFactory(name="Someone else's")
    response = client_for(leader).get(reverse("home"))
    assert response.status_code == 200
    assert list(response.context["teams"]) == [team]
    assert b"Your teams" in response.content


def test_a_pm_lands_on_their_team(client_for, pm, team):
    TeamFactory(name="Someone else's")
    response = client_for(pm).get(reverse("home"))
    assert list(response.context["teams"]) == [team]
    assert b"Your team" in response.content


def test_home_query_count_does_not_grow_with_teams(client_for, leader, django_assert_num_queries):
    client = client_for(leader)
    TeamFactory(leader=leader)
    with django_assert_num_queries(5) as one:
        client.get(reverse("home"))
    TeamFactory.create_batch(10, leader=leader)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("home"))
