"""A check-in falls in its key result's quarter, never ahead; a milestone is yes or no."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from objectives.models import CheckIn, KeyResult
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory, QuarterFactory

pytestmark = pytest.mark.django_db


def at_noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


def errors_of(check_in):
    with pytest.raises(ValidationError) as error:
        check_in.full_clean()
    return error.value.message_dict


@pytest.fixture
def key_result(current_quarter):
    return KeyResultFactory(objective=ObjectiveFactory(quarter=current_quarter))


def test_a_check_in_today_is_valid(key_result, pm):
    CheckInFactory.build(key_result=key_result, author=pm).full_clean()


def test_a_check_in_before_the_quarter_is_refused(key_result, current_quarter, pm):
    check_in = CheckInFactory.build(
        key_result=key_result, author=pm, created_at=at_noon(current_quarter.start - timedelta(1))
    )
    assert "pick a day between" in errors_of(check_in)["created_at"][0]


def test_a_check_in_in_the_future_is_refused(key_result, pm):
    tomorrow = timezone.localdate() + timedelta(days=1)
    check_in = CheckInFactory.build(key_result=key_result, author=pm, created_at=at_noon(tomorrow))
    assert errors_of(check_in)["created_at"] == ["A check-in cannot be in the future."]


def test_a_past_quarters_key_result_takes_no_check_in_today(pm):
    past = KeyResultFactory(objective=ObjectiveFactory(quarter=QuarterFactory(label="2021-Q1")))
    check_in = CheckInFactory.build(key_result=past, author=pm)
    assert "2021-Q1" in errors_of(check_in)["created_at"][0]


@pytest.mark.parametrize("value", [0, 1])
def test_a_milestone_is_yes_or_no(current_quarter, pm, value):
    milestone = KeyResultFactory(
        objective=ObjectiveFactory(quarter=current_quarter),
        unit=KeyResult.Unit.MILESTONE,
        start_value=0,
        target_value=1,
    )
    CheckInFactory.build(key_result=milestone, author=pm, value=value).full_clean()
    half = CheckInFactory.build(key_result=milestone, author=pm, value="0.5")
    assert errors_of(half)["value"] == ["A milestone is either reached (yes) or not (no)."]


def test_the_database_refuses_a_key_result_without_a_goal():
    with pytest.raises(IntegrityError):
        KeyResultFactory(start_value=5, target_value=5)


def test_latest_check_in_first():
    key_result = KeyResultFactory()
    older = CheckInFactory(key_result=key_result, created_at=timezone.now() - timedelta(days=3))
    newer = CheckInFactory(key_result=key_result)
    assert list(CheckIn.objects.filter(key_result=key_result)) == [newer, older]
