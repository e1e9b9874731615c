"""On their digest day (Monday unless they choose), each leader is told what needs them this
week, which of their teams fell behind pace since last week, and which bottlenecks grew."""

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from headway.models import EmailKind, Preference, Weekday
from notifications import content
from obstacles.models import Obstacle
from tests.factories import (
    ActionItemFactory,
    CheckInFactory,
    ObstacleFactory,
    OneOnOneFactory,
    TeamFactory,
)
from tests.mail import delivered, links_in, text_of
from tests.queue import run_workers

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db(transaction=True)
NEXT_MONDAY = MONDAY + timedelta(days=7)


def digests(smtp_server):
    return delivered(smtp_server, EmailKind.LEADER_DIGEST)


@pytest.fixture
def week(clock, team, pm, leader, other_team, growth, key_results):
    """A week of the organization, from one Monday to the next."""
    converting, wallets = key_results
    # Last Monday the team was on pace (Q1 is 70 % through on 3 March)...
    CheckInFactory(key_result=converting, value=70, author=pm)
    CheckInFactory(key_result=wallets, value=70, author=pm)
    ObstacleFactory(team=growth, created_by=growth.leader, kind="platform", blocking_team=team)
    clock(at(MONDAY + timedelta(days=2), 11))
    # ...then its confidence fell and its numbers went back.
    CheckInFactory(key_result=converting, value=40, author=pm, confidence="at_risk")
    Obstacle.log(
        team=team, by=pm, title="Card payments fail for agencies", kind="customer", is_urgent=True
    )
    Obstacle.log(
        team=team,
        by=pm,
        title="Legal blocks the new pricing",
        kind="stakeholder",
        decide_by=NEXT_MONDAY + timedelta(days=3),
        help_wanted=Obstacle.Help.DECISION,
    )
    one_on_one = OneOnOneFactory(team=team, leader=leader, pm=pm, scheduled_for=at(MONDAY, 15))
    ActionItemFactory(
        one_on_one=one_on_one,
        owner=leader,
        text="Find a second payments engineer",
        due_date=date(2025, 3, 7),
    )
    # Other teams now wait on Checkout more than a week ago: a bottleneck that grew.
    for n in range(2):
        waiting = TeamFactory(name=f"Waiting {n}", slug=f"waiting-{n}", leader=growth.leader)
        ObstacleFactory(team=waiting, created_by=pm, kind="dependency", blocking_team=team)
    # Someone else's business.
    ObstacleFactory(
        team=growth, created_by=growth.leader, title="Growth's own fire", is_urgent=True
    )
    return one_on_one


def test_on_monday_at_nine_the_leader_gets_their_week(
    week, clock, team, leader, other_leader, smtp_server, client_for, settings
):
    settings.SITE_URL = "https://headway.example"
    clock(at(NEXT_MONDAY, 9))

    run_workers()

    [message] = [m for m in digests(smtp_server) if m["To"] == leader.email]
    assert message["Subject"] == "Your week: 2 obstacles need you"
    text = text_of(message)
    assert "Card payments fail for agencies (Checkout) · urgent" in text
    assert (
        "Legal blocks the new pricing (Checkout) · help wanted: A decision · decision by "
        "March 13, 2025"
    ) in text
    assert "Find a second payments engineer (1:1 with Sam Rivera, 3 days late)" in text
    assert "Checkout: On pace → Behind pace" in text
    assert "Checkout: 3 obstacles of other teams wait on it (a week ago: 1)" in text
    assert "Growth's own fire" not in text  # Growth's urgent obstacle is its own leader's
    # Each link opens the page that acts on it, for the leader.
    client = client_for(leader)
    for link in links_in(message):
        if link.startswith("https://headway.example/") and "unsubscribe" not in link:
            assert client.get(urlsplit(link).path).status_code == 200, link
    assert f"https://headway.example/obstacles/?blocking={team.pk}" in links_in(message)


def test_the_other_leader_gets_only_their_own(week, clock, other_leader, smtp_server):
    clock(at(NEXT_MONDAY, 9))

    run_workers()

    [message] = [m for m in digests(smtp_server) if m["To"] == other_leader.email]
    text = text_of(message)
    assert "Growth's own fire (Growth) · urgent" in text
    assert "Card payments" not in text
    assert "Find a second payments engineer" not in text


def test_a_leader_chooses_the_day(week, clock, leader, smtp_server):
    Preference.objects.create(user=leader, digest_day=Weekday.WEDNESDAY)
    clock(at(NEXT_MONDAY, 9))
    run_workers()
    assert leader.email not in [m["To"] for m in digests(smtp_server)]

    clock(at(NEXT_MONDAY + timedelta(days=2), 9))
    run_workers()

    assert leader.email in [m["To"] for m in digests(smtp_server)]


def test_a_quiet_week_sends_nothing(clock, team, leader, smtp_server):
    clock(at(NEXT_MONDAY, 9))

    run_workers()

    assert smtp_server.messages == []


@pytest.mark.django_db(transaction=False)
def test_the_digest_takes_the_same_queries_however_big_the_organization(
    clock, team, pm, leader, quarter, django_assert_num_queries
):
    def grow(n):
        for i in range(n):
            other = TeamFactory(leader=leader)
            ObstacleFactory(team=other, created_by=pm, kind="dependency", blocking_team=team)
            ObstacleFactory(team=other, created_by=pm, kind="customer", is_urgent=True)
            one_on_one = OneOnOneFactory(team=other, leader=leader, pm=pm)
            ActionItemFactory(one_on_one=one_on_one, owner=leader, due_date=date(2025, 3, 1 + i))

    grow(1)
    local_now = clock(at(NEXT_MONDAY, 9))
    with django_assert_num_queries(5) as few:
        content.leader_digest(leader, local_now)
    grow(10)
    with django_assert_num_queries(len(few.captured_queries)):
        digest = content.leader_digest(leader, local_now)
    assert len(digest["needing"]) == content.LIST_LIMIT
    assert digest["more_needing"]
