"""The rules an objective keeps: order, drop, carry-over, and no silent overwrite."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from objectives.models import KeyResult, Objective
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    QuarterFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarters():
    return QuarterFactory(label="2026-Q3"), QuarterFactory(label="2026-Q4")


def test_moving_an_objective_reorders_its_siblings(team, current_quarter):
    first, second, third = (ObjectiveFactory(team=team, quarter=current_quarter) for _ in "abc")
    elsewhere = ObjectiveFactory(quarter=current_quarter)

    third.move(-1)

    ordered = Objective.objects.filter(team=team).order_by("order")
    assert list(ordered) == [first, third, second]
    third.move(-5)
    assert list(ordered.all()) == [third, first, second]
    elsewhere.refresh_from_db()
    assert elsewhere.order == 0


@pytest.mark.django_db(transaction=True)
def test_moving_holds_its_own_transaction_outside_any_other(team, current_quarter):
    """As a request runs it: no transaction around it (the test's own would hide a missing one)."""
    first, second = (ObjectiveFactory(team=team, quarter=current_quarter) for _ in "ab")

    second.move(-1)

    assert list(Objective.objects.filter(team=team).order_by("order")) == [second, first]


def test_a_dropped_objective_stays_but_is_marked(current_quarter):
    objective = ObjectiveFactory(quarter=current_quarter)
    objective.drop()
    objective.refresh_from_db()
    assert objective.status == Objective.Status.DROPPED
    assert objective.version == 2


def test_carry_over_copies_unfinished_key_results_from_their_latest_values(quarters, pm):
    q3, q4 = quarters
    objective = ObjectiveFactory(team=pm.memberships.get().team, quarter=q3, title="Faster pay")
    halfway = KeyResultFactory(objective=objective, start_value=8, target_value=5)
    CheckInFactory(key_result=halfway, value=Decimal("6.5"))
    done = KeyResultFactory(objective=objective, start_value=0, target_value=10)
    CheckInFactory(key_result=done, value=12)
    untouched = KeyResultFactory(objective=objective, start_value=1, target_value=2)

    carried = objective.carry_over(by=pm)

    assert (carried.quarter, carried.team, carried.title) == (q4, objective.team, "Faster pay")
    assert carried.carried_from == objective
    assert carried.owner == pm
    copies = {kr.description: (kr.start_value, kr.target_value) for kr in carried.key_results.all()}
    assert copies == {
        halfway.description: (Decimal("6.5"), Decimal(5)),
        untouched.description: (Decimal(1), Decimal(2)),
    }
    assert objective.key_results.count() == 3


def test_an_objective_is_carried_over_once(quarters, pm):
    objective = ObjectiveFactory(quarter=quarters[0])
    objective.carry_over(by=pm)
    objective.refresh_from_db()
    assert not objective.can_carry_over()
    with pytest.raises(ValidationError, match="already been carried over"):
        objective.carry_over(by=pm)


def test_an_achieved_objective_is_not_carried_over(quarters, pm):
    objective = ObjectiveFactory(quarter=quarters[0], status=Objective.Status.ACHIEVED)
    assert not objective.can_carry_over()
    with pytest.raises(ValidationError, match="achieved"):
        objective.carry_over(by=pm)


def test_carry_over_needs_a_next_quarter(pm):
    objective = ObjectiveFactory(quarter=QuarterFactory(label="2031-Q1"))
    with pytest.raises(ValidationError, match="no next quarter"):
        objective.carry_over(by=pm)
    assert Objective.objects.count() == 1


def test_carried_objectives_go_last_in_the_next_quarter(quarters, pm):
    q3, q4 = quarters
    team = TeamFactory()
    ObjectiveFactory(team=team, quarter=q4)
    carried = ObjectiveFactory(team=team, quarter=q3).carry_over(by=pm)
    assert carried.order == 1


def test_milestones_always_run_from_no_to_yes():
    key_result = KeyResultFactory.build(
        objective=ObjectiveFactory(), unit=KeyResult.Unit.MILESTONE, start_value=3, target_value=3
    )
    key_result.full_clean()
    assert (key_result.start_value, key_result.target_value) == (0, 1)


def test_a_key_result_target_differs_from_its_start():
    key_result = KeyResultFactory.build(objective=ObjectiveFactory(), start_value=4, target_value=4)
    with pytest.raises(ValidationError) as error:
        key_result.full_clean()
    assert error.value.message_dict == {
        "target_value": ["The target must differ from the start value."]
    }
