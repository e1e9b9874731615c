"""The 1:1 list by quarter and pair, and the learnings by who recorded them and when: the
rows behind the quarter review's leadership figures. A 1:1 list is still its viewer's own."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.timezone import localdate

from tests.factories import LearningFactory, OneOnOneFactory, QuarterFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo(settings.TIME_ZONE)
ONE_ON_ONES = reverse("coaching:one_on_ones")
LEARNINGS = reverse("coaching:learnings")


def at(month, day):
    return datetime(2026, month, day, 10, tzinfo=PARIS)


@pytest.fixture
def held(time_machine, team, leader, pm):
    """Three 1:1s of the pair held in 2026-Q3 (the first on its first day), one on the
    quarter's eve and one the day after it ended; one with another PM of the team."""
    time_machine.move_to(at(11, 1))
    QuarterFactory(label="2026-Q3")
    for when in [
        datetime(2026, 7, 1, 0, 0, tzinfo=PARIS),
        at(8, 1),
        at(9, 30),
        at(6, 30),
        at(10, 1),
    ]:
        OneOnOneFactory(team=team, pm=pm, scheduled_for=when, held_at=when)
    OneOnOneFactory(team=team, pm=UserFactory(), scheduled_for=at(8, 2), held_at=at(8, 2))


def test_a_leader_lists_the_1_1s_of_one_pair_held_in_a_quarter(client_for, leader, pm, held):
    response = client_for(leader).get(
        ONE_ON_ONES, {"held_in": "2026-Q3", "team": "checkout", "pm": pm.pk}
    )

    assert [localdate(o.held_at).isoformat() for o in response.context["held"]] == [
        "2026-07-01",
        "2026-08-01",
        "2026-09-30",
    ]
    assert "3 1:1s held in 2026-Q3" in response.content.decode()


def test_the_pm_lists_them_too(client_for, pm, held):
    response = client_for(pm).get(ONE_ON_ONES, {"held_in": "2026-Q3"})

    assert len(response.context["held"]) == 3


def test_nobody_else_lists_a_pairs_1_1s(client_for, admin_user, outsider, pm, held):
    for who in (admin_user, outsider):
        response = client_for(who).get(
            ONE_ON_ONES, {"held_in": "2026-Q3", "team": "checkout", "pm": pm.pk}
        )
        assert list(response.context["held"]) == []


def test_an_unknown_quarter_shows_the_usual_list(client_for, leader, held):
    response = client_for(leader).get(ONE_ON_ONES, {"held_in": "1999-Q1"})

    assert "held" not in response.context
    assert "led_pairs" in response.context


def test_learnings_by_who_recorded_them_in_a_quarter(
    client_for, time_machine, outsider, leader, pm, team
):
    time_machine.move_to(at(11, 1))
    QuarterFactory(label="2026-Q3")
    in_q3 = [LearningFactory(source_team=team, created_at=at(7, day)) for day in (1, 2)]
    LearningFactory(source_team=team, created_at=at(6, 30))
    LearningFactory(source_team=team, author=pm, created_at=at(7, 3))

    response = client_for(outsider).get(LEARNINGS, {"author": leader.pk, "recorded_in": "2026-Q3"})

    assert set(response.context["learnings"]) == set(in_q3)
    assert "2 learnings recorded" in response.content.decode()
