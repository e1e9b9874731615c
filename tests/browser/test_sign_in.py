import pytest
from django.core.management import call_command

from objectives.models import Team

from .conftest import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo")


@pytest.mark.parametrize(
    ("username", "expected_heading"),
    [("leader", "Your teams"), ("pm", "Your team"), ("admin", "All teams")],
)
def test_each_demo_role_signs_in_and_lands_home(
    page, demo, sign_in, screenshot, username, expected_heading
):
    sign_in(page, username, "headway")
    assert page.get_by_role("heading", level=1).inner_text() == expected_heading
    screenshot(page, f"home-{username}")
    assert_accessible(page)


def test_sign_in_page_on_a_phone(phone_page, demo, screenshot):
    phone_page.goto("/")
    assert phone_page.get_by_role("heading", name="Sign in to Headway").is_visible()
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "sign-in-phone")
    assert_accessible(phone_page)


def test_wrong_password_says_so(page, demo, sign_in):
    sign_in(page, "pm", "wrong")
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Username").input_value() == "pm"


def test_skip_link_moves_focus_to_main(page, demo, sign_in):
    sign_in(page, "leader", "headway")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_admin_adds_a_team(page, demo, sign_in, screenshot):
    sign_in(page, "admin", "headway")
    page.goto("/admin/objectives/team/add/")
    page.get_by_label("Name:").press_sequentially("Data Platform")
    assert page.get_by_label("Slug:").input_value() == "data-platform"
    page.locator(".field-leader .select2-selection").click()
    page.locator(".select2-search__field").fill("leader")
    page.locator(".select2-results__option", has_text="leader").first.click()
    page.get_by_label("Platform team").check()
    screenshot(page, "admin-add-team")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("was added successfully").is_visible()
    team = Team.objects.get(slug="data-platform")
    assert team.is_platform
    assert team.leader.username == "leader"
