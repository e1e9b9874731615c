"""The quarter review's final key-result values and its trends across quarters in a browser:
a leader reads the organization's, a PM their team's, at desk and on a phone, in English and
in French; a point of a chart leads to the obstacles behind it."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from objectives.models import Quarter

from .conftest import assert_accessible, assert_no_horizontal_scroll, sign_in_in_french
from .test_i18n_journeys import assert_french_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def french_demo(live_server):
    call_command("seed_demo", lang="fr", stdout=StringIO())


def past_quarter():
    return Quarter.objects.filter(end__lt=Quarter.objects.current().start).last()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_leader_reads_the_trends_and_follows_a_point_to_its_obstacles(
    page, phone_page, demo, sign_in, screenshot, width
):
    browser = page if width == "desktop" else phone_page
    past = past_quarter()
    sign_in(browser, "leader", "headway")
    browser.goto(f"/review/{past.label}/")

    final_values = browser.get_by_role("region", name="Objectives and their final key results")
    expect(final_values.get_by_role("table").first).to_be_visible()
    expect(final_values.get_by_text("Final score").first).to_be_visible()
    trends = browser.get_by_role("region", name="Trends over")
    for chart in [
        "Obstacles logged and removed per quarter, by kind",
        "Median and 90th-percentile time to remove an obstacle, per quarter",
        "The teams most waited on, per quarter",
    ]:
        expect(trends.get_by_role("group", name=chart)).to_be_visible()
    expect(trends.get_by_role("table", name="Time to remove, per quarter")).to_be_visible()
    trends.scroll_into_view_if_needed()
    assert_no_horizontal_scroll(browser)
    assert_accessible(browser)
    screenshot(browser, f"review-trends-{width}")

    times = trends.get_by_role("group", name="Median and 90th-percentile time to remove")
    point = times.get_by_role("link", name=f"{past.label}: median")
    point.click()
    log = f"/obstacles/?status=resolved&removed={past.label}&sort=oldest"
    expect(browser).to_have_url(re.compile(re.escape(log) + "$"))
    expect(browser.get_by_role("combobox", name="Removed in")).to_have_value(past.label)

    browser.go_back()
    browser.emulate_media(media="print")
    expect(trends.get_by_role("table", name="Obstacles logged, by kind")).to_be_visible()
    screenshot(browser, f"review-trends-print-{width}")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_pm_reads_their_teams_review_with_its_trends(
    page, phone_page, demo, sign_in, screenshot, width
):
    browser = page if width == "desktop" else phone_page
    past = past_quarter()
    sign_in(browser, "pm", "headway")
    browser.goto(f"/teams/checkout/?quarter={past.label}")
    browser.get_by_role("link", name=f"The team’s review of {past.label}").click()

    expect(browser.get_by_role("heading", level=1)).to_have_text(
        f"Checkout: review of {past.label}"
    )
    final_values = browser.get_by_role("region", name="Objectives and their final key results")
    expect(final_values.get_by_role("heading", level=3).first).to_be_visible()
    trends = browser.get_by_role("region", name="Trends over")
    expect(
        trends.get_by_role("table", name="Obstacles waiting on each team, per quarter")
    ).to_be_visible()
    assert_no_horizontal_scroll(browser)
    assert_accessible(browser)
    screenshot(browser, f"review-trends-team-{width}")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_trends_in_french(french_page, french_demo, screenshot, width):
    page = french_page(width)
    past = past_quarter()
    sign_in_in_french(page, "leader")
    page.goto(f"/review/{past.label}/")

    trends = page.get_by_role("region", name="Tendances sur")
    expect(
        trends.get_by_role("group", name="Les équipes les plus attendues, par trimestre")
    ).to_be_visible()
    expect(
        page.get_by_role("region", name="Les objectifs et la valeur finale de leurs résultats clés")
    ).to_be_visible()
    assert_french_page(page, screenshot, f"review-trends-{width}")
