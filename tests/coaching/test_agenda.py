from datetime import timedelta

import pytest
from django.utils import timezone

from coaching.agenda import build_agenda
from objectives.models import CheckIn
from tests.factories import (
    ActionItemFactory,
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    ObstacleFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def test_obstacles_logged_since_the_last_one_on_one_are_on_it_urgent_first(one_on_one, team, pm):
    old = ObstacleFactory(team=team, created_by=pm, title="Old")
    type(old).objects.filter(pk=old.pk).update(
        opened_at=timezone.now() - timedelta(days=20),
        last_activity_at=timezone.now() - timedelta(days=20),
    )
    calm = ObstacleFactory(team=team, created_by=pm, title="Calm")
    urgent = ObstacleFactory(team=team, created_by=pm, title="Urgent", is_urgent=True)
    ObstacleFactory(team=TeamFactory(), title="Another team's")

    assert build_agenda(one_on_one).obstacles == [urgent, calm]


def test_an_obstacle_changed_since_the_last_one_on_one_is_on_it(one_on_one, team, pm):
    obstacle = ObstacleFactory(team=team, created_by=pm)
    type(obstacle).objects.filter(pk=obstacle.pk).update(
        opened_at=timezone.now() - timedelta(days=30)
    )
    assert build_agenda(one_on_one).obstacles == [obstacle]


def test_key_results_at_risk_or_not_checked_in_this_week_are_on_it(
    one_on_one, team, pm, current_quarter
):
    objective = ObjectiveFactory(team=team, quarter=current_quarter)
    fine = KeyResultFactory(objective=objective, description="Fine")
    at_risk = KeyResultFactory(objective=objective, description="At risk")
    stale = KeyResultFactory(objective=objective, description="Stale")
    never = KeyResultFactory(objective=objective, description="Never")
    CheckInFactory(key_result=fine, author=pm)
    CheckInFactory(key_result=at_risk, author=pm, confidence=CheckIn.Confidence.AT_RISK)
    CheckInFactory(key_result=stale, author=pm, created_at=timezone.now() - timedelta(days=9))

    assert build_agenda(one_on_one).key_results == [at_risk, stale, never]


def test_open_action_items_carry_over_and_done_ones_do_not(one_on_one, last_one_on_one, leader):
    carried = ActionItemFactory(one_on_one=last_one_on_one, text="Carried")
    ActionItemFactory(one_on_one=last_one_on_one, text="Done", done_at=timezone.now())
    new = ActionItemFactory(one_on_one=one_on_one, text="New")

    assert {item.text for item in build_agenda(one_on_one).action_items} == {
        carried.text,
        new.text,
    }


def test_overdue_action_items_come_first(one_on_one, last_one_on_one):
    today = timezone.localdate()
    later = ActionItemFactory(one_on_one=one_on_one, due_date=today + timedelta(days=3))
    overdue = ActionItemFactory(one_on_one=last_one_on_one, due_date=today - timedelta(days=1))
    undated = ActionItemFactory(one_on_one=one_on_one)

    assert build_agenda(one_on_one).action_items == [overdue, later, undated]


def test_another_pairs_action_items_stay_out(one_on_one, team):
    ActionItemFactory(one_on_one__team=team, text="Someone else's")
    assert build_agenda(one_on_one).action_items == []


def test_ticked_items_are_marked_discussed(one_on_one, team, pm):
    obstacle = ObstacleFactory(team=team, created_by=pm)
    one_on_one.discussed.create(key=f"obstacle:{obstacle.pk}")
    agenda = build_agenda(one_on_one)
    assert agenda.obstacles[0].is_discussed
