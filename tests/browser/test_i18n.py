"""Headway in French, in a browser that asks for French: sign-in, the leader's dashboard and
a team page at desktop and phone widths, and the switcher back to English, remembered in
another browser. French runs longer than English: nothing may scroll sideways."""

import pytest
from django.core.management import call_command

from .conftest import (
    FRENCH_WIDTHS,
    SCREENSHOTS,
    assert_accessible,
    assert_no_horizontal_scroll,
    sign_in_in_french,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def french_demo(live_server):
    call_command("seed_demo", lang="fr")


@pytest.mark.parametrize("width", FRENCH_WIDTHS)
def test_sign_in_page_in_french(french_page, french_demo, screenshot, width):
    page = french_page(width)
    page.goto("/")

    assert page.get_by_role("heading", name="Se connecter à Headway").is_visible()
    assert page.locator("html").get_attribute("lang") == "fr"
    switcher = page.get_by_role("group", name="Langue")
    assert switcher.get_by_role("button", name="Français").get_attribute("aria-pressed") == "true"
    assert_no_horizontal_scroll(page)
    screenshot(page, f"i18n-sign-in-{width}")
    assert_accessible(page)


def test_an_anonymous_visitor_switches_the_sign_in_page_to_english(french_page, french_demo):
    page = french_page("phone")
    page.goto("/")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Sign in to Headway").is_visible()
    assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("width", FRENCH_WIDTHS)
def test_leaders_dashboard_in_french(french_page, french_demo, screenshot, width):
    page = french_page(width)
    sign_in_in_french(page, "leader")

    assert page.get_by_role("heading", level=1).inner_text() == "Vos équipes"
    assert page.get_by_role("link", name="Plateforme paiements").first.is_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, f"i18n-dashboard-{width}")
    page.locator(".team-rows").screenshot(path=SCREENSHOTS / f"i18n-dashboard-rows-{width}.png")
    assert_accessible(page)


@pytest.mark.parametrize("width", FRENCH_WIDTHS)
def test_team_page_in_french(french_page, french_demo, screenshot, width):
    page = french_page(width)
    sign_in_in_french(page, "pm")
    page.goto("/teams/checkout/")

    assert page.get_by_role("heading", level=1).inner_text().startswith("Paiement")
    assert page.get_by_role("heading", name="Moins de paiements en échec").is_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, f"i18n-team-{width}")
    page.locator(".page-header").screenshot(path=SCREENSHOTS / f"i18n-team-header-{width}.png")
    page.locator(".objective").first.screenshot(
        path=SCREENSHOTS / f"i18n-team-objective-{width}.png"
    )
    assert_accessible(page)


def test_the_user_menu_switches_to_english_and_another_browser_remembers(french_page, french_demo):
    page = french_page("phone")
    sign_in_in_french(page, "leader")
    page.locator(".user-menu summary").click()
    page.locator(".site-header").screenshot(path=SCREENSHOTS / "i18n-user-menu-phone.png")
    page.locator(".user-menu ul").screenshot(path=SCREENSHOTS / "i18n-user-menu-open-phone.png")
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", level=1).inner_text() == "Your teams"
    assert page.locator("html").get_attribute("lang") == "en"

    elsewhere = french_page("desktop")
    sign_in_in_french(elsewhere, "leader")
    assert elsewhere.get_by_role("heading", level=1).inner_text() == "Your teams"
