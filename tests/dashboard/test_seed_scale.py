from contextlib import suppress
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coaching.models import OneOnOne
from dashboard import review
from dashboard.scale import (
    KEY_RESULTS_PER_OBJECTIVE,
    OBJECTIVES_PER_QUARTER,
    PROBLEMS,
    QUARTERS,
    seed_scale,
)
from objectives.models import CheckIn, Objective, Problem, Quarter, QuarterClosing, Team
from obstacles.models import Obstacle, ObstacleEvent
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def generated(prefix):
    """What a generation decided, independent of its names and of the day it ran: its
    obstacles, and its check-ins with their days counted back from today."""
    today = timezone.localdate()
    obstacles = Obstacle.objects.filter(team__slug__startswith=f"{prefix}-").order_by("pk")
    check_ins = CheckIn.objects.filter(
        key_result__objective__team__slug__startswith=f"{prefix}-"
    ).order_by("pk")
    return (
        list(obstacles.values_list("title", "kind", "status", "severity", "is_urgent")),
        [
            (c.value, c.confidence, (today - timezone.localdate(c.created_at)).days)
            for c in check_ins
        ],
    )


class Discard(Exception):
    """Raised to roll a generation back once it has been looked at."""


def generated_on(time_machine, moment, seed):
    """`generated()` of the scale organization seeded with `seed` at `moment`, then rolled
    back."""
    time_machine.move_to(datetime(*moment, tzinfo=ZoneInfo(settings.TIME_ZONE)))
    with suppress(Discard), transaction.atomic():
        seed_scale(teams=2, seed=seed, prefix="a")
        result = generated("a")
        raise Discard
    return result


def test_seed_scale_builds_a_proportional_organization():
    call_command("seed_scale", teams=2)
    assert Team.objects.count() == 2
    assert Obstacle.objects.count() == 2 * 250
    events = ObstacleEvent.objects.count()
    assert 3 * 500 <= events <= 6 * 500
    # Weekly, on the last day of each week: 13 in each past quarter, 7 in the current one,
    # where today is day 55.
    weekly = 13 * (QUARTERS - 1) + 7
    assert (
        CheckIn.objects.count() == 2 * OBJECTIVES_PER_QUARTER * KEY_RESULTS_PER_OBJECTIVE * weekly
    )
    assert Quarter.objects.count() == QUARTERS
    assert OneOnOne.objects.upcoming().count() == 2
    assert Obstacle.objects.search("payments").exists()
    # The problems, the objectives serving them, and every past quarter closed and graded.
    current = Quarter.objects.current()
    assert Problem.objects.in_quarter(current).count() == PROBLEMS
    assert Objective.objects.filter(serves__isnull=False).exists()
    assert Objective.objects.filter(serves__isnull=True).exists()
    assert QuarterClosing.objects.in_force().count() == 2 * (QUARTERS - 1)
    assert not QuarterClosing.objects.filter(quarter=current).exists()
    past = Objective.objects.exclude(quarter=current)
    assert not past.filter(Q(final_score__isnull=True) | Q(retrospective="")).exists()
    assert not past.filter(status="achieved", final_score__lt=Decimal("0.9")).exists()
    assert not Objective.objects.filter(quarter=current, final_score__isnull=False).exists()


def test_seed_scale_refuses_a_database_that_holds_data():
    TeamFactory()
    with pytest.raises(CommandError, match="already holds teams"):
        call_command("seed_scale", teams=2)


def test_the_same_seed_gives_the_same_organization_on_any_day(time_machine):
    first_of_a_quarter = generated_on(time_machine, (2027, 1, 1, 0, 5), seed=7)

    assert generated_on(time_machine, (2028, 2, 29, 23, 30), seed=7) == first_of_a_quarter
    assert generated_on(time_machine, (2027, 1, 1, 0, 5), seed=8)[0] != first_of_a_quarter[0]


def test_seed_scale_escalates_its_urgent_obstacles_and_some_of_those_closed():
    seed_scale(teams=2, prefix="e")

    escalations = ObstacleEvent.objects.filter(kind=ObstacleEvent.Kind.ESCALATED)
    urgent = Obstacle.objects.filter(is_urgent=True)
    # Every urgent obstacle was escalated once, by its PM, within its timeline.
    assert sorted(escalations.values_list("obstacle", flat=True)) == sorted(
        urgent.values_list("pk", flat=True)
    )
    assert urgent.filter(closed_at__isnull=True).exists()
    assert urgent.filter(closed_at__isnull=False).exists()
    for event in escalations.select_related("obstacle"):
        obstacle = event.obstacle
        assert event.actor_id == obstacle.created_by_id
        assert obstacle.opened_at <= event.created_at <= (obstacle.closed_at or timezone.now())
    # The quarter review measures them: most were answered, by the leader's next entry.
    quarter = Quarter.objects.filter(end__lt=timezone.localdate()).order_by("-start").first()
    figures = review.escalation_figures(review.Scope(quarter))
    assert 0 < figures["answered"] <= figures["count"]
