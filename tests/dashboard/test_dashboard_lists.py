"""The dashboard's long lists: the first of them, with the way to the rest."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard import figures as dashboard
from tests.factories import (
    ActionItemFactory,
    ObstacleFactory,
    OneOnOneFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db
HOME = reverse("home")


def test_needs_you_shows_the_first_ten_and_links_to_all_in_the_log(client_for, leader, team, pm):
    ObstacleFactory.create_batch(12, team=team, created_by=pm, is_urgent=True)

    response = client_for(leader).get(HOME)

    assert len(response.context["needing_you"]) == dashboard.NEEDS_YOU_SHOWN
    content = response.content.decode()
    assert content.count('class="needs-you-item is-urgent"') == dashboard.NEEDS_YOU_SHOWN
    assert '<a href="/obstacles/?asks=me">All 12 obstacles asking for you' in content


def test_the_log_lists_all_that_asks_for_the_leader(client_for, leader, team, pm, other_team):
    asking = [
        ObstacleFactory(team=team, created_by=pm, title="Urgent", is_urgent=True),
        ObstacleFactory(team=team, created_by=pm, title="Help", help_wanted="decision"),
        ObstacleFactory(
            team=team,
            created_by=pm,
            title="Decision",
            kind="stakeholder",
            decide_by=timezone.localdate(),
        ),
    ]
    ObstacleFactory(team=team, created_by=pm, title="Quiet")
    ObstacleFactory(team=team, created_by=pm, title="Closed", is_urgent=True, status="resolved")
    ObstacleFactory(team=other_team, created_by=pm, title="Someone else's", is_urgent=True)

    response = client_for(leader).get(reverse("obstacles:log"), {"asks": "me"})

    assert {o.title for o in response.context["page"]} == {o.title for o in asking}


def test_asking_for_me_is_nothing_for_someone_who_leads_no_team(client_for, pm, team):
    ObstacleFactory(team=team, created_by=pm, is_urgent=True)

    response = client_for(pm).get(reverse("obstacles:log"), {"asks": "me"})

    assert list(response.context["page"]) == []


def test_overdue_action_items_show_five_and_count_the_rest(client_for, leader, team, pm):
    last_week = timezone.now() - timedelta(days=7)
    one_on_one = OneOnOneFactory(team=team, pm=pm, scheduled_for=last_week, held_at=last_week)
    ActionItemFactory.create_batch(7, one_on_one=one_on_one, due_date=last_week.date())

    response = client_for(leader).get(HOME)

    assert len(response.context["overdue_action_items"]) == dashboard.OVERDUE_SHOWN
    assert "All your action items, 7 of them overdue" in response.content.decode()


def test_all_teams_come_a_page_at_a_time(client_for, leader, current_quarter):
    TeamFactory.create_batch(dashboard.TEAMS_PER_PAGE + 3, leader=leader)
    client = client_for(leader)

    first = client.get(HOME, {"scope": "all"})
    second = client.get(HOME, {"scope": "all", "page": "2"})

    assert len(first.context["rows"]) == dashboard.TEAMS_PER_PAGE
    content = first.content.decode()
    assert "Teams 1 to 20 of 23" in content
    assert 'href="?scope=all&amp;page=2#teams-heading">Next teams</a>' in content
    assert len(second.context["rows"]) == 3
    assert "Teams 21 to 23 of 23" in second.content.decode()
    shown = {team.pk for team in first.context["rows"]} | {t.pk for t in second.context["rows"]}
    assert len(shown) == dashboard.TEAMS_PER_PAGE + 3


def test_a_page_past_the_last_shows_the_last(client_for, leader, current_quarter):
    TeamFactory.create_batch(dashboard.TEAMS_PER_PAGE + 1, leader=leader)

    response = client_for(leader).get(HOME, {"scope": "all", "page": "9"})

    assert response.context["rows"].number == 2


def test_one_page_of_teams_has_no_page_links(client_for, leader, team, current_quarter):
    content = client_for(leader).get(HOME).content.decode()

    assert "Next teams" not in content
    assert 'aria-label="Pages of teams"' not in content


def test_the_five_worst_bottlenecks_each_with_five_waits_and_a_link_to_all(
    client_for, leader, team, pm, other_team
):
    for _ in range(dashboard.WAITS_SHOWN + 2):
        ObstacleFactory(team=team, created_by=pm, kind="platform", blocking_team=other_team)
    for blocking in TeamFactory.create_batch(dashboard.BOTTLENECKS_SHOWN + 1):
        ObstacleFactory(team=team, created_by=pm, kind="dependency", blocking_team=blocking)

    response = client_for(leader).get(HOME)

    bottlenecks = response.context["bottlenecks"]
    assert len(bottlenecks) == dashboard.BOTTLENECKS_SHOWN
    worst = next(iter(bottlenecks))
    assert worst.pk == other_team.pk
    assert len(worst.waiting) == dashboard.WAITS_SHOWN
    content = response.content.decode()
    assert "All 7 obstacles waiting on Payments Platform, in the obstacle log" in content
    assert "2 other teams hold up others." in content


def test_the_waiting_graph_draws_the_heaviest_waits_only(client_for, leader, team, pm):
    blocking = TeamFactory.create_batch(dashboard.GRAPH_PAIRS + 2)
    for index, blocker in enumerate(blocking):
        # The first team is waited on most: its arrow must be drawn.
        for _ in range(3 if index == 0 else 1):
            ObstacleFactory(team=team, created_by=pm, kind="dependency", blocking_team=blocker)

    response = client_for(leader).get(HOME)

    graph = response.context["waiting_graph"]
    assert len(graph["arrows"]) == dashboard.GRAPH_PAIRS
    assert graph["more"]
    assert blocking[0].name in {arrow.blocking for arrow in graph["arrows"]}
    assert "Only the 12 heaviest waits are drawn." in response.content.decode()
