"""A leader connects their team's Slack channel and sends it a test message; an admin registers
a webhook and pings it: desktop and phone, checked with axe, against receivers on loopback."""

import pytest

from integrations.models import ChatChannel, Webhook
from tests.factories import PASSWORD
from tests.receiver import loopback_receiver

from .conftest import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.INTEGRATIONS_ALLOW_PRIVATE_ADDRESSES = True
    settings.INTEGRATIONS_ALLOW_HTTP = True


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_leader_connects_slack_and_tests_it(request, width, leader, team, sign_in, screenshot):
    page = request.getfixturevalue("page" if width == "desktop" else "phone_page")
    sign_in(page, "leader", PASSWORD)
    page.locator("summary", has_text="Maya Chen").click()
    page.get_by_role("link", name="Integrations").click()
    assert_accessible(page)
    page.get_by_role("link", name="Checkout").click()
    with loopback_receiver() as slack:
        page.get_by_label("Slack").check()
        page.get_by_label("Channel", exact=True).fill("#checkout-team")
        page.get_by_label("Incoming webhook address").fill(slack.url)
        page.get_by_label("A decision is due tomorrow").uncheck()
        page.get_by_role("button", name="Connect").click()
        page.get_by_role("status").filter(has_text="is connected").wait_for()
        page.get_by_role("button", name="Send a test message to #checkout-team").click()
        page.get_by_role("status").filter(has_text="The test message reached").wait_for()
        assert slack.requests[0].json()["text"] == "Headway is connected to #checkout-team"
    assert ChatChannel.objects.get().events == ["urgent", "resolved", "learning", "behind_pace"]
    screenshot(page, f"chat-channels-{width}")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_an_admin_registers_a_webhook_and_pings_it(request, width, admin_user, sign_in, screenshot):
    page = request.getfixturevalue("page" if width == "desktop" else "phone_page")
    sign_in(page, "admin", PASSWORD)
    page.goto("/settings/integrations/")
    page.get_by_role("link", name="Webhooks").click()
    assert_accessible(page)
    with loopback_receiver() as receiver:
        page.get_by_label("Address").fill(receiver.url)
        page.get_by_label("What it is for").fill("Ticket tracker")
        page.get_by_label("Obstacle created").check()
        page.get_by_label("Obstacle resolved").check()
        page.get_by_role("button", name="Register").click()
        secret = page.get_by_role("textbox", name="Secret").input_value()
        assert secret == Webhook.objects.get().secret
        page.get_by_role("button", name="Send a ping").click()
        page.get_by_role("status").filter(has_text="The ping was answered").wait_for()
        assert receiver.requests[0].headers["X-Headway-Event"] == "ping"
    page.get_by_text("Delivery ").first.click()
    screenshot(page, f"webhook-{width}")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
