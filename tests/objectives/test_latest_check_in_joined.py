"""`KeyResultQuerySet.with_latest_check_in_joined()` gives what `with_latest_check_in()` gives:
the same latest check-in (by the same definition), from one join instead of a subquery per
figure."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from objectives.models import KeyResult
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

FIGURES = ("latest_value", "latest_confidence", "latest_checked_at", "progress", "current_value")


def figures(queryset):
    return {kr.pk: tuple(getattr(kr, name) for name in FIGURES) for kr in queryset}


def test_it_reads_the_same_figures_as_the_subqueries(team, current_quarter):
    objective = ObjectiveFactory(team=team, quarter=current_quarter)
    never = KeyResultFactory(objective=objective)
    checked = KeyResultFactory(objective=objective, start_value=100, target_value=0)
    milestone = KeyResultFactory(
        objective=objective, unit=KeyResult.Unit.MILESTONE, start_value=0, target_value=1
    )
    now = timezone.now()
    CheckInFactory(key_result=checked, value=80, created_at=now - timedelta(days=7))
    CheckInFactory(key_result=checked, value=40, confidence="at_risk", created_at=now)
    # Two check-ins at the same moment: the later one saved is the latest, for both.
    CheckInFactory(key_result=milestone, value=0, created_at=now)
    CheckInFactory(key_result=milestone, value=1, confidence="off_track", created_at=now)

    joined = figures(KeyResult.objects.with_latest_check_in_joined())

    assert joined == figures(KeyResult.objects.with_latest_check_in())
    assert joined[never.pk] == (None, None, None, 0, never.start_value)
    assert joined[checked.pk][:2] == (40, "at_risk")
    assert joined[checked.pk][3] == Decimal("0.6")
    assert joined[milestone.pk][:2] == (1, "off_track")
    assert joined[milestone.pk][3] == 1


def test_it_can_be_filtered_and_ordered_by_its_figures(team, current_quarter):
    objective = ObjectiveFactory(team=team, quarter=current_quarter)
    done, halfway = KeyResultFactory.create_batch(2, objective=objective)
    CheckInFactory(key_result=done, value=100)
    CheckInFactory(key_result=halfway, value=50)

    unfinished = KeyResult.objects.with_latest_check_in_joined().filter(progress__lt=1)

    assert list(unfinished) == [halfway]
