"""Single sign-on in a browser, through the test provider's own sign-in page, and the pages of
leaving and moving, at desktop and phone widths."""

import pytest

from tests.conftest import use_provider
from tests.factories import MembershipFactory, OneOnOneFactory, TeamFactory, UserFactory

from .conftest import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(oidc_provider, live_server, settings):
    use_provider(settings, oidc_provider, f"{live_server.url}/accounts/sso/callback/")
    return oidc_provider


def through_the_provider(page, sub):
    """Press "Sign in with Acme ID", and sign in as `sub` on the provider's page."""
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Acme ID").click()
    page.get_by_label("Subject").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_load_state()


def test_a_new_person_of_an_allowed_domain_signs_in_and_lands_on_their_home(
    page, provider, screenshot, current_quarter
):
    provider.set_user(
        "browser-0001", email="nora@acme.example", email_verified=True, name="Nora Diaz"
    )
    page.goto("/accounts/login/")
    screenshot(page, "sso-sign-in")
    assert_accessible(page)

    through_the_provider(page, "browser-0001")

    screenshot(page, "sso-new-person-home")
    assert page.url.endswith("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your team"
    assert page.get_by_text("You are not in a team yet.").is_visible()
    assert page.get_by_text("Nora Diaz").is_visible()
    assert_accessible(page)


def test_a_pm_linked_by_address_lands_on_their_teams_home_and_signs_out_of_both(
    page, provider, screenshot, current_quarter
):
    team = TeamFactory(name="Checkout", slug="checkout")
    sam = UserFactory(
        username="sam", email="sam@acme.example", first_name="Sam", last_name="Rivera"
    )
    MembershipFactory(team=team, user=sam)
    provider.set_user("browser-0002", email="sam@acme.example", email_verified=True)

    through_the_provider(page, "browser-0002")
    assert page.get_by_role("heading", name="Checkout").first.is_visible()

    screenshot(page, "sso-pm-home")
    page.get_by_text("Sam Rivera", exact=True).click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    # The provider's own sign-out page, then back to Headway's sign-in.
    page.get_by_role("button").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Sign in to Headway").is_visible()


def test_an_unverified_address_gets_a_clear_page_on_a_phone(phone_page, provider, screenshot):
    provider.set_user("browser-0003", email="sam@acme.example", email_verified=False)
    UserFactory(username="sam", email="sam@acme.example")

    through_the_provider(phone_page, "browser-0003")

    heading = phone_page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Your e-mail address is not verified"
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "sso-refused-phone")
    assert_accessible(phone_page)


def test_sso_only_folds_the_password_away_for_administrators(page, provider, settings, screenshot):
    settings.SSO_ONLY = True
    page.goto("/accounts/login/")

    assert not page.get_by_label("Password").is_visible()
    page.get_by_text("Administrators: sign in with a password").click()
    assert page.get_by_label("Password").is_visible()
    screenshot(page, "sso-only-sign-in")
    assert_accessible(page)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_leader_hands_over_a_leaving_pms_work(
    page, phone_page, live_server, sign_in, screenshot, current_quarter, width
):
    from tests.factories import (
        PASSWORD,
        ActionItemFactory,
        KeyResultFactory,
        ObjectiveFactory,
        ObstacleFactory,
    )

    browser = page if width == "desktop" else phone_page
    leader = UserFactory(username="maya", first_name="Maya", last_name="Chen")
    team = TeamFactory(name="Checkout", slug="checkout", leader=leader)
    pm = UserFactory(username="sam", first_name="Sam", last_name="Rivera")
    MembershipFactory(team=team, user=pm)
    nadia = UserFactory(username="nadia", first_name="Nadia", last_name="Okafor")
    MembershipFactory(team=team, user=nadia)
    ObstacleFactory(team=team, created_by=pm, owner=pm, title="Waiting on legal review")
    objective = ObjectiveFactory(team=team, quarter=current_quarter, title="Grow checkout")
    KeyResultFactory(objective=objective, owner=pm, description="Orders a week")
    meeting = OneOnOneFactory(team=team, leader=leader, pm=pm)
    ActionItemFactory(one_on_one=meeting, owner=pm, text="Send the pricing spec")

    sign_in(browser, "maya", PASSWORD)
    browser.goto(f"/people/{pm.pk}/")
    assert browser.get_by_text("Send the pricing spec").is_visible()
    if width == "phone":
        assert_no_horizontal_scroll(browser)
    screenshot(browser, f"handover-{width}")
    assert_accessible(browser)

    browser.get_by_label("New owner of these obstacles").select_option(label="Nadia Okafor")
    browser.get_by_label("Who checks in on these key results now").select_option(
        label="Nadia Okafor"
    )
    browser.get_by_label("Who takes their place in these 1:1s").select_option(label="Nadia Okafor")
    browser.get_by_role("button", name="Hand over").click()
    browser.wait_for_load_state()
    assert browser.get_by_text("3 things handed over.").is_visible()
    browser.get_by_role("button", name="Deactivate Sam Rivera").click()
    browser.wait_for_load_state()
    assert browser.get_by_text("Sam Rivera is deactivated and signed out").is_visible()
    screenshot(browser, f"handover-done-{width}")
    assert_accessible(browser)
