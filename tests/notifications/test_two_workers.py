"""Two workers (two connections each, their own clocks) see the same periodic ticks: each
reminder still goes out once."""

from collections import Counter
from datetime import timedelta

import pytest

from objectives.models import Membership
from tests.factories import (
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    ObstacleFactory,
    TeamFactory,
    UserFactory,
)
from tests.queue import jobs, run_workers

from .conftest import MONDAY, THURSDAY, at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def organization(quarter):
    leaders = [UserFactory(username=f"lead{n}") for n in range(3)]
    for n in range(9):
        team = TeamFactory(leader=leaders[n % 3])
        pm = UserFactory(username=f"pm{n}")
        MembershipFactory(team=team, user=pm, role=Membership.Role.PRODUCT_MANAGER)
        KeyResultFactory(objective=ObjectiveFactory(team=team, quarter=quarter))
        ObstacleFactory(team=team, created_by=pm, kind="customer", is_urgent=True)
    return leaders


def test_two_workers_send_each_periodic_email_once(clock, organization, smtp_server):
    clock(at(THURSDAY, 10))
    run_workers(count=2)
    clock(at(THURSDAY, 10, 15))
    run_workers(count=2)
    clock(at(MONDAY + timedelta(days=7), 9))
    run_workers(count=2)

    sent = Counter((m["To"], m["Subject"]) for m in smtp_server.messages)
    reminders = [key for key in sent if key[1] == "One key result to check in this week"]
    digests = [key for key in sent if key[1].startswith("Your week:")]
    # 9 escalations, 9 check-in reminders, 3 digests: none twice.
    assert (len(reminders), len(digests), len(sent)) == (9, 3, 21)
    assert set(sent.values()) == {1}
    assert jobs(status="failed") == []
