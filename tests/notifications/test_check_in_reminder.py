"""Product managers are reminded of the key results not checked in this week, on the
organization's weekday and hour (Thursday 10:00 unless changed), in their own time zone."""

import zoneinfo
from urllib.parse import urlsplit

import pytest

from headway.models import Email, EmailKind, Preference, Schedule, Weekday
from tests.factories import CheckInFactory
from tests.mail import html_of, links_in, text_of
from tests.queue import run_workers

from .conftest import MONDAY, THURSDAY, at

pytestmark = pytest.mark.django_db(transaction=True)


def reminders(smtp_server):
    return [m for m in smtp_server.messages if "check in this week" in m["Subject"]]


def test_on_thursday_at_ten_the_pm_is_reminded_of_each_key_result_not_checked_in(
    clock, team, pm, leader, key_results, smtp_server, client_for, settings
):
    settings.SITE_URL = "https://headway.example"
    converting, wallets = key_results
    CheckInFactory(key_result=wallets, author=pm)  # Monday: this week's is done
    clock(at(THURSDAY, 10))

    run_workers()

    [message] = smtp_server.messages
    assert message["To"] == pm.email
    assert message["Subject"] == "One key result to check in this week"
    text = text_of(message)
    assert "Hello Sam Rivera," in text
    assert "Conversion from 2.1 % to 3 % (Make checkout effortless)" in text
    assert "Wallets live on mobile" not in text
    check_in = f"https://headway.example/teams/checkout/key-results/{converting.pk}/check-in/"
    assert f"Check in: {check_in}" in text
    assert check_in in links_in(message)
    assert "Conversion from 2.1 % to 3 %" in html_of(message)
    # The link opens the check-in form, for the PM.
    page = client_for(pm).get(urlsplit(check_in).path)
    assert page.status_code == 200
    assert "Conversion from 2.1 % to 3 %" in page.content.decode()


def test_nothing_is_sent_when_every_key_result_was_checked_in_this_week(
    clock, pm, key_results, smtp_server
):
    for key_result in key_results:
        CheckInFactory(key_result=key_result, author=pm)
    clock(at(THURSDAY, 10))

    run_workers()

    assert smtp_server.messages == []
    assert not Email.objects.exists()


def test_a_check_in_last_week_does_not_count_for_this_week(clock, pm, key_results, smtp_server):
    clock(at(MONDAY.replace(day=2), 18))  # Sunday, the week before
    CheckInFactory(key_result=key_results[0], author=pm)
    clock(at(THURSDAY, 10))

    run_workers()

    [message] = smtp_server.messages
    assert message["Subject"] == "2 key results to check in this week"
    assert "Last check-in: March 2, 2025" in text_of(message)


def test_it_goes_out_once_a_week_whatever_the_ticks_and_not_before_its_hour(
    clock, pm, key_results, smtp_server
):
    clock(at(THURSDAY, 9, 45))
    run_workers()
    assert smtp_server.messages == []

    for minute in (0, 15):
        clock(at(THURSDAY, 10, minute))
        run_workers()
    clock(at(THURSDAY, 11, 30))
    run_workers()

    assert len(smtp_server.messages) == 1


def test_a_worker_down_at_ten_sends_it_when_it_starts_the_same_morning(
    clock, pm, key_results, smtp_server
):
    clock(at(THURSDAY, 12, 15))

    run_workers()

    assert len(reminders(smtp_server)) == 1


def test_the_organization_chooses_the_day_and_hour(clock, pm, key_results, smtp_server):
    Schedule(check_in_weekday=Weekday.FRIDAY, check_in_hour=14).save()
    clock(at(THURSDAY, 10))
    run_workers()
    assert smtp_server.messages == []

    clock(at(THURSDAY.replace(day=7), 14))
    run_workers()

    assert len(reminders(smtp_server)) == 1


def test_the_hour_is_the_pms_own_in_their_time_zone(clock, pm, key_results, smtp_server):
    new_york = zoneinfo.ZoneInfo("America/New_York")
    Preference.objects.create(user=pm, time_zone="America/New_York")
    clock(at(THURSDAY, 10))
    run_workers()
    assert smtp_server.messages == []

    clock(at(THURSDAY, 10, zone=new_york))
    run_workers()

    [message] = reminders(smtp_server)
    assert message["To"] == pm.email


def test_a_french_pm_reads_it_in_french(clock, pm, key_results, smtp_server):
    Preference.remember_language(pm, "fr")
    clock(at(THURSDAY, 10))

    run_workers()

    [message] = smtp_server.messages
    assert message["Subject"] == "2 résultats clés à mettre à jour cette semaine"
    assert "Bonjour Sam Rivera," in text_of(message)


def test_a_pm_who_turned_it_off_gets_none_and_others_still_do(
    clock, pm, second_pm, key_results, smtp_server
):
    Preference.turn_off(pm, EmailKind.CHECK_IN_REMINDER)
    clock(at(THURSDAY, 10))

    run_workers()

    assert [m["To"] for m in smtp_server.messages] == [second_pm.email]


def test_only_product_managers_are_reminded(
    clock, team, leader, tech_lead, key_results, smtp_server
):
    clock(at(THURSDAY, 10))

    run_workers()

    assert smtp_server.messages == []
