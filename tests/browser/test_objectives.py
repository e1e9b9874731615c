"""The team page in a browser: a PM's weekly check-ins, a leader's view across quarters."""

import re

import pytest
from django.core.management import call_command

from objectives.models import CheckIn, KeyResult, Quarter

from .conftest import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo")


def first_key_result(slug):
    return (
        KeyResult.objects.filter(
            objective__team__slug=slug,
            objective__quarter=Quarter.objects.current(),
            unit=KeyResult.Unit.NUMBER,
        )
        .order_by("objective__order", "order")
        .first()
    )


def test_pm_records_a_check_in_inline_and_sees_progress_move(page, demo, sign_in, screenshot):
    sign_in(page, "pm", "headway")
    page.goto("/teams/checkout/")
    screenshot(page, "team-checkout-pm")
    assert_accessible(page)
    key_result = first_key_result("checkout")
    row = page.locator(f"#key-result-{key_result.pk}")
    progress = page.locator(f"#objective-{key_result.objective.pk}-progress .pace-legend strong")
    before = progress.inner_text()
    page.evaluate("window.notReloaded = true")

    row.get_by_role("link", name="Check in").click()
    form = row.locator("form")
    form.get_by_label("Value").fill(str(key_result.target_value))
    form.get_by_label("At risk").check()
    form.get_by_label("Comment").fill("Wallets went live in Spain")
    screenshot(page, "team-checkout-check-in-open")
    assert_accessible(page)
    form.get_by_role("button", name="Save check-in").click()

    page.get_by_role("status").filter(has_text="Check-in saved.").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert progress.inner_text() != before
    assert "100%" in row.inner_text()
    assert CheckIn.objects.filter(comment="Wallets went live in Spain").exists()
    row.get_by_text(re.compile(r"History: \d+ check-ins")).click()
    assert row.get_by_text("Wallets went live in Spain").is_visible()
    screenshot(page, "team-checkout-check-in-saved")


def test_bad_input_inline_is_shown_next_to_the_field(page, demo, sign_in):
    sign_in(page, "pm", "headway")
    page.goto("/teams/checkout/")
    key_result = first_key_result("checkout")
    row = page.locator(f"#key-result-{key_result.pk}")
    row.get_by_role("link", name="Check in").click()
    row.get_by_label("Date").fill("2001-01-01")
    row.get_by_role("button", name="Save check-in").click()
    row.get_by_text("pick a day between").wait_for()
    assert row.get_by_label("Date").input_value() == "2001-01-01"
    assert_accessible(page)
    row.get_by_role("link", name="Cancel").click()
    row.locator("form").wait_for(state="detached")


def test_leader_switches_quarters(page, demo, sign_in, screenshot):
    sign_in(page, "leader", "headway")
    page.goto("/teams/onboarding/")
    current = Quarter.objects.current()
    previous = Quarter.objects.filter(end__lt=current.start).latest("start")
    assert page.get_by_text("Far behind pace").first.is_visible()
    screenshot(page, "team-onboarding-leader")

    page.get_by_role("navigation", name="Quarters").get_by_role("link", name=previous.label).click()
    page.wait_for_url(f"**?quarter={previous.label}")

    assert page.get_by_role("heading", name=f"Objectives for {previous.label}").is_visible()
    assert page.get_by_text("has ended").is_visible()
    assert page.get_by_role("link", name="Check in").count() == 0
    assert page.get_by_text(f"Carried into {current.label}").is_visible()
    screenshot(page, "team-onboarding-previous-quarter")
    assert_accessible(page)


def test_team_page_on_a_phone(phone_page, demo, sign_in, screenshot):
    sign_in(phone_page, "pm", "headway")
    phone_page.goto("/teams/checkout/")
    assert_no_horizontal_scroll(phone_page)
    key_result = first_key_result("checkout")
    phone_page.locator(f"#key-result-{key_result.pk}").get_by_role("link", name="Check in").click()
    phone_page.locator(f"#key-result-{key_result.pk} form").wait_for()
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "team-checkout-phone")
    assert_accessible(phone_page)


def test_teams_list_on_desktop_and_phone(page, phone_page, demo, sign_in, screenshot):
    for name, tab in (("desktop", page), ("phone", phone_page)):
        sign_in(tab, "leader", "headway")
        tab.goto("/teams/")
        assert tab.get_by_role("link", name="Onboarding").is_visible()
        screenshot(tab, f"teams-{name}")
        assert_accessible(tab)
    assert_no_horizontal_scroll(phone_page)


def test_check_in_page_and_forms_without_htmx(page, demo, sign_in, screenshot):
    sign_in(page, "pm", "headway")
    key_result = first_key_result("checkout")
    page.goto(f"/teams/checkout/key-results/{key_result.pk}/check-in/")
    page.get_by_label("Value").fill("not a number")
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_text("Enter a number.").wait_for()
    assert page.get_by_label("Value").input_value() == "not a number"
    screenshot(page, "check-in-page-error")
    assert_accessible(page)
    page.goto(f"/teams/checkout/key-results/{key_result.pk}/")
    screenshot(page, "key-result-page")
    assert_accessible(page)
    page.goto(f"/teams/checkout/objectives/{key_result.objective.pk}/edit/")
    assert_accessible(page)
    page.goto(f"/teams/checkout/objectives/{key_result.objective.pk}/key-results/new/")
    assert_accessible(page)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_pm_confirms_an_unlikely_value_then_corrects_it(
    width, page, phone_page, demo, sign_in, screenshot
):
    """Sam types 900 recovered payments, meant 90: Headway asks, he confirms, then corrects."""
    page = page if width == "desktop" else phone_page
    key_result = KeyResult.objects.get(
        description="Recovered failed payments per week",
        objective__quarter=Quarter.objects.current(),
    )
    sign_in(page, "pm", "headway")
    page.goto(key_result.objective.team_page_url(f"key-result-{key_result.pk}"))
    row = page.locator(f"#key-result-{key_result.pk}")
    row.get_by_role("link", name="Check in").click()
    row.get_by_label("Value").fill("900")
    row.get_by_role("button", name="Save check-in").click()
    row.get_by_text("far beyond this key result's start").wait_for()
    screenshot(page, f"check-in-confirm-{width}")
    assert_accessible(page)
    row.get_by_label("Yes, this value is right").check()
    row.get_by_role("button", name="Save check-in").click()
    page.get_by_role("status").filter(has_text="Check-in saved.").wait_for()
    saved = CheckIn.objects.get(key_result=key_result, value=900)

    page.goto(key_result.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Correct the check-in of")).first.click()
    page.get_by_label("Value").fill("90")
    page.get_by_role("button", name="Save the correction").click()
    page.get_by_text("Check-in corrected.").wait_for()
    corrections = page.locator("section", has=page.get_by_role("heading", name="Corrections"))
    assert "Sam Rivera corrected the check-in of" in corrections.inner_text()
    assert "900 → 90" in corrections.inner_text()
    saved.refresh_from_db()
    assert saved.value == 90
    screenshot(page, f"check-in-corrected-{width}")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def objective_order(page):
    """The objectives' ids, top to bottom, as the team page lists them."""
    return page.locator(".objective-list > li").evaluate_all("items => items.map(i => i.id)")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_pm_moves_an_objective_down_then_up(page, phone_page, demo, sign_in, screenshot, width):
    page = page if width == "desktop" else phone_page
    sign_in(page, "pm", "headway")
    page.goto("/teams/checkout/")
    first, second, *rest = objective_order(page)
    title = page.locator(f"#{first} h3").inner_text()

    page.get_by_role("button", name=f"Move down: {title}").click()
    page.wait_for_load_state()

    assert page.url.endswith(f"#{first}")
    assert objective_order(page) == [second, first, *rest]
    screenshot(page, f"team-checkout-objective-moved-{width}")
    assert_accessible(page)

    page.get_by_role("button", name=f"Move up: {title}").click()
    page.wait_for_load_state()

    assert objective_order(page) == [first, second, *rest]
