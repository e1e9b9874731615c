from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    ActionItemFactory,
    KeyResultFactory,
    ObjectiveFactory,
    ObstacleFactory,
    OneOnOneFactory,
    UserFactory,
)


@pytest.fixture
def successor(team):
    """Who takes over: another person of the organization."""
    return UserFactory(username="nadia", first_name="Nadia", last_name="Okafor")


def give_work(pm, team, leader, quarter, times=1):
    """`times` of each kind of work to `pm`: open obstacles, active objectives of `quarter`,
    key results they check in on, and, in their 1:1 series with `leader`, held 1:1s with
    open action items they own."""
    for n in range(times):
        ObstacleFactory(team=team, created_by=pm, owner=pm, title=f"Waiting on legal {n}")
        objective = ObjectiveFactory(
            team=team, quarter=quarter, owner=pm, title=f"Grow checkout {n}"
        )
        KeyResultFactory(objective=objective, owner=pm, description=f"Orders a week {n}")
        held = timezone.now() - timedelta(days=7 * (n + 1))
        meeting = OneOnOneFactory(team=team, leader=leader, pm=pm, scheduled_for=held, held_at=held)
        ActionItemFactory(one_on_one=meeting, owner=pm, text=f"Send the spec {n}")


@pytest.fixture
def pm_work(pm, team, leader, current_quarter):
    """The PM's open work, and their coming 1:1 with the leader, tomorrow."""
    give_work(pm, team, leader, current_quarter)
    return OneOnOneFactory(
        team=team, leader=leader, pm=pm, scheduled_for=timezone.now() + timedelta(days=1)
    )
