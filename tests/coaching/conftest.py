from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import OneOnOneFactory


@pytest.fixture
def last_one_on_one(team, leader, pm):
    """The pair's 1:1 held a week ago."""
    when = timezone.now() - timedelta(days=7)
    return OneOnOneFactory(team=team, leader=leader, pm=pm, scheduled_for=when, held_at=when)


@pytest.fixture
def one_on_one(team, leader, pm, last_one_on_one):
    """The pair's coming 1:1, tomorrow."""
    return OneOnOneFactory(
        team=team, leader=leader, pm=pm, scheduled_for=timezone.now() + timedelta(days=1)
    )
