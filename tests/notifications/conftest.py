"""A small organization in the first quarter of 2025, and the clock set to the hour a
reminder is due. Every date here is fixed: the tests never depend on the day they run (and
being in the past, retries of failed jobs come due at once: see tests/queue.py)."""

import zoneinfo
from datetime import date, datetime

import pytest

from objectives.models import Membership
from tests.factories import (
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    QuarterFactory,
    TeamFactory,
    UserFactory,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A Thursday: Headway's default check-in reminder goes out at 10:00 on Thursdays.
THURSDAY = date(2025, 3, 6)
MONDAY = date(2025, 3, 3)


def at(day, hour, minute=0, zone=PARIS):
    return datetime(day.year, day.month, day.day, hour, minute, 30, tzinfo=zone)


@pytest.fixture(autouse=True)
def clock(time_machine):
    """The tests' time starts early on Monday 3 March 2025, before the data of each test is
    made; `clock(moment)` moves it to `moment`, and it runs on from there."""
    time_machine.move_to(at(MONDAY, 7), tick=True)

    def set_to(moment):
        time_machine.move_to(moment, tick=True)
        return moment

    return set_to


@pytest.fixture
def quarter(db):
    return QuarterFactory(label="2025-Q1", start=date(2025, 1, 1), end=date(2025, 3, 31))


@pytest.fixture
def objective(team, quarter):
    return ObjectiveFactory(team=team, quarter=quarter, title="Make checkout effortless")


@pytest.fixture
def key_results(objective):
    return [
        KeyResultFactory(objective=objective, description="Conversion from 2.1 % to 3 %", order=1),
        KeyResultFactory(objective=objective, description="Wallets live on mobile", order=2),
    ]


@pytest.fixture
def second_pm(team):
    user = UserFactory(username="pm2", first_name="Ana", last_name="Lopez")
    MembershipFactory(team=team, user=user, role=Membership.Role.PRODUCT_MANAGER)
    return user


@pytest.fixture
def other_leader(db):
    return UserFactory(username="leader2", first_name="Tomás", last_name="Becker")


@pytest.fixture
def growth(other_leader):
    return TeamFactory(name="Growth", slug="growth", leader=other_leader)
