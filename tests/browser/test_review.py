"""The quarter review in a browser: a leader opens it from the dashboard, reads the demo's
past quarter (closed by its teams, with its obstacles' history) at desk and on a phone, and
prints it."""

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


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_leader_reads_the_review_of_the_past_quarter(
    page, phone_page, demo, sign_in, screenshot, width
):
    browser = page if width == "desktop" else phone_page
    current = Quarter.objects.current()
    past = Quarter.objects.filter(end__lt=current.start).order_by("-start").first()
    sign_in(browser, "leader", "headway")
    browser.get_by_role("navigation", name="Dashboard view").get_by_role(
        "link", name="Quarter review"
    ).click()
    expect(browser.get_by_role("heading", level=1)).to_have_text(
        f"The organization’s review of {current.label}"
    )
    browser.get_by_role("navigation", name="Quarters").get_by_role("link", name=past.label).click()

    expect(browser.get_by_role("heading", level=1)).to_have_text(
        f"The organization’s review of {past.label}"
    )
    for heading in ["Objectives by outcome", "Obstacles by kind", "Escalations"]:
        expect(browser.get_by_role("heading", name=heading)).to_be_visible()
    outcomes = browser.get_by_role("table").first
    expect(outcomes.get_by_role("link", name="Checkout")).to_be_visible()
    assert_no_horizontal_scroll(browser)
    assert_accessible(browser)
    screenshot(browser, f"review-{width}")

    # On paper: the controls go, every table keeps its column headings.
    browser.emulate_media(media="print")
    expect(browser.get_by_role("link", name="Download the figures (CSV)")).to_be_hidden()
    expect(browser.locator("thead").first).to_be_visible()
    screenshot(browser, f"review-print-{width}")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_leader_reads_the_review_in_french(french_page, french_demo, screenshot, width):
    page = french_page(width)
    past = Quarter.objects.filter(end__lt=Quarter.objects.current().start).last()
    sign_in_in_french(page, "leader")
    page.get_by_role("navigation", name="Vue du tableau de bord").get_by_role(
        "link", name="Bilan du trimestre"
    ).click()
    page.get_by_role("navigation", name="Trimestres").get_by_role("link", name=past.label).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Bilan de {past.label} pour l’organisation"
    )
    expect(page.get_by_role("heading", name="Obstacles par type")).to_be_visible()
    assert_french_page(page, screenshot, f"review-{width}")
