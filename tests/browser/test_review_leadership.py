"""The quarter review's leadership figures in a browser: a leader reads them for the demo's
past quarter, opens their own review, follows a figure to the obstacles behind it, and prints
it; at desk and on a phone, in English and in French."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from objectives.models import Quarter

from .conftest import assert_accessible, assert_no_horizontal_scroll, sign_in_in_french
from .test_i18n_journeys import assert_french_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def past_quarter():
    earlier = Quarter.objects.filter(end__lt=Quarter.objects.current().start)
    return earlier.order_by("-start").first()


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def french_demo(live_server):
    call_command("seed_demo", lang="fr", stdout=StringIO())


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_leader_reads_their_leadership_in_the_review_and_follows_a_figure(
    page, phone_page, demo, sign_in, screenshot, width
):
    browser = page if width == "desktop" else phone_page
    past = past_quarter()
    leader = get_user_model().objects.get(username="leader")
    name = leader.get_full_name()
    sign_in(browser, "leader", "headway")
    browser.goto(f"/review/{past.label}/")

    leadership = browser.get_by_role("region", name="Leadership")
    expect(leadership.get_by_role("heading", name=name)).to_be_visible()
    leadership.get_by_role("link", name=name).click()
    expect(browser.get_by_role("heading", level=1)).to_have_text(
        f"Review of {past.label}: {name} and their teams"
    )
    leadership = browser.get_by_role("region", name="Leadership")
    expect(leadership.get_by_role("table").first).to_be_visible()
    assert_no_horizontal_scroll(browser)
    assert_accessible(browser)
    screenshot(browser, f"review-leader-{width}")

    # On paper: the pickers go, the leadership tables keep their headings.
    browser.emulate_media(media="print")
    expect(browser.get_by_label("Leader", exact=True)).to_be_hidden()
    expect(leadership.locator("thead").first).to_be_visible()
    screenshot(browser, f"review-leader-print-{width}")
    browser.emulate_media(media="screen")

    logged = leadership.get_by_role("row", name="Logged").get_by_role("link").first
    count = logged.inner_text()
    logged.click()
    expect(browser.locator("#results-heading")).to_have_text(
        f"{count} obstacle" if count == "1" else f"{count} obstacles"
    )
    expect(browser.get_by_label("Asked of the leader")).to_have_value("logged")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_leader_reads_the_leadership_figures_in_french(
    french_page, french_demo, screenshot, width
):
    page = french_page(width)
    past = past_quarter()
    name = get_user_model().objects.get(username="leader").get_full_name()
    sign_in_in_french(page, "leader")
    page.goto(f"/review/{past.label}/")
    page.get_by_role("region", name="Leadership").get_by_role("link", name=name).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Bilan de {past.label} : {name} et ses équipes"
    )
    first_action = page.get_by_role("table", name="Délai avant la première action du leader")
    expect(first_action).to_be_visible()
    # "1:1" is a name, not a sentence with a colon: no French space inside it.
    expect(page.get_by_role("heading", name="1:1 tenus, par product manager")).to_be_visible()
    assert "1\u00a0:1" not in page.content()
    assert_french_page(page, screenshot, f"review-leader-{width}")
