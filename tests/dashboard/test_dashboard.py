"""The leader's dashboard as a page: quarter and scope, who may see what, the htmx panel,
and a query count that does not grow with the organization."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard import figures as dashboard
from objectives.models import Membership
from tests.factories import (
    ActionItemFactory,
    CheckInFactory,
    KeyResultFactory,
    LearningFactory,
    MembershipFactory,
    ObjectiveFactory,
    ObstacleFactory,
    OneOnOneFactory,
    QuarterFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HOME = reverse("home")
NEEDS_YOU = {"HX-Request": "true", "HX-Target": "needs-you"}


def test_the_quarter_picker_defaults_to_the_current_quarter(client_for, leader, current_quarter):
    earlier = QuarterFactory(label="2020-Q1")
    client = client_for(leader)

    assert client.get(HOME).context["quarter"] == current_quarter
    assert client.get(HOME, {"quarter": "2020-Q1"}).context["quarter"] == earlier
    assert client.get(HOME, {"quarter": "1999-Q9"}).context["quarter"] == current_quarter


def test_pace_is_read_in_the_picked_quarter(client_for, leader, team, pm, current_quarter):
    earlier = QuarterFactory(label="2020-Q1")
    key_result = KeyResultFactory(objective=ObjectiveFactory(team=team, quarter=earlier))
    CheckInFactory(
        key_result=key_result, value=40, created_at=timezone.now() - timedelta(days=2000)
    )
    client = client_for(leader)

    assert client.get(HOME).context["rows"][0].progress is None
    row = client.get(HOME, {"quarter": "2020-Q1"}).context["rows"][0]
    assert (row.progress, row.expected) == (Decimal("0.4"), 1)


def test_a_leader_widens_to_all_teams(client_for, leader, team, other_team, current_quarter):
    client = client_for(leader)

    assert [t.pk for t in client.get(HOME).context["rows"]] == [team.pk]
    response = client.get(HOME, {"scope": "all"})
    assert {t.pk for t in response.context["rows"]} == {team.pk, other_team.pk}
    assert b"All teams" in response.content


def test_archived_teams_are_left_out(client_for, leader, team, current_quarter):
    TeamFactory(leader=leader, archived=True)
    assert [row.pk for row in client_for(leader).get(HOME).context["rows"]] == [team.pk]


@pytest.mark.parametrize("scope", ["all", "mine"])
def test_a_pm_cannot_see_a_leaders_view(client_for, pm, other_team, current_quarter, scope):
    response = client_for(pm).get(HOME, {"scope": scope})
    if scope == "all":
        assert response.status_code == 403
    else:
        assert "needing_you" not in response.context


def test_a_pm_asking_for_the_needs_you_panel_gets_their_own_home(
    client_for, pm, team, current_quarter
):
    response = client_for(pm).get(HOME, headers=NEEDS_YOU)
    assert response.status_code == 200
    assert "needing_you" not in response.context
    assert b"Your team" in response.content


def test_needs_you_lists_only_what_asks_this_leader(
    client_for, leader, team, pm, other_team, current_quarter
):
    mine = ObstacleFactory(team=team, created_by=pm, is_urgent=True)
    ObstacleFactory(team=other_team, created_by=pm, is_urgent=True)
    ObstacleFactory(team=team, created_by=pm)

    response = client_for(leader).get(HOME, {"scope": "all"})

    assert [obstacle.pk for obstacle in response.context["needing_you"]] == [mine.pk]


def test_needs_you_offers_one_click_actions(client_for, leader, team, pm, current_quarter):
    obstacle = ObstacleFactory(team=team, created_by=pm, help_wanted="decision")
    content = client_for(leader).get(HOME, {"sort": "obstacles"}).content.decode()

    assert f'action="{reverse("obstacles:owner", args=[obstacle.pk])}"' in content
    assert f'action="{reverse("obstacles:status", args=[obstacle.pk])}"' in content
    assert f'href="{obstacle.get_absolute_url()}"' in content
    assert 'name="next" value="/?sort=obstacles"' in content
    assert "{#" not in content
    assert "{%" not in content


def test_taking_ownership_from_the_dashboard(client_for, leader, team, pm, current_quarter):
    obstacle = ObstacleFactory(team=team, created_by=pm, is_urgent=True)
    client = client_for(leader)

    response = client.post(
        reverse("obstacles:owner", args=[obstacle.pk]),
        {"take": "1", "version": obstacle.version, "next": "/?scope=all"},
    )

    assert response.url == "/?scope=all"

    obstacle.refresh_from_db()
    assert obstacle.owner == leader
    content = client.get(HOME).content.decode()
    assert f'action="{reverse("obstacles:owner", args=[obstacle.pk])}"' not in content


def test_the_htmx_refresh_returns_only_the_panel(client_for, leader, team, pm, current_quarter):
    ObstacleFactory(team=team, created_by=pm, is_urgent=True, title="Card payments fail")

    response = client_for(leader).get(HOME, headers=NEEDS_YOU)

    content = response.content.decode()
    assert "Card payments fail" in content
    assert "<html" not in content
    assert 'id="needs-you"' not in content
    assert "HX-Request" in response["Vary"]


def test_the_page_names_its_panel_for_the_refresh(client_for, leader, team, current_quarter):
    content = client_for(leader).get(HOME, {"sort": "obstacles"}).content.decode()
    assert 'id="needs-you" data-hx-get="/?sort=obstacles" data-hx-trigger="every 60s"' in content
    assert "hx-push-url" not in content


def test_an_unknown_sort_falls_back_to_pace(client_for, leader, team, current_quarter):
    assert client_for(leader).get(HOME, {"sort": "drop table"}).context["sort"] == "pace"


def test_each_cell_links_to_what_is_behind_it(
    client_for, leader, team, pm, other_team, current_quarter
):
    ObstacleFactory(team=team, created_by=pm, kind="platform", blocking_team=other_team)
    ObjectiveFactory(team=team, quarter=current_quarter)
    content = client_for(leader).get(HOME).content.decode()

    log = reverse("obstacles:log")
    assert f'href="{log}?team=checkout&amp;kind=platform"' in content
    assert f'href="{log}?team=checkout"' in content
    assert f'href="{log}?team=checkout&amp;sort=oldest"' in content
    assert f'href="{reverse("team", args=["checkout"])}?quarter={current_quarter.label}"' in content
    assert f'href="{log}?blocking=payments-platform"' in content


def organization(leader, count, quarter):
    """`count` teams led by `leader`, each with a PM, an objective with a check-in, an
    obstacle waiting on the next team, a 1:1 held last week with an action item the
    leader is late with, and a learning shared with the next team."""
    last_week = timezone.now() - timedelta(days=7)
    teams = TeamFactory.create_batch(count, leader=leader)
    for index, team in enumerate(teams):
        pm = UserFactory()
        MembershipFactory(team=team, user=pm, role=Membership.Role.PRODUCT_MANAGER)
        objective = ObjectiveFactory(team=team, quarter=quarter)
        CheckInFactory(key_result=KeyResultFactory(objective=objective), author=pm)
        ObstacleFactory(
            team=team,
            created_by=pm,
            kind="platform",
            blocking_team=teams[(index + 1) % count],
            is_urgent=index % 3 == 0,
            threatened_objectives=[objective],
        )
        one_on_one = OneOnOneFactory(team=team, pm=pm, scheduled_for=last_week, held_at=last_week)
        ActionItemFactory(one_on_one=one_on_one, due_date=last_week.date())
        LearningFactory(source_team=team).teams.add(teams[(index + 1) % count])
    return teams


# Session and user, led teams, "Needs you" (obstacles, action items, obstacles waiting on the
# leader's teams), the quarters (the
# picked one is among them), rows and their PMs, bottlenecks with their waiting obstacles
# and those obstacles' objectives, the graph's pairs, learnings and the teams they are
# shared with.
DASHBOARD_QUERIES = 15
# Session and user, led teams, the teams the user is PM of, the quarters, rows, their PMs,
# open obstacles, obstacles waiting on the team, coming 1:1s, learnings and the teams they
# are shared with, the key results the user owns.
TEAM_HOME_QUERIES = 13


@pytest.mark.parametrize("count", [10, 100])
def test_the_dashboard_query_count_is_fixed_whatever_the_teams(
    client_for, leader, current_quarter, django_assert_num_queries, count
):
    organization(leader, count, current_quarter)
    client = client_for(leader)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(HOME, {"scope": "all"})

    # Every list is bounded, its full length known: the page weighs the same at any size.
    rows = response.context["rows"]
    assert len(rows) == min(count, dashboard.TEAMS_PER_PAGE)
    assert rows.paginator.count == count
    needing_you = response.context["needing_you"]
    assert len(needing_you) == min(len(range(0, count, 3)), dashboard.NEEDS_YOU_SHOWN)
    assert needing_you.total == len(range(0, count, 3))
    overdue = response.context["overdue_action_items"]
    assert len(overdue) == dashboard.OVERDUE_SHOWN
    assert overdue.total == count
    # Each team waits on the next: those not already asking for the leader wait on them.
    waiting = response.context["waiting_on_yours"]
    assert waiting.total == count - len(range(0, count, 3))
    assert len(waiting) == min(waiting.total, dashboard.NEEDS_YOU_SHOWN)


@pytest.mark.parametrize("count", [10, 100])
def test_a_team_home_query_count_is_fixed_whatever_the_obstacles(
    client_for, pm, team, current_quarter, django_assert_num_queries, count
):
    ObstacleFactory.create_batch(count, team=team, created_by=pm)
    ObstacleFactory.create_batch(count, kind="dependency", blocking_team=team, created_by=pm)
    OneOnOneFactory(team=team, pm=pm)
    LearningFactory.create_batch(count, for_everyone=True)
    client = client_for(pm)

    with django_assert_num_queries(TEAM_HOME_QUERIES):
        response = client.get(HOME)

    team_row = response.context["rows"][0]
    assert len(team_row.open_obstacles) == min(count, dashboard.TEAM_HOME_OBSTACLES)
    assert team_row.open_obstacle_count == count
    assert len(team_row.waiting_on_team) == min(count, dashboard.TEAM_HOME_OBSTACLES)
    assert team_row.bottleneck_obstacle_count == count


def test_a_member_of_two_teams_finds_each_teams_own_lists_on_their_home(
    client_for, pm, team, other_team, current_quarter
):
    MembershipFactory(team=other_team, user=pm)
    elsewhere = TeamFactory()
    ObstacleFactory(team=team, created_by=pm, title="Ours, minor", severity=1)
    ObstacleFactory(team=team, created_by=pm, title="Ours, urgent", is_urgent=True)
    ObstacleFactory(team=other_team, created_by=pm, title="Theirs")
    ObstacleFactory(team=elsewhere, created_by=pm, title="Not ours")
    ObstacleFactory(team=elsewhere, created_by=pm, kind="dependency", blocking_team=other_team)
    ObstacleFactory(team=other_team, created_by=pm, title="Closed", status="resolved")
    for _ in range(dashboard.TEAM_HOME_OBSTACLES + 2):
        ObstacleFactory(team=elsewhere, created_by=pm, kind="dependency", blocking_team=team)
    ours = OneOnOneFactory(team=team, pm=pm)
    theirs = OneOnOneFactory(team=other_team, pm=pm)
    OneOnOneFactory(team=team, pm=UserFactory())

    rows = {row.pk: row for row in client_for(pm).get(HOME).context["rows"]}

    assert [o.title for o in rows[team.pk].open_obstacles] == ["Ours, urgent", "Ours, minor"]
    assert [o.title for o in rows[other_team.pk].open_obstacles] == ["Theirs"]
    assert len(rows[team.pk].waiting_on_team) == dashboard.TEAM_HOME_OBSTACLES
    assert rows[team.pk].bottleneck_obstacle_count == dashboard.TEAM_HOME_OBSTACLES + 2
    assert [o.team for o in rows[other_team.pk].waiting_on_team] == [elsewhere]
    assert rows[team.pk].upcoming_one_on_ones == [ours]
    assert rows[other_team.pk].upcoming_one_on_ones == [theirs]


def test_needs_you_says_why_each_obstacle_is_there(client_for, leader, team, pm, current_quarter):
    today = timezone.localdate()
    ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", decide_by=today - timedelta(days=3)
    )
    ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", decide_by=today + timedelta(days=1)
    )
    ObstacleFactory(team=team, created_by=pm, help_wanted="engineer")

    content = client_for(leader).get(HOME).content.decode()

    assert "Decision overdue by 3 days" in content
    assert "Decision due in 1 day" in content
    assert "Asks for: An engineer" in content


def test_a_team_home_lists_the_teams_open_obstacles(client_for, pm, team, current_quarter):
    ObstacleFactory(team=team, created_by=pm, title="Waiting on legal")
    ObstacleFactory(team=team, created_by=pm, title="Long solved", status="resolved")

    content = client_for(pm).get(HOME).content.decode()

    assert "Waiting on legal" in content
    assert "Long solved" not in content


def test_setting_in_progress_from_the_dashboard(client_for, leader, team, pm, current_quarter):
    obstacle = ObstacleFactory(team=team, created_by=pm, help_wanted="decision")
    client = client_for(leader)

    client.post(
        reverse("obstacles:status", args=[obstacle.pk]),
        {"status": "in_progress", "version": obstacle.version},
    )

    obstacle.refresh_from_db()
    assert obstacle.status == "in_progress"
    content = client.get(HOME).content.decode()
    assert f'action="{reverse("obstacles:status", args=[obstacle.pk])}"' not in content


def test_the_latest_learnings_are_those_of_the_teams_in_scope(
    client_for, leader, team, other_team, pm, current_quarter
):
    ours = LearningFactory(source_team=team, title="<script>ours</script>")
    theirs = LearningFactory(source_team=other_team, title="Theirs")
    shared = LearningFactory(source_team=other_team, title="Shared with us")
    shared.teams.add(team)

    mine = client_for(leader).get(HOME).content.decode()
    every_team = client_for(leader).get(HOME, {"scope": "all"}).content.decode()

    assert "<h3>&lt;script&gt;ours&lt;/script&gt;</h3>" in mine
    assert "Shared with us" in mine and "Learned by Payments Platform" in mine
    assert f"shared with {team.name}" in mine
    assert theirs.title not in mine
    assert theirs.title in every_team
    # The leader of the team that learned it may share it further; not someone else's.
    share = reverse("coaching:learning_share", args=[ours.pk])
    assert f'href="{share}"' in mine
    assert reverse("coaching:learning_share", args=[theirs.pk]) not in every_team
