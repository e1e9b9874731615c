"""Key result and objective progress, computed by the database from the latest check-in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from objectives.models import CheckIn, KeyResult, Objective
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def progress_of(key_result):
    return KeyResult.objects.with_latest_check_in().get(pk=key_result.pk).progress


def test_progress_comes_from_the_latest_check_in():
    key_result = KeyResultFactory(start_value=10, target_value=30)
    now = timezone.now()
    CheckInFactory(key_result=key_result, value=25, created_at=now - timedelta(days=7))
    CheckInFactory(
        key_result=key_result,
        value=15,
        confidence=CheckIn.Confidence.AT_RISK,
        created_at=now - timedelta(days=1),
    )

    annotated = KeyResult.objects.with_latest_check_in().get(pk=key_result.pk)

    assert annotated.latest_value == Decimal(15)
    assert annotated.latest_confidence == CheckIn.Confidence.AT_RISK
    assert annotated.latest_checked_at == now - timedelta(days=1)
    assert annotated.progress == Decimal("0.25")


def test_no_check_in_yet_means_no_progress():
    key_result = KeyResultFactory(start_value=10, target_value=30)
    annotated = KeyResult.objects.with_latest_check_in().get(pk=key_result.pk)
    assert annotated.latest_value is None
    assert annotated.progress == 0
    assert annotated.current_value == 10


def test_a_target_below_the_start_counts_the_way_down():
    churn = KeyResultFactory(start_value=8, target_value=5, unit=KeyResult.Unit.PERCENT)
    CheckInFactory(key_result=churn, value=Decimal("6.5"))
    assert progress_of(churn) == Decimal("0.5")


@pytest.mark.parametrize(("value", "expected"), [(-5, 0), (40, 1), (100, 1)])
def test_progress_is_clamped_between_none_and_all(value, expected):
    key_result = KeyResultFactory(start_value=0, target_value=20)
    CheckInFactory(key_result=key_result, value=value)
    assert progress_of(key_result) == expected


def test_a_milestone_is_done_or_not():
    milestone = KeyResultFactory(unit=KeyResult.Unit.MILESTONE, start_value=0, target_value=1)
    CheckInFactory(key_result=milestone, value=0)
    assert progress_of(milestone) == 0
    CheckInFactory(key_result=milestone, value=1, created_at=timezone.now() + timedelta(1))
    assert progress_of(milestone) == 1


def test_progress_is_a_rounded_decimal():
    key_result = KeyResultFactory(start_value=0, target_value=3)
    CheckInFactory(key_result=key_result, value=1)
    assert progress_of(key_result) == Decimal("0.3333")


def test_each_check_in_knows_its_own_progress():
    key_result = KeyResultFactory(start_value=100, target_value=0)
    CheckInFactory(key_result=key_result, value=75)
    assert CheckIn.objects.with_progress().get().progress == Decimal("0.25")


def test_objective_progress_is_the_mean_of_its_key_results(current_quarter):
    objective = ObjectiveFactory(quarter=current_quarter)
    CheckInFactory(key_result=KeyResultFactory(objective=objective), value=50)
    CheckInFactory(
        key_result=KeyResultFactory(objective=objective),
        value=100,
        confidence=CheckIn.Confidence.OFF_TRACK,
    )
    KeyResultFactory(objective=objective)  # not checked in yet: 0 %

    annotated = Objective.objects.with_progress().get(pk=objective.pk)

    assert annotated.progress == Decimal("0.5")
    assert annotated.key_result_count == 3
    assert annotated.latest_confidence == CheckIn.Confidence.OFF_TRACK


def test_an_objective_without_key_results_has_no_progress(current_quarter):
    objective = ObjectiveFactory(quarter=current_quarter)
    annotated = Objective.objects.with_progress().get(pk=objective.pk)
    assert annotated.progress is None
    assert annotated.pace is None
    assert annotated.latest_confidence is None
    assert annotated.key_result_count is None


def test_objective_expected_progress_is_the_share_of_its_quarter_elapsed(current_quarter):
    objective = ObjectiveFactory(quarter=current_quarter)
    today = current_quarter.start + timedelta(days=30)
    annotated = Objective.objects.with_progress(today).get(pk=objective.pk)
    assert annotated.expected == round(Decimal(current_quarter.elapsed_share(today)), 4)


def test_objective_progress_in_constant_queries(django_assert_num_queries, current_quarter):
    for _ in range(10):
        objective = ObjectiveFactory(quarter=current_quarter)
        for _ in range(3):
            CheckInFactory(key_result=KeyResultFactory(objective=objective))
    with django_assert_num_queries(1):
        assert len(list(Objective.objects.with_progress())) == 10
