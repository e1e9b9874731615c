"""The team page's obstacles: its own open ones, and the other teams' waiting on it."""

import pytest

from tests.factories import ObstacleFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_the_team_page_shows_its_open_obstacles(client_for, outsider, team, pm):
    ObstacleFactory(team=team, created_by=pm, title="Ours, open")
    ObstacleFactory(team=team, created_by=pm, title="Ours, resolved", status="resolved")

    response = client_for(outsider).get(team.get_absolute_url())

    assert [o.title for o in response.context["open_obstacles"]] == ["Ours, open"]
    assert "Ours, open" in response.content.decode()
    assert response.context["quarter"] is None or "objectives" in response.context


def test_a_platform_team_sees_every_team_it_blocks(client_for, pm, other_team):
    waiting = [TeamFactory(name=name) for name in ("Alpha", "Beta", "Gamma")]
    for team in waiting:
        ObstacleFactory(team=team, created_by=pm, kind="platform", blocking_team=other_team)
    ObstacleFactory(
        team=waiting[0], created_by=pm, kind="platform", blocking_team=other_team, status="resolved"
    )

    response = client_for(pm).get(other_team.get_absolute_url())

    assert [o.team.name for o in response.context["blocked_by_us"]] == ["Alpha", "Beta", "Gamma"]
    content = response.content.decode()
    assert "3 open obstacles of other teams wait on Payments Platform." in content
    for team in waiting:
        assert team.get_absolute_url() in content


def test_a_log_button_for_those_who_may_log(client_for, pm, outsider, team):
    assert b"?team=checkout" in client_for(pm).get(team.get_absolute_url()).content
    response = client_for(outsider).get(team.get_absolute_url())
    assert not response.context["can_log_obstacle"]


@pytest.mark.parametrize("scale", [1, 10])
def test_team_page_queries_stay_constant_with_obstacles(
    client_for, django_assert_num_queries, pm, team, other_team, current_quarter, scale
):
    for _ in range(scale):
        ObstacleFactory(
            team=team, created_by=pm, kind="dependency", blocking_team=other_team, owner=pm
        )
        ObstacleFactory(team=TeamFactory(), created_by=pm, kind="platform", blocking_team=team)
    client = client_for(pm)

    # 10 for objectives and obstacles (the quarters read once, the picked one among them, the
    # team's closing of it; the team's standing from the objectives' rows; no objectives
    # here, so no threats to read), 1 for the learnings shared with the team
    with django_assert_num_queries(11):
        response = client.get(team.get_absolute_url())

    assert len(response.context["open_obstacles"]) == scale
    assert len(response.context["blocked_by_us"]) == scale


def test_the_ten_most_pressing_open_obstacles_then_a_link_to_the_rest(client_for, pm, team):
    ObstacleFactory.create_batch(11, team=team, created_by=pm, severity=1)
    ObstacleFactory(team=team, created_by=pm, title="Most pressing", is_urgent=True)

    response = client_for(pm).get(team.get_absolute_url())

    shown = response.context["open_obstacles"]
    assert len(shown) == 10
    assert shown.total == 12
    assert next(iter(shown)).title == "Most pressing"
    content = response.content.decode()
    assert '<a href="/obstacles/?team=checkout">All 12 open obstacles of this team</a>' in content


def test_the_waits_on_a_team_are_shortlisted_by_urgency_then_grouped(client_for, pm, other_team):
    alpha, beta = TeamFactory(name="Alpha"), TeamFactory(name="Beta")
    for _ in range(10):
        ObstacleFactory(team=alpha, created_by=pm, kind="platform", blocking_team=other_team)
    ObstacleFactory(
        team=beta, created_by=pm, kind="platform", blocking_team=other_team, is_urgent=True
    )

    response = client_for(pm).get(other_team.get_absolute_url())

    waiting = [o.team.name for o in response.context["blocked_by_us"]]
    assert waiting == ["Alpha"] * 9 + ["Beta"]
    content = response.content.decode()
    assert "11 open obstacles of other teams wait on Payments Platform." in content
    assert "?blocking=payments-platform" in content


def test_a_short_list_has_no_link_to_the_rest(client_for, pm, team):
    ObstacleFactory.create_batch(10, team=team, created_by=pm)

    content = client_for(pm).get(team.get_absolute_url()).content.decode()

    assert "open obstacles of this team</a>" not in content
