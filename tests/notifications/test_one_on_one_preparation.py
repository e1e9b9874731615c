"""The day before a 1:1, its pair gets its agenda so far: the PM with a link to add talking
points, the leader with the open action items. Nobody else, and never its notes."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from coaching.models import TalkingPoint
from headway.models import EmailKind, Preference
from obstacles.models import Obstacle
from tests.factories import ActionItemFactory, OneOnOneFactory
from tests.mail import links_in, text_of
from tests.queue import run_workers

from .conftest import MONDAY, THURSDAY, at

pytestmark = pytest.mark.django_db(transaction=True)
WEDNESDAY = THURSDAY - timedelta(days=1)


@pytest.fixture
def one_on_one(team, leader, pm):
    meeting = OneOnOneFactory(team=team, leader=leader, pm=pm, scheduled_for=at(THURSDAY, 14))
    meeting.shared_notes = "Shared: budget talk"
    meeting.private_notes = "Private: Sam seems tired"
    meeting.save()
    TalkingPoint.objects.create(one_on_one=meeting, author=pm, text="Who decides on refunds?")
    ActionItemFactory(one_on_one=meeting, owner=leader, text="Ask Finance for a fraud review")
    Obstacle.log(team=team, by=pm, title="Payments API is rate limited", kind="other")
    return meeting


def by_recipient(smtp_server):
    return {m["To"]: m for m in smtp_server.messages}


def test_the_day_before_at_nine_the_pm_and_the_leader_get_the_agenda(
    clock, one_on_one, pm, leader, smtp_server, client_for, settings
):
    settings.SITE_URL = "https://headway.example"
    clock(at(WEDNESDAY, 9))

    run_workers()

    messages = by_recipient(smtp_server)
    assert set(messages) == {pm.email, leader.email}
    to_pm, to_leader = messages[pm.email], messages[leader.email]
    assert to_pm["Subject"] == "Your 1:1 with Maya Chen tomorrow at 2 p.m."
    assert to_leader["Subject"] == "Your 1:1 with Sam Rivera tomorrow at 2 p.m."
    for message in (to_pm, to_leader):
        text = text_of(message)
        assert "Who decides on refunds?" in text
        assert "Payments API is rate limited" in text
        assert "Ask Finance for a fraud review" in text
        assert "Shared: budget talk" not in text
        assert "Private" not in text
    page = f"https://headway.example/coaching/{one_on_one.pk}/#talking-points"
    assert f"Add a talking point: {page}" in text_of(to_pm)
    assert f"Open the 1:1: {page}" in text_of(to_leader)
    assert page in links_in(to_pm)
    # The link opens the 1:1 for each of the pair.
    for person in (pm, leader):
        assert client_for(person).get(urlsplit(page).path).status_code == 200


def test_nobody_outside_the_pair_gets_it(clock, one_on_one, second_pm, admin_user, smtp_server):
    clock(at(WEDNESDAY, 9))

    run_workers()

    assert second_pm.email not in by_recipient(smtp_server)
    assert admin_user.email not in by_recipient(smtp_server)


def test_not_two_days_before_and_once_only(clock, one_on_one, smtp_server):
    clock(at(MONDAY + timedelta(days=1), 9))
    run_workers()
    assert smtp_server.messages == []

    for hour in (9, 10):
        clock(at(WEDNESDAY, hour))
        run_workers()

    assert len(smtp_server.messages) == 2


def test_a_1_1_held_early_is_not_prepared_for(clock, one_on_one, smtp_server):
    one_on_one.mark_held(at(MONDAY, 15))
    clock(at(WEDNESDAY, 9))

    run_workers()

    # The next 1:1, a week after the one held, is prepared for a week later.
    assert smtp_server.messages == []


def test_each_gets_it_at_nine_in_their_time_zone(clock, one_on_one, pm, leader, smtp_server):
    Preference.objects.create(user=pm, time_zone="Asia/Tokyo")
    # 9:00 in Tokyo on Wednesday is 1:00 in Paris: the PM's comes first.
    clock(at(WEDNESDAY, 1))
    run_workers()
    assert list(by_recipient(smtp_server)) == [pm.email]

    clock(at(WEDNESDAY, 9))
    run_workers()

    assert set(by_recipient(smtp_server)) == {pm.email, leader.email}
    assert "tomorrow at 10 p.m." in by_recipient(smtp_server)[pm.email]["Subject"]


def test_turned_off_it_goes_to_the_other_only(clock, one_on_one, pm, leader, smtp_server):
    Preference.turn_off(leader, EmailKind.ONE_ON_ONE_PREPARATION)
    clock(at(WEDNESDAY, 9))

    run_workers()

    assert list(by_recipient(smtp_server)) == [pm.email]


def test_a_name_with_an_apostrophe_reads_as_written_in_the_subject_in_each_language(
    clock, one_on_one, pm, leader, smtp_server
):
    """A subject is plain text: a name is not HTML-escaped there (O&#x27;Brien)."""
    leader.last_name = "O'Brien"
    leader.save()
    Preference.remember_language(pm, "fr")
    clock(at(WEDNESDAY, 9))

    run_workers()

    to_pm = by_recipient(smtp_server)[pm.email]
    assert to_pm["Subject"] == "Votre 1:1 avec Maya O'Brien demain à 14:00"
    assert "Maya O'Brien" in text_of(to_pm)
