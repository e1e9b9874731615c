"""A person's calendar feed, read back with the icalendar library: their 1:1s (and only
theirs, without notes), the decisions due on the obstacles they lead or own, quarter ends;
stable UIDs, a sequence that grows when a 1:1 moves, an address that can be reset."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from coaching.models import OneOnOne
from headway.models import Preference
from integrations.models import CalendarFeed
from tests.factories import (
    ObstacleFactory,
    OneOnOneFactory,
    QuarterFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(time_machine, settings):
    settings.SITE_URL = "https://headway.example.com"
    time_machine.move_to(NOW, tick=False)


def read(client, user):
    response = client.get(CalendarFeed.of(user).get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar):
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def one_on_one(leader, pm, team):
    return OneOnOneFactory(
        team=team,
        leader=leader,
        pm=pm,
        scheduled_for=NOW + timedelta(days=2),
        shared_notes="Shared secret",
        private_notes="Private secret",
    )


def test_a_pm_sees_their_coming_one_on_one(client, pm, one_on_one):
    calendar = read(client, pm)
    event = events(calendar)[f"one-on-one-{one_on_one.pk}@headway.example.com"]
    assert str(event["summary"]) == "1:1 with Maya Chen (Checkout)"
    assert event.decoded("dtstart") == NOW + timedelta(days=2)
    assert event.decoded("dtend") == NOW + timedelta(days=2, minutes=30)
    assert str(event["url"]) == f"https://headway.example.com/coaching/{one_on_one.pk}/"
    assert event["sequence"] == 0
    assert str(calendar["x-wr-calname"]) == "Headway: Sam Rivera"


def test_the_leader_sees_it_named_after_the_pm(client, leader, one_on_one):
    event = events(read(client, leader))[f"one-on-one-{one_on_one.pk}@headway.example.com"]
    assert str(event["summary"]) == "1:1 with Sam Rivera (Checkout)"


def test_nobody_else_sees_it_and_no_notes_reach_the_feed(
    client, outsider, admin_user, pm, one_on_one
):
    for other in (outsider, admin_user):
        assert not [uid for uid in events(read(client, other)) if uid.startswith("one-on-one")]
    text = client.get(CalendarFeed.of(pm).get_absolute_url()).content.decode()
    assert "secret" not in text.lower()


def test_moving_a_one_on_one_keeps_its_uid_and_raises_its_sequence(
    client_for, client, pm, one_on_one
):
    uid = f"one-on-one-{one_on_one.pk}@headway.example.com"
    before = events(read(client, pm))[uid]
    later = NOW + timedelta(days=3, hours=2)
    response = client_for(pm).post(
        reverse("coaching:reschedule", args=[one_on_one.pk]),
        {"scheduled_for": later.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    client.logout()
    after = events(read(client, pm))[uid]
    assert after["sequence"] == before["sequence"] + 1
    assert after.decoded("dtstart") != before.decoded("dtstart")
    assert OneOnOne.objects.get().times_moved == 1


def test_saving_the_same_time_is_not_a_move(one_on_one):
    one_on_one.move_to(one_on_one.scheduled_for)
    assert OneOnOne.objects.get().times_moved == 0


def test_held_one_on_ones_stay_three_months(client, leader, pm, team):
    recent = OneOnOneFactory(
        team=team,
        leader=leader,
        pm=pm,
        scheduled_for=NOW - timedelta(days=20),
        held_at=NOW - timedelta(days=20),
    )
    old = OneOnOneFactory(
        team=team,
        leader=leader,
        pm=pm,
        scheduled_for=NOW - timedelta(days=120),
        held_at=NOW - timedelta(days=120),
    )
    uids = events(read(client, pm))
    assert f"one-on-one-{recent.pk}@headway.example.com" in uids
    assert f"one-on-one-{old.pk}@headway.example.com" not in uids


def test_decisions_due_on_obstacles_led_or_owned(client, leader, pm, team, other_team):
    led = ObstacleFactory(
        team=team,
        created_by=pm,
        kind="stakeholder",
        decide_by=date(2026, 11, 20),
        title="Pricing call",
    )
    owned = ObstacleFactory(
        team=other_team,
        created_by=other_team.leader,
        kind="stakeholder",
        decide_by=date(2026, 11, 25),
        owner=pm,
        title="Legal review",
    )
    ObstacleFactory(
        team=team,
        created_by=pm,
        kind="stakeholder",
        decide_by=date(2026, 11, 21),
        status="resolved",
    )
    for_leader, for_pm = events(read(client, leader)), events(read(client, pm))
    uid = f"obstacle-{led.pk}-decide-by@headway.example.com"
    assert uid in for_leader and uid not in for_pm
    event = for_leader[uid]
    assert str(event["summary"]) == "Decision due: Pricing call (Checkout)"
    assert event.decoded("dtstart") == date(2026, 11, 20)
    assert event.decoded("dtend") == date(2026, 11, 21)
    assert str(event["transp"]) == "TRANSPARENT"
    assert f"obstacle-{owned.pk}-decide-by@headway.example.com" in for_pm
    assert len([uid for uid in for_leader if uid.startswith("obstacle")]) == 1


def test_quarter_ends(client, pm):
    q4 = QuarterFactory(label="2026-Q4")
    QuarterFactory(label="2024-Q4")
    quarters = {uid: e for uid, e in events(read(client, pm)).items() if uid.startswith("quarter")}
    assert list(quarters) == [f"quarter-{q4.pk}-end@headway.example.com"]
    assert (
        str(quarters[f"quarter-{q4.pk}-end@headway.example.com"]["summary"])
        == "Last day of 2026-Q4"
    )


def test_the_feed_speaks_its_owners_language(client, pm, one_on_one):
    Preference.remember_language(pm, "fr")
    event = events(read(client, pm))[f"one-on-one-{one_on_one.pk}@headway.example.com"]
    assert str(event["summary"]) == "1:1 avec Maya Chen (Checkout)"


def test_a_reset_address_kills_the_old_one(client_for, client, pm):
    old = CalendarFeed.of(pm).get_absolute_url()
    assert client.get(old).status_code == 200
    client_for(pm).post(reverse("integrations:calendar_reset"))
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(CalendarFeed.of(pm).get_absolute_url()).status_code == 200


def test_a_deactivated_persons_feed_answers_nothing(client, pm):
    url = CalendarFeed.of(pm).get_absolute_url()
    pm.is_active = False
    pm.save()
    assert client.get(url).status_code == 404


def test_an_unknown_address_answers_nothing(client):
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_a_calendar_app_asking_again_gets_not_modified(client, pm, one_on_one, time_machine):
    url = CalendarFeed.of(pm).get_absolute_url()
    first = client.get(url)
    time_machine.shift(timedelta(minutes=10))
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    one_on_one.move_to(NOW + timedelta(days=4))
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 200


def test_each_read_is_noted(client, pm):
    client.get(CalendarFeed.of(pm).get_absolute_url())
    assert CalendarFeed.objects.get().last_fetched_at == NOW


def test_the_feed_costs_the_same_queries_at_any_size(
    client, leader, pm, team, django_assert_num_queries
):
    url = CalendarFeed.of(leader).get_absolute_url()

    def grow(n):
        for _ in range(n):
            other_pm = UserFactory()
            OneOnOneFactory(
                team=team, leader=leader, pm=other_pm, scheduled_for=NOW + timedelta(days=1)
            )
            ObstacleFactory(
                team=team, created_by=pm, kind="stakeholder", decide_by=date(2026, 12, 1)
            )
            QuarterFactory()

    grow(1)
    # The feed and its owner, their language, 1:1s, obstacles, quarters, noting the read.
    with django_assert_num_queries(6):
        client.get(url)
    grow(10)
    with django_assert_num_queries(6):
        client.get(url)


def test_the_settings_page_shows_the_address_and_the_subscribe_link(client_for, pm):
    page = client_for(pm).get(reverse("integrations:calendar")).text
    feed = CalendarFeed.objects.get(user=pm)
    assert f'value="https://headway.example.com/calendar/{feed.token}.ics"' in page
    assert f'href="webcal://headway.example.com/calendar/{feed.token}.ics"' in page


def test_the_settings_page_shows_only_ones_own_address(client_for, pm, outsider):
    mine = CalendarFeed.of(pm)
    page = client_for(outsider).get(reverse("integrations:calendar")).text
    assert mine.token not in page


def test_resetting_is_a_post(client_for, pm):
    assert client_for(pm).get(reverse("integrations:calendar_reset")).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(reverse("integrations:calendar")).status_code == 302
