"""A person chooses their e-mails, on a desktop and on a phone; and unsubscribes from a link."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from headway.emails import unsubscribe_token
from headway.models import EmailKind, Preference, Weekday

from .conftest import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo")


def test_a_pm_turns_off_the_learnings_digest_and_picks_a_day_and_time_zone(
    page, demo, sign_in, screenshot
):
    sign_in(page, "pm", "headway")
    page.locator(".user-menu summary").click()
    page.get_by_role("link", name="Notification settings").click()
    assert page.get_by_role("heading", name="Notification settings").is_visible()
    assert page.get_by_label("Check-in reminder").is_checked()
    assert_accessible(page)

    page.get_by_label("Learnings digest").uncheck()
    page.get_by_label("Digest day").select_option(label="Wednesday")
    page.get_by_label("Time zone").select_option("America/Montreal")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Notification settings saved.").wait_for()

    assert not page.get_by_label("Learnings digest").is_checked()
    preference = Preference.objects.get(user__username="pm")
    assert preference.emails_off == [EmailKind.LEARNINGS_DIGEST]
    assert (preference.digest_day, preference.time_zone) == (Weekday.WEDNESDAY, "America/Montreal")
    screenshot(page, "notification-settings")
    assert_accessible(page)


def test_notification_settings_on_a_phone(phone_page, demo, sign_in, screenshot):
    sign_in(phone_page, "leader", "headway")
    phone_page.goto("/notifications/")
    # A value the form never offers (as a tampered request would send) is refused.
    phone_page.evaluate(
        "document.querySelector('#id_digest_day').add(new Option('Someday', '9'), null)"
    )
    phone_page.get_by_label("Digest day").select_option("9")
    phone_page.get_by_role("button", name="Save settings").click()
    phone_page.get_by_text("Some settings were not saved: see below.").wait_for()
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "notification-settings-phone-error")
    assert_accessible(phone_page)


def test_unsubscribing_from_the_link_in_an_email_without_signing_in(page, demo, screenshot):
    pm = get_user_model().objects.get(username="pm")
    page.goto(f"/unsubscribe/{unsubscribe_token(pm.pk, EmailKind.CHECK_IN_REMINDER)}/")
    assert page.get_by_role("heading", name="Unsubscribe").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert not Preference.of(pm).wants(EmailKind.CHECK_IN_REMINDER)
    screenshot(page, "unsubscribed")
    assert_accessible(page)

    page.get_by_role("button", name="Turn them back on").click()
    page.get_by_role("heading", name="You are subscribed again").wait_for()
    assert Preference.of(pm).wants(EmailKind.CHECK_IN_REMINDER)
