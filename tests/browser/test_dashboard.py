"""The leader's Monday morning: the demo organization on one screen, at desk and on a phone."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from objectives.models import Team
from obstacles.models import Obstacle

from .conftest import SCREENSHOTS, assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
User = get_user_model()


@pytest.fixture
def demo(live_server):
    call_command("seed_demo")


def team_names(page):
    return page.locator(".team-rows tbody th a").all_inner_texts()


def test_the_leader_sees_where_teams_stand_and_what_needs_them(page, demo, sign_in, screenshot):
    sign_in(page, "leader", "headway")

    assert page.get_by_role("heading", level=1).inner_text() == "Your teams"
    # The team far behind pace comes first, and stands out.
    assert team_names(page)[0] == "Onboarding"
    assert "pace-row-off_track" in page.locator(".team-rows tbody tr").first.get_attribute("class")
    # The urgent escalation heads "Needs you".
    first_need = page.locator(".needs-you-item").first
    assert "Urgent" in first_need.inner_text()
    # The platform team leads the bottlenecks.
    assert page.locator(".bottleneck-title a").first.inner_text() == "Payments Platform"
    assert page.get_by_role("img", name=re.compile("Who waits on whom")).is_visible()
    screenshot(page, "dashboard-leader")
    assert_accessible(page)


def test_the_leader_sorts_and_widens_the_view(page, demo, sign_in):
    sign_in(page, "leader", "headway")
    page.get_by_role("link", name="All teams").click()
    assert page.get_by_role("heading", level=1).inner_text() == "All teams"
    assert "Growth" in team_names(page)
    page.get_by_role("link", name="Obstacles", exact=True).last.click()
    assert "sort=obstacles" in page.url
    assert "scope=all" in page.url


def test_the_dashboard_on_a_phone(phone_page, demo, sign_in, screenshot):
    sign_in(phone_page, "leader", "headway")
    assert team_names(phone_page)[0] == "Onboarding"
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "dashboard-leader-phone")
    bottlenecks = phone_page.get_by_role("region", name="Bottlenecks")
    bottlenecks.screenshot(path=SCREENSHOTS / "dashboard-bottlenecks-phone.png")
    phone_page.locator(".team-rows tbody tr").first.screenshot(
        path=SCREENSHOTS / "dashboard-row-phone.png"
    )
    assert_accessible(phone_page)


def test_a_pm_sees_their_team(page, phone_page, demo, sign_in, screenshot):
    sign_in(page, "pm", "headway")
    assert page.get_by_role("heading", level=1).inner_text() == "Your team"
    assert page.get_by_role("heading", name="Checkout").is_visible()
    screenshot(page, "dashboard-pm")
    assert_accessible(page)
    sign_in(phone_page, "pm", "headway")
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "dashboard-pm-phone")


def test_the_team_waited_on_and_its_leader_see_what_waits_on_them(
    page, phone_page, demo, sign_in, screenshot
):
    # Lucas is the PM of Payments Platform, which four teams wait on.
    sign_in(page, "lucas", "headway")
    waiting = page.locator(".panel", has=page.get_by_role("heading", name="Waiting on your team"))
    expect(waiting.get_by_role("link", name="Partners need a refund webhook")).to_be_visible()
    expect(waiting).to_contain_text("Partner API waits on it")
    screenshot(page, "dashboard-team-waited-on")
    assert_accessible(page)
    sign_in(phone_page, "lucas", "headway")
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "dashboard-team-waited-on-phone")

    # Its leader answers the team waiting on it from "Needs you".
    sign_in(page, "leader", "headway")
    needs_you = page.get_by_role("region", name="Needs you")
    expect(needs_you.get_by_role("heading", name="Other teams wait on yours")).to_be_visible()
    needs_you.get_by_role("link", name="Reply").first.click()
    expect(page.get_by_label("Comment")).to_be_visible()


def test_needs_you_refreshes_every_minute_keeping_focus_and_history(
    page, demo, sign_in, screenshot
):
    page.clock.install()
    sign_in(page, "leader", "headway")
    url, history = page.url, page.evaluate("history.length")
    first_take = page.locator(".needs-you-actions button").first
    first_take.focus()
    focused_id = page.evaluate("document.activeElement.id")
    checkout = Team.objects.get(slug="checkout")
    Obstacle.log(
        team=checkout,
        by=User.objects.get(username="pm"),
        title="Checkout is down for every card",
        kind="customer",
        is_urgent=True,
    )

    with page.expect_response(lambda r: r.request.headers.get("hx-target") == "needs-you"):
        page.clock.run_for(61_000)

    panel = page.locator("#needs-you")
    expect(panel.get_by_role("link", name="Checkout is down for every card")).to_be_visible()
    assert page.url == url
    assert page.evaluate("history.length") == history
    assert page.evaluate("document.activeElement.id") == focused_id
    screenshot(page, "dashboard-needs-you-refreshed")


def test_the_leader_takes_ownership_in_one_click_and_comes_back(page, demo, sign_in):
    sign_in(page, "leader", "headway")
    page.get_by_role("link", name="All teams").click()
    first = page.locator(".needs-you-item").first
    title = first.get_by_role("heading").inner_text()

    first.get_by_role("button", name="Take ownership").click()

    assert page.url.endswith("/?scope=all")
    assert page.get_by_role("status").inner_text() == "Owner: Maya Chen."
    assert Obstacle.objects.get(title=title).owner.username == "leader"
