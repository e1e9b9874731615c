"""What an obstacle asked of its team's leader and when the leader first acted on it
(Obstacle.objects.asking_leader), at the edges the quarter review's figures rely on: entries
made at the same instant, an urgent mark or a decision asked after other actions, the
leader's own entries before the request, and a team whose leader changed."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from obstacles.models import LeaderRequest, Obstacle, ObstacleEvent
from tests.factories import ObstacleFactory, QuarterFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo(settings.TIME_ZONE)


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=PARIS)


@pytest.fixture
def q3():
    return QuarterFactory(label="2026-Q3")


def entry(obstacle, by, when, kind=ObstacleEvent.Kind.COMMENT, text=""):
    """A timeline entry made at exactly `when` (two of them may share it)."""
    return ObstacleEvent.objects.create(
        obstacle=obstacle, actor=by, created_at=when, kind=kind, text=text
    )


def asked(request, quarter=None):
    """{obstacle pk: (asked_at, leader_acted_at)} of what asked `request`."""
    rows = Obstacle.objects.asking_leader(request, quarter)
    return {o.pk: (o.asked_at, o.leader_acted_at) for o in rows}


def test_of_two_entries_asking_a_decision_at_one_instant_the_later_made_counts(
    time_machine, team, pm, leader, q3
):
    time_machine.move_to(at(7, 1), tick=False)
    by_pm_last = ObstacleFactory(team=team, created_by=pm)
    by_leader_last = ObstacleFactory(team=team, created_by=pm)
    for obstacle, first, last in [(by_pm_last, leader, pm), (by_leader_last, pm, leader)]:
        entry(obstacle, first, at(7, 5), ObstacleEvent.Kind.EDITED, "help_wanted")
        entry(obstacle, last, at(7, 5), ObstacleEvent.Kind.EDITED, "help_wanted")
    Obstacle.objects.update(help_wanted=Obstacle.Help.DECISION)
    entry(by_pm_last, leader, at(7, 6))

    # Asked by the PM's edit, made after the leader's at the same instant; the leader's
    # own edit, made last, asks nothing of them.
    assert asked(LeaderRequest.DECISION, q3) == {by_pm_last.pk: (at(7, 5), at(7, 6))}
    assert asked(LeaderRequest.DECISION) == asked(LeaderRequest.DECISION, q3)


def test_a_decision_asked_again_after_the_quarter_is_not_the_quarters(time_machine, team, pm, q3):
    time_machine.move_to(at(9, 1), tick=False)
    obstacle = ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", decide_by=date(2026, 9, 30)
    )
    entry(obstacle, pm, at(10, 2), ObstacleEvent.Kind.EDITED, "title,kind")

    assert asked(LeaderRequest.DECISION, q3) == {}
    assert asked(LeaderRequest.DECISION) == {obstacle.pk: (at(10, 2), None)}


def test_an_urgent_mark_counts_from_the_first_escalation_not_the_leaders_own(
    time_machine, team, pm, leader, q3
):
    time_machine.move_to(at(7, 1), tick=False)
    obstacle = ObstacleFactory(team=team, created_by=pm)
    same_instant = ObstacleFactory(team=team, created_by=pm)
    entry(obstacle, leader, at(7, 2), ObstacleEvent.Kind.ESCALATED)
    entry(obstacle, pm, at(7, 3), ObstacleEvent.Kind.ESCALATED)
    entry(obstacle, pm, at(7, 4), ObstacleEvent.Kind.ESCALATED)
    entry(same_instant, pm, at(7, 3), ObstacleEvent.Kind.ESCALATED)
    entry(same_instant, UserFactory(), at(7, 3), ObstacleEvent.Kind.ESCALATED)
    # The leader acted before the mark, and at its very instant: neither answers it.
    entry(obstacle, leader, at(7, 3))
    entry(obstacle, leader, at(7, 5))
    entry(same_instant, leader, at(7, 3))

    assert asked(LeaderRequest.URGENT, q3) == {
        obstacle.pk: (at(7, 3), at(7, 5)),
        same_instant.pk: (at(7, 3), None),
    }


def test_the_figures_follow_the_teams_current_leader(time_machine, team, pm, leader, q3):
    time_machine.move_to(at(7, 1), tick=False)
    successor = UserFactory()
    by_successor = ObstacleFactory(
        team=team, created_by=successor, kind="stakeholder", decide_by=date(2026, 9, 30)
    )
    answered = ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", decide_by=date(2026, 9, 30)
    )
    entry(answered, leader, at(7, 2))
    entry(answered, successor, at(7, 3))
    entry(by_successor, successor, at(7, 2), ObstacleEvent.Kind.ESCALATED)

    before = {request: asked(request, q3) for request in LeaderRequest}
    team.leader = successor
    team.save()
    after = {request: asked(request, q3) for request in LeaderRequest}

    logged = at(7, 1)
    assert before[LeaderRequest.LOGGED] == {
        by_successor.pk: (logged, None),
        answered.pk: (logged, at(7, 2)),
    }
    assert before[LeaderRequest.URGENT] == {by_successor.pk: (at(7, 2), None)}
    # What the new leader logged or escalated asks nothing of them; they answered later.
    assert after[LeaderRequest.LOGGED] == {answered.pk: (logged, at(7, 3))}
    assert after[LeaderRequest.URGENT] == {}
    assert after[LeaderRequest.DECISION] == {answered.pk: (logged, at(7, 3))}
