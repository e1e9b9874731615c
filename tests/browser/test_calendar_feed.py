"""A leader finds their calendar feed from the user menu and its subscribe link, on a desktop
and on a phone; the address it gives is the feed, which a calendar app can read."""

import pytest
from icalendar import Calendar

from integrations.models import CalendarFeed
from tests.factories import PASSWORD, OneOnOneFactory

from .conftest import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_leader_finds_the_subscribe_link(
    request, settings, live_server, width, leader, pm, team, sign_in, screenshot
):
    settings.SITE_URL = live_server.url  # the feed's address is on Headway's public address
    page = request.getfixturevalue("page" if width == "desktop" else "phone_page")
    one_on_one = OneOnOneFactory(team=team, leader=leader, pm=pm)
    sign_in(page, "leader", PASSWORD)
    page.locator("summary", has_text="Maya Chen").click()
    page.get_by_role("link", name="Calendar feed").click()
    page.get_by_role("heading", name="Your calendar feed").wait_for()
    screenshot(page, f"calendar-feed-{width}")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    subscribe = page.get_by_role("link", name="Subscribe in your calendar app")
    feed = CalendarFeed.objects.get(user=leader)
    assert subscribe.get_attribute("href").startswith("webcal://")
    assert subscribe.get_attribute("href").endswith(f"/calendar/{feed.token}.ics")
    address = page.get_by_role("textbox", name="Your private address").input_value()
    calendar = Calendar.from_ical(page.request.get(address).body())
    assert [str(e["uid"]).split("@")[0] for e in calendar.walk("VEVENT")] == [
        f"one-on-one-{one_on_one.pk}"
    ]

    page.get_by_role("button", name="Make a new address").click()
    page.get_by_role("status").filter(has_text="new address").wait_for()
    assert page.get_by_role("textbox", name="Your private address").input_value() != address
    assert page.request.get(address).status == 404
