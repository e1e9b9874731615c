"""A leader is told of the decisions their teams wait on two days before they are due, and on
the day."""

from datetime import timedelta

import pytest

from headway.models import EmailKind
from obstacles.models import Obstacle
from tests.factories import ObstacleFactory
from tests.mail import delivered, links_in, text_of
from tests.queue import run_workers

from .conftest import MONDAY, THURSDAY, at

pytestmark = pytest.mark.django_db(transaction=True)


def decisions(smtp_server):
    """The decision reminders among what was sent (a Monday also brings the leader's digest)."""
    return delivered(smtp_server, EmailKind.DECISION_DUE)


@pytest.fixture
def decision(team, pm):
    return Obstacle.log(
        team=team,
        by=pm,
        title="Legal blocks the new pricing",
        kind="stakeholder",
        decide_by=THURSDAY,
        help_wanted=Obstacle.Help.DECISION,
        help_detail="Go or no-go on the March price list",
    )


def test_two_days_before_and_on_the_day_at_nine(clock, decision, leader, smtp_server, settings):
    settings.SITE_URL = "https://headway.example"
    for day in (MONDAY, MONDAY + timedelta(days=1), THURSDAY - timedelta(days=1)):
        clock(at(day, 9))
        run_workers()
    [two_days_before] = decisions(smtp_server)
    assert two_days_before["To"] == leader.email
    assert two_days_before["Subject"] == "A decision is due in two days"
    text = text_of(two_days_before)
    assert "Due in two days, March 6, 2025" in text
    assert "Legal blocks the new pricing (Checkout)" in text
    assert "Go or no-go on the March price list" in text
    assert f"https://headway.example/obstacles/{decision.pk}/" in links_in(two_days_before)

    clock(at(THURSDAY, 9))
    run_workers()
    clock(at(THURSDAY, 11))
    run_workers()

    on_the_day = decisions(smtp_server)[1:]
    assert [m["Subject"] for m in on_the_day] == ["A decision is due today"]


def test_no_reminder_for_a_decision_taken(clock, decision, pm, smtp_server):
    decision.resolve(pm, "Legal agreed.")
    clock(at(THURSDAY, 9))

    run_workers()

    assert decisions(smtp_server) == []


def test_only_the_teams_leader_is_told(clock, decision, pm, other_leader, growth, smtp_server):
    ObstacleFactory(
        team=growth, created_by=other_leader, kind="stakeholder", decide_by=THURSDAY + timedelta(2)
    )
    clock(at(THURSDAY, 9))

    run_workers()

    texts = {m["To"]: text_of(m) for m in decisions(smtp_server)}
    assert "Legal blocks the new pricing" in texts["leader@example.com"]
    assert "Legal blocks the new pricing" not in texts[other_leader.email]
