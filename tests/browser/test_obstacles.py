"""Obstacles in a browser: a PM logs them, a leader acts on them, the log filters in place."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from obstacles.models import Obstacle

from .conftest import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo")


def test_pm_logs_a_dependency_on_the_platform_team(page, demo, sign_in, screenshot):
    sign_in(page, "pm", "headway")
    page.goto("/teams/checkout/")
    page.get_by_role("link", name="Log an obstacle").click()
    page.wait_for_url(re.compile(r"/obstacles/new/"))
    assert (
        page.get_by_label("Team", exact=True).locator("option:checked").inner_text() == "Checkout"
    )
    page.get_by_label("Title").fill("Refund API missing for split payments")
    page.get_by_label("Description").fill("Typed before choosing the kind")

    page.get_by_label("Kind").select_option("dependency")
    expect(page.get_by_label("Decide by")).to_have_count(0)
    blocking = page.get_by_label("Blocking team")
    assert page.get_by_label("Description").input_value() == "Typed before choosing the kind"
    blocking.select_option(label="Payments Platform")
    page.get_by_label("Severity").select_option(label="High")
    screenshot(page, "obstacle-new-dependency")
    assert_accessible(page)
    page.get_by_role("button", name="Log it").click()

    page.wait_for_url(re.compile(r"/teams/checkout/"))
    page.get_by_text("Obstacle logged.").wait_for()
    obstacle = Obstacle.objects.get(title="Refund API missing for split payments")
    assert obstacle.blocking_team.slug == "payments-platform"
    page.goto("/teams/payments-platform/")
    blocked = page.locator(".blocked-by-us")
    assert "Refund API missing for split payments" in blocked.inner_text()
    for team in ("Checkout", "Onboarding", "Mobile App", "Partner API"):
        assert blocked.get_by_role("heading", name=team).is_visible()
    screenshot(page, "team-payments-platform-blocked-by-us")
    assert_accessible(page)


def test_pm_logs_a_stakeholder_decision(phone_page, demo, sign_in, screenshot):
    page = phone_page
    sign_in(page, "pm", "headway")
    page.goto("/obstacles/new/")
    page.get_by_label("Title").fill("Sales wants the old checkout kept for one client")
    page.get_by_label("Kind").select_option("stakeholder")
    expect(page.get_by_label("Blocking team")).to_have_count(0)
    page.get_by_role("button", name="Log it").click()
    page.get_by_text("Say by when the decision is needed.").wait_for()
    assert page.get_by_label("Title").input_value() == (
        "Sales wants the old checkout kept for one client"
    )
    # A decision is due from today to a year ahead.
    decide_by = (timezone.localdate() + timedelta(days=30)).isoformat()
    page.get_by_label("Decide by").fill(decide_by)
    page.get_by_label("Help wanted from the leader").select_option("decision")
    screenshot(page, "obstacle-new-stakeholder-phone")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    page.get_by_role("button", name="Log it").click()

    page.get_by_role("heading", name="Sales wants the old checkout kept for one client").wait_for()
    assert (
        str(
            Obstacle.objects.get(
                kind="stakeholder", team__slug="checkout", title__startswith="Sales"
            ).decide_by
        )
        == decide_by
    )
    screenshot(page, "obstacle-stakeholder-phone")
    assert_no_horizontal_scroll(page)


def test_filtering_keeps_the_url_in_step_and_back_works(page, demo, sign_in, screenshot):
    sign_in(page, "leader", "headway")
    page.goto("/obstacles/")
    page.evaluate("window.notReloaded = true")
    results = page.locator("#results")
    assert (
        "Card payments from our largest agency partner" in results.locator("li").first.inner_text()
    )
    screenshot(page, "obstacle-log")
    assert_accessible(page)

    page.get_by_label("Blocked by").select_option(label="Payments Platform")
    page.wait_for_url(re.compile(r"blocking=payments-platform"))
    page.get_by_role("heading", name=re.compile(r"^4 obstacles$")).wait_for()
    page.get_by_label("Search").fill("refund webhook")
    page.wait_for_url(re.compile(r"q=refund\+webhook"))
    page.get_by_role("heading", name=re.compile(r"^1 obstacle$")).wait_for()
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "obstacle-log-filtered")

    page.go_back()
    page.wait_for_url(re.compile(r"blocking=payments-platform(?!.*q=refund)"))
    page.get_by_role("heading", name=re.compile(r"^4 obstacles$")).wait_for()
    page.go_back()
    page.get_by_role("heading", name=re.compile(r"^\d+ obstacles$")).wait_for()
    assert "blocking=" not in page.url

    page.goto("/obstacles/?blocking=payments-platform&q=refund+webhook")
    assert page.get_by_label("Search").input_value() == "refund webhook"
    assert page.locator("#results li").count() == 1


def test_leader_sets_one_in_progress_then_resolves_it(page, phone_page, demo, sign_in, screenshot):
    obstacle = Obstacle.objects.get(title__startswith="Invoice payouts")
    sign_in(page, "leader", "headway")
    page.goto(obstacle.get_absolute_url())
    page.evaluate("window.notReloaded = true")
    screenshot(page, "obstacle-page-leader")
    assert_accessible(page)

    page.get_by_label("New status").select_option("in_progress")
    page.get_by_role("button", name="Change the status").click()
    page.get_by_role("status").filter(has_text="Status changed to In progress.").wait_for()

    page.get_by_label("New status").select_option("resolved")
    page.get_by_role("button", name="Change the status").click()
    page.get_by_text("Say how it ended").first.wait_for()
    page.get_by_label("Resolution").fill(
        "The platform ships invoice payouts first, in three weeks."
    )
    page.get_by_role("button", name="Change the status").click()
    page.get_by_role("status").filter(has_text="Status changed to Resolved.").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert page.get_by_text("The platform ships invoice payouts first").first.is_visible()
    screenshot(page, "obstacle-page-resolved")
    assert_accessible(page)
    obstacle.refresh_from_db()
    assert obstacle.status == "resolved"
    page.get_by_role("link", name="Edit the details").click()
    page.get_by_label("Severity").select_option(label="Critical")
    screenshot(page, "obstacle-edit")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Obstacle saved.").wait_for()
    assert page.get_by_text("Critical severity").first.is_visible()

    sign_in(phone_page, "leader", "headway")
    phone_page.goto(obstacle.get_absolute_url())
    screenshot(phone_page, "obstacle-page-phone")
    assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)
    phone_page.goto("/obstacles/")
    screenshot(phone_page, "obstacle-log-phone")
    assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)
