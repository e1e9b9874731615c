"""A stakeholder decision's date: from today to a year ahead when it is typed, kept as it is
once it has passed, never off the calendar."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError
from django.urls import reverse

from obstacles.models import Obstacle
from tests.factories import ObstacleFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def stakeholder_concern(team, decide_by):
    return {
        "team": team.pk,
        "title": "The CFO doubts the pricing change",
        "kind": "stakeholder",
        "decide_by": decide_by,
        "severity": 3,
        "help_wanted": "decision",
    }


@pytest.mark.parametrize(
    ("decide_by", "message"),
    [
        ("2020-06-30", "This day has passed: pick today or a later day."),
        ("2029-06-30", "Pick a day within a year from today, until Nov. 19, 2027."),
        ("0001-01-01", "Enter a date between Jan. 1, 2000 and Dec. 31, 2099."),
    ],
)
def test_a_decision_due_in_the_past_or_years_ahead_is_refused(
    client_for, pm, team, decide_by, message
):
    response = client_for(pm).post(reverse("obstacles:new"), stakeholder_concern(team, decide_by))

    assert response.status_code == 200
    assert message in response.text
    assert f'value="{decide_by}"' in response.text
    assert "The CFO doubts the pricing change" in response.text
    assert not Obstacle.objects.exists()


def test_a_decision_due_next_week_is_logged(client_for, pm, team):
    client_for(pm).post(reverse("obstacles:new"), stakeholder_concern(team, "2026-11-25"))
    assert Obstacle.objects.get().decide_by == date(2026, 11, 25)


def test_an_overdue_decision_keeps_its_date_when_the_obstacle_is_edited(client_for, pm, team):
    obstacle = ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", decide_by=date(2026, 11, 2)
    )
    data = {
        "title": "Sharper title",
        "kind": "stakeholder",
        "decide_by": "2026-11-02",
        "severity": obstacle.severity,
        "help_wanted": "",
        "version": obstacle.version,
    }

    response = client_for(pm).post(reverse("obstacles:edit", args=[obstacle.pk]), data)

    assert response.status_code == 302
    obstacle.refresh_from_db()
    assert (obstacle.title, obstacle.decide_by) == ("Sharper title", date(2026, 11, 2))


def test_the_form_offers_only_the_days_it_accepts(client_for, pm, team):
    page = client_for(pm).get(reverse("obstacles:new")).text
    assert '<input type="date" name="decide_by" min="2026-11-18" max="2027-11-19"' in page


def test_the_database_refuses_a_decision_off_the_calendar(pm, team):
    obstacle = ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", decide_by=date(2026, 11, 25)
    )
    with pytest.raises(IntegrityError):
        Obstacle.objects.filter(pk=obstacle.pk).update(decide_by=date(1, 1, 1))
