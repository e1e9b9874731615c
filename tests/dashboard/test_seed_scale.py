import pytest
from django.core.management import CommandError, call_command

from coaching.models import OneOnOne
from dashboard.scale import seed_scale
from objectives.models import CheckIn, Team
from obstacles.models import Obstacle, ObstacleEvent
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def generated(prefix):
    """What a generation decided, independent of its names and of the clock."""
    obstacles = Obstacle.objects.filter(team__slug__startswith=f"{prefix}-").order_by("pk")
    return (
        list(obstacles.values_list("title", "kind", "status", "severity", "is_urgent")),
        list(
            CheckIn.objects.filter(key_result__objective__team__slug__startswith=f"{prefix}-")
            .order_by("pk")
            .values_list("value", "confidence")
        ),
    )


def test_seed_scale_builds_a_proportional_organization():
    call_command("seed_scale", teams=2)
    assert Team.objects.count() == 2
    assert Obstacle.objects.count() == 2 * 250
    events = ObstacleEvent.objects.count()
    assert 3 * 500 <= events <= 6 * 500
    assert CheckIn.objects.count() > 2 * 8 * 9 * 10
    assert OneOnOne.objects.upcoming().count() == 2
    assert Obstacle.objects.search("payments").exists()


def test_the_same_seed_gives_the_same_organization():
    seed_scale(teams=2, seed=7, prefix="a")
    seed_scale(teams=2, seed=7, prefix="b")
    seed_scale(teams=2, seed=8, prefix="c")
    assert generated("a") == generated("b")
    assert generated("a")[0] != generated("c")[0]


def test_seed_scale_refuses_a_database_that_holds_data():
    TeamFactory()
    with pytest.raises(CommandError, match="already holds teams"):
        call_command("seed_scale", teams=2)
