"""The demo's objectives and quarters: their shape, and seeding again, the same day or
months later. The story they tell on any day is checked in tests/dashboard/test_demo_story.py."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from objectives.demo import demo_quarters
from objectives.models import CheckIn, Objective, Problem, Quarter, QuarterClosing, Team
from tests.factories import QuarterFactory

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=StringIO())


def at(day):
    return datetime.combine(day, time(10), tzinfo=ZoneInfo(settings.TIME_ZONE))


def test_every_team_has_two_to_four_objectives_of_two_to_four_key_results():
    seed()
    current = Quarter.objects.current()
    for team in Team.objects.all():
        objectives = team.objectives.filter(quarter=current)
        assert 2 <= objectives.count() <= 4, team
        for objective in objectives:
            assert 2 <= objective.key_results.count() <= 4, objective


def test_seeding_twice_changes_nothing():
    seed()
    counts = (Quarter.objects.count(), Objective.objects.count(), CheckIn.objects.count())
    seed()
    assert (Quarter.objects.count(), Objective.objects.count(), CheckIn.objects.count()) == counts


def test_seeding_again_later_adds_quarters_beside_the_demos_and_overlaps_none(time_machine):
    time_machine.move_to(at(date(2027, 1, 1)))
    seed()
    first = Objective.objects.count()

    time_machine.move_to(at(date(2027, 2, 10)))  # in the demo's next quarter
    seed()
    assert Objective.objects.count() == first

    time_machine.move_to(at(date(2027, 9, 1)))  # past every quarter of the demo
    seed()
    # A new previous and current quarter, and the first demo's next quarter (2027-Q2, empty
    # until then) has become the one before the previous: each has what the first demo's had.
    assert Objective.objects.count() == 2 * first
    assert [(q.label, q.start, q.end) for q in Quarter.objects.order_by("start")] == [
        ("2026-Q3", date(2026, 5, 10), date(2026, 8, 8)),
        ("2026-Q4", date(2026, 8, 9), date(2026, 11, 7)),
        ("2027-Q1", date(2026, 11, 8), date(2027, 2, 6)),
        ("2027-Q2", date(2027, 2, 7), date(2027, 5, 8)),
        ("2027-Q3", date(2027, 5, 9), date(2027, 8, 7)),
        # Thirteen weeks from 54 days before 1 September would overlap 2027-Q3.
        ("2027-Q4", date(2027, 8, 8), date(2027, 10, 7)),
        ("2028-Q1", date(2027, 10, 8), date(2028, 1, 6)),
    ]


def test_the_demo_settles_into_quarters_an_administrator_created():
    calendar = QuarterFactory(label="2027-Q1")  # 1 January to 31 March 2027

    previous, current, following = demo_quarters(date(2027, 2, 14))

    assert current == calendar
    assert (previous.label, previous.start, previous.end) == (
        "2026-Q4",
        date(2026, 10, 2),
        date(2026, 12, 31),
    )
    assert (following.label, following.start) == ("2027-Q2", date(2027, 4, 1))


def test_a_label_an_earlier_quarter_took_is_numbered():
    QuarterFactory(label="2027-Q1", start=date(2025, 1, 1), end=date(2025, 3, 31))

    _previous, current, _following = demo_quarters(date(2027, 2, 14))

    assert current.label == "2027-Q1 (2)"


def test_each_team_closed_the_previous_quarter_with_grades_and_retrospectives():
    seed()
    current = Quarter.objects.current()
    previous = Quarter.objects.filter(end__lt=current.start).latest("start")
    for team in Team.objects.all():
        closing = QuarterClosing.objects.in_force().get(team=team, quarter=previous)
        assert previous.end < timezone.localdate(closing.closed_at) <= previous.end + timedelta(2)
        missed, achieved = team.objectives.filter(quarter=previous).order_by("order")
        assert (missed.status, missed.final_score) == ("missed", Decimal("0.55"))
        assert (achieved.status, achieved.final_score) == ("achieved", Decimal("1.00"))
        assert missed.retrospective and achieved.retrospective
        carried = missed.carried_into
        assert carried.quarter == current and carried.key_results.exists()
    # A closed quarter takes no more check-ins: the demo's teams check in this quarter only.
    assert not CheckIn.objects.filter(
        key_result__objective__quarter=previous, created_at__date__gt=previous.end
    ).exists()


def test_three_problems_with_the_objectives_serving_them_and_search_serving_none():
    seed()
    current = Quarter.objects.current()
    assert Problem.objects.in_quarter(current).count() == 3
    serving = Objective.objects.filter(quarter=current, serves__isnull=False)
    assert set(serving.values_list("team__slug", flat=True)) == {
        "checkout",
        "payments-platform",
        "partner-api",
        "onboarding",
        "growth",
    }
    assert not Objective.objects.filter(team__slug="search", serves__isnull=False).exists()
    seed()
    assert Problem.objects.count() == 3
