"""Once a week, on each member's digest day, the learnings newly shared with their teams:
each told once, including one shared with the team later than it was written."""

import time
from datetime import timedelta

import pytest

from headway.models import Preference, Weekday
from notifications import content, tasks
from notifications.models import LearningNotice
from objectives.models import Membership
from tests.factories import LearningFactory, MembershipFactory, TeamFactory, UserFactory
from tests.mail import html_of, text_of
from tests.queue import run_workers

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db(transaction=True)
NEXT_MONDAY = MONDAY + timedelta(days=7)


@pytest.fixture
def designer(team):
    user = UserFactory(username="designer", first_name="Lea", last_name="Roy")
    MembershipFactory(team=team, user=user, role=Membership.Role.DESIGNER)
    return user


def shared(title, source, *teams, everyone=False):
    learning = LearningFactory(title=title, source_team=source, for_everyone=everyone)
    learning.teams.set(teams)
    return learning


def test_each_member_gets_the_learnings_shared_with_their_team(
    clock, team, pm, designer, growth, smtp_server, settings
):
    settings.SITE_URL = "https://headway.example"
    clock(at(MONDAY + timedelta(days=2), 15))
    shared("Wallets first works on mobile", growth, team)
    shared("Customers read prices in euros", growth, everyone=True)
    shared("Growth's own notes", growth)  # shared with nobody else
    shared("What Checkout learned", team, growth)  # its own: it knows

    clock(at(NEXT_MONDAY, 9))
    run_workers()

    messages = {m["To"]: m for m in smtp_server.messages}
    assert set(messages) == {pm.email, designer.email}
    message = messages[designer.email]
    assert message["Subject"] == "2 learnings shared with your teams this week"
    text = text_of(message)
    assert "Shared with Checkout\n- Wallets first works on mobile (learned by Growth)" in text
    assert "Shared with every team\n- Customers read prices in euros (learned by Growth)" in text
    assert "Growth's own notes" not in text
    assert "What Checkout learned" not in text
    assert "https://headway.example/teams/checkout/" in html_of(message)


def test_a_learning_is_told_once_even_shared_again_later(
    clock, team, pm, growth, other_team, smtp_server
):
    learning = shared("Wallets first works on mobile", growth, team)
    clock(at(NEXT_MONDAY, 9))
    run_workers()
    assert len(smtp_server.messages) == 1

    learning.teams.add(other_team)
    clock(at(NEXT_MONDAY + timedelta(days=7), 9))
    run_workers()

    assert len(smtp_server.messages) == 1
    assert LearningNotice.objects.filter(recipient=pm, learning=learning).count() == 1


def test_a_learning_shared_with_the_team_later_reaches_it_the_week_after(
    clock, team, pm, growth, other_team, smtp_server
):
    learning = shared("Platform quotas explained", growth, other_team)
    clock(at(NEXT_MONDAY, 9))
    run_workers()
    assert smtp_server.messages == []

    learning.teams.add(team)
    clock(at(NEXT_MONDAY + timedelta(days=7), 9))
    run_workers()

    [message] = smtp_server.messages
    assert "Platform quotas explained" in text_of(message)


def test_each_on_their_own_digest_day(clock, team, pm, designer, growth, smtp_server):
    Preference.objects.create(user=pm, digest_day=Weekday.FRIDAY)
    shared("Wallets first works on mobile", growth, team)

    clock(at(NEXT_MONDAY, 9))
    run_workers()
    assert [m["To"] for m in smtp_server.messages] == [designer.email]

    clock(at(NEXT_MONDAY + timedelta(days=4), 9))
    run_workers()

    assert [m["To"] for m in smtp_server.messages] == [designer.email, pm.email]


def test_the_email_is_sent_though_the_digests_transaction_commits_late(
    clock, team, designer, growth, smtp_server, monkeypatch
):
    """The workers run several jobs at once: one may take the e-mail's job while the digest
    that queued it is still in its transaction. That job only exists once the transaction
    commits, so it finds its e-mail (it once failed on an e-mail not committed yet, and the
    digest was never sent)."""
    queue_email = tasks.queue_email

    def committing_late(**email):
        queued = queue_email(**email)
        time.sleep(0.5)
        return queued

    monkeypatch.setattr(tasks, "queue_email", committing_late)
    shared("Wallets first works on mobile", growth, team)

    clock(at(NEXT_MONDAY, 9))
    run_workers()

    assert [m["To"] for m in smtp_server.messages] == [designer.email]


@pytest.mark.django_db(transaction=False)
def test_the_digest_takes_the_same_queries_however_many_learnings(
    clock, team, designer, growth, django_assert_num_queries
):
    def grow(n):
        for i in range(n):
            source = TeamFactory(name=f"Source {i} of {n}", slug=f"source-{i}-{n}")
            shared(f"Learning {i} of {n}", source, team, growth)

    grow(1)
    local_now = clock(at(NEXT_MONDAY, 9))
    with django_assert_num_queries(3) as few:
        content.learnings_digest(designer, local_now)
    grow(10)
    with django_assert_num_queries(len(few.captured_queries)):
        digest = content.learnings_digest(designer, local_now)
    assert digest["count"] == 11
