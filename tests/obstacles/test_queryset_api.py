"""The queryset API the leader dashboard reads: active, per quarter, needing the leader,
and per-team counts and the bottleneck signal, each in SQL."""

from datetime import timedelta

import pytest
from django.utils import timezone

from objectives.models import Team
from obstacles.models import Obstacle, with_bottleneck, with_obstacle_counts
from tests.factories import ObjectiveFactory, ObstacleFactory, QuarterFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_active_is_open_and_in_progress(team, pm):
    open_one = ObstacleFactory(team=team, created_by=pm)
    started = ObstacleFactory(team=team, created_by=pm, status="in_progress")
    ObstacleFactory(team=team, created_by=pm, status="resolved")
    ObstacleFactory(team=team, created_by=pm, status="withdrawn")

    assert set(Obstacle.objects.active()) == {open_one, started}


def test_for_quarter_keeps_what_stood_in_the_way_during_it(team, pm):
    quarter = QuarterFactory(label="2025-Q2")
    start = timezone.make_aware(timezone.datetime(2025, 4, 1, 9))
    before = ObstacleFactory(team=team, created_by=pm, opened_at=start - timedelta(days=40))
    closed_before = ObstacleFactory(
        team=team,
        created_by=pm,
        opened_at=start - timedelta(days=40),
        status="resolved",
        closed_at=start - timedelta(days=2),
    )
    during = ObstacleFactory(team=team, created_by=pm, opened_at=start + timedelta(days=20))
    closed_during = ObstacleFactory(
        team=team,
        created_by=pm,
        opened_at=start - timedelta(days=10),
        status="accepted",
        closed_at=start + timedelta(days=3),
    )
    ObstacleFactory(team=team, created_by=pm, opened_at=start + timedelta(days=95))

    assert set(Obstacle.objects.for_quarter(quarter)) == {before, during, closed_during}
    assert closed_before not in Obstacle.objects.for_quarter(quarter)


def test_needing_leader_is_urgent_help_wanted_or_decision_due(team, pm, leader):
    today = timezone.localdate()
    urgent = ObstacleFactory(team=team, created_by=pm, is_urgent=True)
    help_wanted = ObstacleFactory(team=team, created_by=pm, help_wanted="engineer")
    due_soon = ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", decide_by=today + timedelta(days=7)
    )
    overdue = ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", decide_by=today - timedelta(days=1)
    )
    ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", decide_by=today + timedelta(days=8)
    )
    ObstacleFactory(team=team, created_by=pm)  # nothing asked of the leader
    ObstacleFactory(team=team, created_by=pm, is_urgent=True, status="resolved")
    ObstacleFactory(team=TeamFactory(), created_by=pm, is_urgent=True)  # another leader's

    assert set(Obstacle.objects.needing_leader(leader)) == {
        urgent,
        help_wanted,
        due_soon,
        overdue,
    }


def test_obstacle_counts_per_team(team, pm, other_team, django_assert_num_queries):
    long_ago = timezone.now() - timedelta(days=30)
    ObstacleFactory(team=team, created_by=pm, kind="customer", is_urgent=True)
    ObstacleFactory(
        team=team, created_by=pm, kind="dependency", blocking_team=other_team, opened_at=long_ago
    )
    ObstacleFactory(team=team, created_by=pm, kind="customer", status="resolved")

    with django_assert_num_queries(1):
        teams = {t.slug: t for t in with_obstacle_counts(Team.objects.all())}

    checkout, platform = teams["checkout"], teams["payments-platform"]
    assert checkout.open_obstacle_count == 2
    assert checkout.open_customer_count == 1
    assert checkout.open_dependency_count == 1
    assert checkout.open_platform_count == 0
    assert checkout.urgent_obstacle_count == 1
    assert checkout.oldest_open_obstacle_at == long_ago
    assert platform.open_obstacle_count == 0
    assert platform.oldest_open_obstacle_at is None


def test_bottleneck_counts_the_teams_and_objectives_held_up(
    other_team, pm, current_quarter, django_assert_num_queries
):
    waiting_teams = TeamFactory.create_batch(3)
    for waiting in waiting_teams:
        objective = ObjectiveFactory(team=waiting, quarter=current_quarter)
        for kind in ("platform", "dependency"):
            ObstacleFactory(
                team=waiting,
                created_by=pm,
                kind=kind,
                blocking_team=other_team,
                threatened_objectives=[objective],
            )
    ObstacleFactory(
        team=waiting_teams[0],
        created_by=pm,
        kind="platform",
        blocking_team=other_team,
        status="resolved",
    )

    with django_assert_num_queries(1):
        teams = {t.pk: t for t in with_bottleneck(Team.objects.all())}

    platform = teams[other_team.pk]
    assert platform.bottleneck_obstacle_count == 6
    assert platform.bottleneck_team_count == 3
    assert platform.bottleneck_objective_count == 3
    assert teams[waiting_teams[0].pk].bottleneck_obstacle_count == 0


def test_counts_combine_with_pace_in_one_query(
    team, pm, other_team, current_quarter, django_assert_num_queries
):
    ObstacleFactory(team=team, created_by=pm, kind="dependency", blocking_team=other_team)

    with django_assert_num_queries(1):
        teams = list(with_bottleneck(with_obstacle_counts(Team.objects.with_pace(current_quarter))))

    assert {t.slug: (t.open_obstacle_count, t.bottleneck_obstacle_count) for t in teams} == {
        "checkout": (1, 0),
        "payments-platform": (0, 1),
    }
