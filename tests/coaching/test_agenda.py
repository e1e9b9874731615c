from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from coaching.agenda import build_agenda
from objectives.models import CheckIn, Pace
from tests.factories import (
    ActionItemFactory,
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    ObstacleFactory,
    QuarterFactory,
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
    late_in_the_quarter, one_on_one, team, pm
):
    objective = ObjectiveFactory(team=team, quarter=late_in_the_quarter)
    fine = KeyResultFactory(objective=objective, description="Fine")
    at_risk = KeyResultFactory(objective=objective, description="At risk")
    stale = KeyResultFactory(objective=objective, description="Stale")
    never = KeyResultFactory(objective=objective, description="Never")
    CheckInFactory(key_result=fine, author=pm, value=70)
    CheckInFactory(key_result=at_risk, author=pm, value=70, confidence=CheckIn.Confidence.AT_RISK)
    CheckInFactory(
        key_result=stale, author=pm, value=70, created_at=timezone.now() - timedelta(days=9)
    )

    assert build_agenda(one_on_one).key_results == [at_risk, stale, never]


def test_only_key_results_of_the_quarter_the_one_on_one_falls_in_are_on_it(
    late_in_the_quarter, one_on_one, team
):
    this_quarter = KeyResultFactory(
        objective=ObjectiveFactory(team=team, quarter=late_in_the_quarter), description="Now"
    )
    last_quarter = QuarterFactory(label="2026-Q3")
    KeyResultFactory(objective=ObjectiveFactory(team=team, quarter=last_quarter), description="Q3")
    next_quarter = QuarterFactory(label="2027-Q1")
    KeyResultFactory(objective=ObjectiveFactory(team=team, quarter=next_quarter), description="Q1")

    assert build_agenda(one_on_one).key_results == [this_quarter]


def test_no_quarter_no_key_results_on_it(one_on_one, team):
    assert build_agenda(one_on_one).key_results == []
    assert build_agenda(one_on_one).objectives == []


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


# Pace: on 30 November, 61 of 2026-Q4's 92 days (66%) have elapsed.
TWO_THIRDS_IN = datetime(2026, 11, 30, 9, tzinfo=UTC)


@pytest.fixture
def late_in_the_quarter(time_machine):
    time_machine.move_to(TWO_THIRDS_IN, tick=False)
    return QuarterFactory(label="2026-Q4")


def checked_in(objective, value, confidence=CheckIn.Confidence.ON_TRACK, **key_result):
    key_result = KeyResultFactory(objective=objective, **key_result)
    CheckInFactory(key_result=key_result, value=value, confidence=confidence)
    return key_result


def test_an_objective_far_behind_pace_is_on_it_whatever_the_confidence_says(
    late_in_the_quarter, one_on_one, team
):
    behind = ObjectiveFactory(team=team, quarter=late_in_the_quarter, title="Behind")
    checked_in(behind, 41)
    on_pace = ObjectiveFactory(team=team, quarter=late_in_the_quarter, title="On pace")
    checked_in(on_pace, 70)

    agenda = build_agenda(one_on_one)

    assert agenda.objectives == [behind]
    assert agenda.objectives[0].pace == Pace.OFF_TRACK
    assert agenda.objectives[0].confidence_exceeds_pace
    assert not agenda.is_empty


def test_a_key_result_behind_pace_is_on_it_and_the_gap_with_confidence_is_flagged(
    late_in_the_quarter, one_on_one, team
):
    objective = ObjectiveFactory(team=team, quarter=late_in_the_quarter)
    behind = checked_in(objective, 50, description="Behind, said on track")
    honest = checked_in(
        objective, 50, CheckIn.Confidence.AT_RISK, description="Behind, said at risk"
    )
    checked_in(objective, 90, description="Ahead")
    # A milestone is reached or not: it is not behind pace before the quarter ends.
    checked_in(objective, 0, unit="milestone", start_value=0, target_value=1)

    agenda = build_agenda(one_on_one)

    assert agenda.key_results == [behind, honest]
    assert [kr.pace for kr in agenda.key_results] == [Pace.AT_RISK, Pace.AT_RISK]
    assert [kr.confidence_exceeds_pace for kr in agenda.key_results] == [True, False]


def test_the_agenda_page_shows_pace_and_the_gap(
    late_in_the_quarter, client_for, one_on_one, team, leader
):
    objective = ObjectiveFactory(team=team, quarter=late_in_the_quarter, title="Pay in a minute")
    checked_in(objective, 41, description="Median time to pay")

    page = client_for(leader).get(one_on_one.get_absolute_url()).text

    assert "Pay in a minute" in page
    assert "Far behind pace" in page
    assert "41% done, 66% expected" in page
    assert "Confidence is higher than pace: ask what the numbers miss." in page
    assert "Every key result is on track" not in page


def test_talking_points_not_discussed_carry_over_to_the_next_one_on_one(one_on_one, leader, pm):
    raised = one_on_one.talking_points.create(author=pm, text="Refund policy")
    discussed = one_on_one.talking_points.create(author=leader, text="Hiring")
    forgotten = one_on_one.talking_points.create(author=pm, text="Holidays")
    one_on_one.discussed.create(key=f"talking_point:{discussed.pk}")

    upcoming = one_on_one.mark_held()

    assert list(upcoming.talking_points.all()) == [raised, forgotten]
    assert list(one_on_one.talking_points.all()) == [discussed]
    carried = build_agenda(upcoming).talking_points
    assert [point.is_carried_over for point in carried] == [True, True]


def test_the_next_one_on_one_says_which_talking_points_carried_over(
    client_for, one_on_one, leader, pm
):
    one_on_one.talking_points.create(author=pm, text="Refund policy")
    upcoming = one_on_one.mark_held()
    upcoming.talking_points.create(author=leader, text="Fresh point")

    page = client_for(pm).get(upcoming.get_absolute_url()).text

    assert page.count("carried over") == 1


def test_the_agenda_follows_the_clock_though_its_reads_are_compiled_once(time_machine, one_on_one):
    ActionItemFactory(one_on_one=one_on_one, due_date=timezone.localdate() + timedelta(days=1))

    assert [item.is_overdue for item in build_agenda(one_on_one).action_items] == [False]
    time_machine.move_to(timezone.now() + timedelta(days=3))
    assert [item.is_overdue for item in build_agenda(one_on_one).action_items] == [True]
