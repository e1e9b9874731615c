"""Dates a pair types for their 1:1s and action items: refused with a clear message when they
make no sense, and never stored where a page could not show them."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import formats, timezone

from coaching.models import ActionItem, OneOnOne
from tests.factories import OneOnOneFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def typed(moment):
    """A moment as a datetime-local input sends it."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def reschedule(client, one_on_one, when):
    url = reverse("coaching:reschedule", args=[one_on_one.pk])
    return client.post(url, {"scheduled_for": when})


def add_action_item(client, one_on_one, due_date):
    url = reverse("coaching:add_action_item", args=[one_on_one.pk])
    owner = one_on_one.leader_id
    return client.post(url, {"text": "Talk to Finance", "owner": owner, "due_date": due_date})


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_1_1_moved_off_the_calendar_is_refused_and_every_page_still_opens(
    client_for, one_on_one, pm, leader, when
):
    response = reschedule(client_for(pm), one_on_one, when)

    assert response.status_code == 422
    assert "Enter a date between Jan. 1, 2000 and Dec. 31, 2099." in response.text
    assert f'value="{when}"' in response.text
    assert OneOnOne.objects.get(pk=one_on_one.pk).scheduled_for == one_on_one.scheduled_for
    pages = [
        "/",
        "/coaching/",
        "/coaching/next/",
        "/coaching/actions/",
        one_on_one.get_absolute_url(),
    ]
    for user in (pm, leader):
        client = client_for(user)
        assert [client.get(url).status_code < 400 for url in pages] == [True] * len(pages)


def test_a_1_1_cannot_move_before_the_one_held_this_morning(client_for, one_on_one, pm):
    held = OneOnOneFactory(
        team=one_on_one.team, leader=one_on_one.leader, pm=pm, scheduled_for=NOW, held_at=NOW
    )
    held.held_at = NOW.replace(hour=9)
    held.save()

    response = reschedule(client_for(pm), one_on_one, typed(NOW.replace(hour=8)))

    assert response.status_code == 422
    when = formats.date_format(timezone.localtime(held.held_at), "DATETIME_FORMAT")
    assert f"Your last 1:1 was held on {when}: pick a later time." in response.text
    assert 'value="2026-11-18T08:00"' in response.text


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (NOW - timedelta(days=2), "This day has passed: pick today or a later day."),
        (NOW + timedelta(days=400), "Pick a day within a year from today, until Nov. 19, 2027."),
    ],
)
def test_a_1_1_is_moved_from_today_to_a_year_ahead(client_for, one_on_one, pm, when, message):
    response = reschedule(client_for(pm), one_on_one, typed(when))

    assert response.status_code == 422
    assert message in response.text


def test_a_1_1_moved_to_next_week_is_moved(client_for, one_on_one, pm):
    response = reschedule(client_for(pm), one_on_one, "2026-11-25T14:30")

    assert response.status_code == 302
    one_on_one.refresh_from_db()
    assert timezone.localtime(one_on_one.scheduled_for) == datetime(
        2026, 11, 25, 14, 30, tzinfo=PARIS
    )


def test_the_move_form_offers_only_the_days_it_accepts(client_for, one_on_one, pm):
    page = client_for(pm).get(one_on_one.get_absolute_url()).text

    assert 'min="2026-11-18T00:00"' in page
    assert 'max="2027-11-19T23:59"' in page


@pytest.mark.parametrize(
    ("due_date", "message"),
    [
        ("2020-03-01", "This day has passed: pick today or a later day."),
        ("2031-03-01", "Pick a day within a year from today, until Nov. 19, 2027."),
        ("0001-01-01", "Enter a date between Jan. 1, 2000 and Dec. 31, 2099."),
    ],
)
def test_an_action_item_due_in_the_past_or_years_ahead_is_refused(
    client_for, one_on_one, leader, due_date, message
):
    response = add_action_item(client_for(leader), one_on_one, due_date)

    assert response.status_code == 422
    assert message in response.text
    assert f'value="{due_date}"' in response.text
    assert not ActionItem.objects.exists()


def test_an_action_item_due_today_is_added(client_for, one_on_one, leader):
    assert add_action_item(client_for(leader), one_on_one, "2026-11-18").status_code == 302
    assert str(ActionItem.objects.get().due_date) == "2026-11-18"


def test_a_1_1_is_not_recorded_as_held_in_the_future(one_on_one):
    one_on_one.held_at = NOW + timedelta(days=1)
    with pytest.raises(ValidationError) as refusal:
        one_on_one.full_clean()
    assert refusal.value.message_dict["held_at"] == ["A 1:1 cannot be held in the future."]


def test_the_database_refuses_a_1_1_off_the_calendar_whatever_writes_it(one_on_one):
    """As the reschedule form did before it checked: year 1 in Paris is 1 BC for PostgreSQL."""
    with pytest.raises(IntegrityError):
        OneOnOne.objects.filter(pk=one_on_one.pk).update(
            scheduled_for=datetime(1, 1, 1, tzinfo=PARIS)
        )
