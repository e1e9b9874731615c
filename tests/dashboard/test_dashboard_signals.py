"""Each figure of the dashboard against numbers worked out by hand."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dashboard import figures as dashboard
from objectives.models import Pace, Team
from tests.factories import (
    ActionItemFactory,
    CheckInFactory,
    KeyResultFactory,
    LearningFactory,
    ObjectiveFactory,
    ObstacleFactory,
    OneOnOneFactory,
    QuarterFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

# 2025-Q1 runs 90 days, 1 January to 31 March: at the end of 14 February, 45 have gone.
HALFWAY = date(2025, 2, 14)
NOW = timezone.make_aware(datetime(2025, 2, 14, 12))


@pytest.fixture
def quarter():
    return QuarterFactory(label="2025-Q1")


def team_with_progress(quarter, name, value, **extra):
    """A team whose one key result (0 → 100) was last checked in at `value`."""
    team = TeamFactory(name=name, **extra)
    key_result = KeyResultFactory(objective=ObjectiveFactory(team=team, quarter=quarter))
    CheckInFactory(key_result=key_result, value=value, confidence="at_risk")
    return team


def test_pace_gap_is_expected_minus_progress_and_sorts_the_rows(quarter, leader):
    far = team_with_progress(quarter, "Far behind", 20, leader=leader)
    near = team_with_progress(quarter, "Near", 45, leader=leader)
    ahead = team_with_progress(quarter, "Ahead", 70, leader=leader)
    unplanned = TeamFactory(name="No objectives", leader=leader)

    rows = list(dashboard.team_rows(Team.objects.all(), quarter, NOW, HALFWAY))

    assert [t.name for t in rows] == [far.name, near.name, ahead.name, unplanned.name]
    assert [t.expected for t in rows[:3]] == [Decimal("0.5000")] * 3
    assert [t.pace_gap for t in rows] == [
        Decimal("0.3000"),
        Decimal("0.0500"),
        Decimal("-0.2000"),
        None,
    ]
    assert [t.pace for t in rows] == [Pace.OFF_TRACK, Pace.ON_TRACK, Pace.ON_TRACK, None]
    assert rows[0].latest_confidence == "at_risk"


def test_oldest_open_obstacle_age_and_counts_by_kind(quarter, leader, pm, team, other_team):
    ObstacleFactory(team=team, created_by=pm, opened_at=NOW - timedelta(days=10, hours=3))
    ObstacleFactory(
        team=team,
        created_by=pm,
        kind="platform",
        blocking_team=other_team,
        opened_at=NOW - timedelta(days=2),
        is_urgent=True,
    )
    ObstacleFactory(team=team, created_by=pm, status="resolved", opened_at=NOW - timedelta(days=40))

    row = dashboard.team_rows(Team.objects.filter(pk=team.pk), quarter, NOW, HALFWAY).get()

    assert row.oldest_open_obstacle_age == timedelta(days=10, hours=3)
    assert row.open_obstacle_count == 2
    assert row.urgent_obstacle_count == 1
    assert (row.open_other_count, row.open_platform_count, row.open_customer_count) == (1, 1, 0)


def test_sorting_by_obstacles_puts_the_most_open_first(quarter, leader, pm):
    _calm, busy, busier = (TeamFactory(name=n, leader=leader) for n in ("Calm", "Busy", "Busier"))
    ObstacleFactory(team=busy, created_by=pm)
    ObstacleFactory.create_batch(2, team=busier, created_by=pm)

    rows = dashboard.team_rows(Team.objects.all(), quarter, NOW, HALFWAY, sort="obstacles")

    assert [t.name for t in rows] == ["Busier", "Busy", "Calm", "Checkout"]


def test_needs_you_puts_urgent_first_then_decisions_by_date(leader, pm, team):
    today = timezone.localdate()
    help_wanted = ObstacleFactory(team=team, created_by=pm, help_wanted="engineer", severity=4)
    due_later = ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", decide_by=today + timedelta(days=5)
    )
    overdue = ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", decide_by=today - timedelta(days=2)
    )
    urgent = ObstacleFactory(team=team, created_by=pm, is_urgent=True, severity=1)
    ObstacleFactory(team=team, created_by=pm)  # asks nothing of the leader

    needing = list(dashboard.obstacles_needing(leader, today))

    assert needing == [urgent, overdue, due_later, help_wanted]
    assert (needing[1].decision_days_left, needing[1].decision_days_overdue) == (-2, 2)
    assert needing[2].decision_days_left == 5
    assert needing[3].decision_days_left is None
    assert [o.decision_due for o in needing] == [False, True, True, False]


def wait_on(blocking, waiting_team, pm, objectives=(), kind="platform"):
    return ObstacleFactory(
        team=waiting_team,
        created_by=pm,
        kind=kind,
        blocking_team=blocking,
        threatened_objectives=objectives,
    )


def test_bottlenecks_rank_by_teams_then_objectives_held_up_and_share_ties(quarter, pm):
    alpha, beta, gamma, delta = (TeamFactory(name=n) for n in ("Alpha", "Beta", "Gamma", "Delta"))
    waiting = [TeamFactory(name=f"Waiting {i}") for i in range(3)]
    objectives = [ObjectiveFactory(team=t, quarter=quarter) for t in waiting]
    # Beta and Gamma each hold up 2 teams and 2 objectives: a tie at the top. Gamma has
    # one more obstacle, so it is listed first. Alpha holds up 2 teams but 1 objective.
    # Delta holds up 1 team with 3 objectives: fewer teams ranks it last.
    wait_on(beta, waiting[0], pm, [objectives[0]])
    wait_on(beta, waiting[1], pm, [objectives[1]])
    wait_on(gamma, waiting[0], pm, [objectives[0]])
    wait_on(gamma, waiting[1], pm, [objectives[1]])
    wait_on(gamma, waiting[1], pm, [objectives[1]], kind="dependency")
    wait_on(alpha, waiting[0], pm, [objectives[0]])
    wait_on(alpha, waiting[2], pm)
    wait_on(delta, waiting[2], pm, objectives)
    ObstacleFactory(
        team=waiting[2], created_by=pm, kind="platform", blocking_team=alpha, status="resolved"
    )

    ranked = list(dashboard.bottlenecks())

    assert [(t.name, t.rank) for t in ranked] == [
        ("Gamma", 1),
        ("Beta", 1),
        ("Alpha", 3),
        ("Delta", 4),
    ]
    gamma_row = ranked[0]
    assert (
        gamma_row.bottleneck_team_count,
        gamma_row.bottleneck_objective_count,
        gamma_row.bottleneck_obstacle_count,
    ) == (2, 2, 3)
    assert [o.team_name for o in gamma_row.waiting] == ["Waiting 0", "Waiting 1", "Waiting 1"]
    assert ranked[3].waiting[0].objectives == [(o.get_absolute_url(), o.title) for o in objectives]


def test_waiting_graph_draws_one_arrow_per_pair(pm):
    platform, cart, search = (TeamFactory(name=n) for n in ("Platform", "Cart", "Search"))
    wait_on(platform, cart, pm)
    wait_on(platform, cart, pm, kind="dependency")
    wait_on(platform, search, pm)
    wait_on(search, cart, pm, kind="dependency")

    graph = dashboard.waiting_graph(dashboard.waiting_pairs())

    assert [b.name for b in graph["waiting"]] == ["Cart", "Search"]
    assert [b.name for b in graph["blocking"]] == ["Platform", "Search"]
    assert [(a.waiting, a.blocking, a.count) for a in graph["arrows"]] == [
        ("Cart", "Platform", 2),
        ("Search", "Platform", 1),
        ("Cart", "Search", 1),
    ]
    cart_box = graph["waiting"][0]
    assert graph["arrows"][0].y1 == cart_box.y + dashboard.GRAPH_BOX_H / 2
    assert graph["arrows"][0].width > graph["arrows"][1].width


def test_no_waiting_no_graph():
    assert dashboard.waiting_graph(dashboard.waiting_pairs()) is None


def held_days_ago(team, pm, days):
    """A 1:1 held `days` before NOW."""
    when = NOW - timedelta(days=days)
    return OneOnOneFactory(team=team, pm=pm, scheduled_for=when, held_at=when)


def test_one_on_one_cadence_counts_days_and_flags_past_seven(quarter, leader, pm, team):
    recent, late, never = (TeamFactory(name=n, leader=leader) for n in ("Recent", "Late", "Never"))
    held_days_ago(recent, pm, 9)
    held_days_ago(recent, pm, 3)
    held_days_ago(late, pm, 10)
    held_days_ago(team, pm, 6)
    OneOnOneFactory(team=never, pm=pm)  # scheduled, not held yet

    rows = dashboard.team_rows(Team.objects.all(), quarter, NOW, HALFWAY, sort="one_on_one")

    assert [(t.name, t.days_since_one_on_one, t.one_on_one_overdue) for t in rows] == [
        ("Never", None, True),
        ("Late", 10, True),
        ("Checkout", 6, False),
        ("Recent", 3, False),
    ]
    assert rows[0].latest_one_on_one_id == never.one_on_ones.get().pk


def test_overdue_action_items_are_the_owners_late_open_ones(leader, pm, team):
    today = timezone.localdate()
    one_on_one = held_days_ago(team, pm, 14)
    older = ActionItemFactory(one_on_one=one_on_one, due_date=today - timedelta(days=5))
    newer = ActionItemFactory(one_on_one=one_on_one, due_date=today - timedelta(days=1))
    ActionItemFactory(one_on_one=one_on_one, due_date=today)
    ActionItemFactory(one_on_one=one_on_one)  # no due date
    ActionItemFactory(
        one_on_one=one_on_one, due_date=today - timedelta(days=3), done_at=timezone.now()
    )
    ActionItemFactory(one_on_one=one_on_one, owner=pm, due_date=today - timedelta(days=3))

    overdue = list(dashboard.overdue_action_items(leader, today))

    assert overdue == [older, newer]
    assert [item.days_late for item in overdue] == [5, 1]


def test_latest_learnings_are_those_that_concern_the_teams(team, other_team):
    elsewhere = TeamFactory()
    now = timezone.now()
    for_all = LearningFactory(source_team=elsewhere, for_everyone=True, created_at=now)
    ours = LearningFactory(source_team=team, created_at=now - timedelta(days=1))
    to_us = LearningFactory(source_team=other_team, created_at=now - timedelta(days=2))
    to_us.teams.add(team, elsewhere)
    LearningFactory(source_team=elsewhere).teams.add(other_team)

    assert list(dashboard.latest_learnings(Team.objects.filter(pk=team.pk))) == [
        for_all,
        ours,
        to_us,
    ]
    assert list(dashboard.latest_learnings(Team.objects.filter(pk=team.pk), limit=1)) == [for_all]
