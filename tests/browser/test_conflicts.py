"""Two people change one thing at once, in real browsers: the second is told, shown the first
one's version next to their own input, and saves knowingly; in place (htmx) or as a page."""

import pytest
from django.core.management import call_command

from coaching.models import OneOnOne
from objectives.models import Objective, Quarter
from obstacles.models import Obstacle

from .conftest import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGE = "Not saved: someone else saved this while you were editing it."


@pytest.fixture
def demo(live_server):
    call_command("seed_demo")


def test_notes_typed_by_two_keep_both_texts(page, phone_page, demo, sign_in, screenshot):
    one_on_one = OneOnOne.objects.upcoming().get(pm__username="pm")
    sign_in(page, "leader", "headway")
    sign_in(phone_page, "pm", "headway")
    for each in (page, phone_page):
        each.goto(one_on_one.get_absolute_url())

    page.get_by_label("Shared notes").fill("Agreed: wallets first.")
    page.locator("#shared-notes-status.saved").wait_for()
    phone_page.get_by_label("Shared notes").fill("Agreed: cards first.")

    conflict = phone_page.get_by_role("alert").filter(has_text=MESSAGE)
    conflict.wait_for()
    assert "Agreed: wallets first." in conflict.inner_text()
    assert phone_page.get_by_label("Shared notes").input_value() == "Agreed: cards first."
    assert "Not saved" in phone_page.locator("#shared-notes-status").inner_text()
    screenshot(phone_page, "conflict-notes-phone")
    assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)

    # Typing on, knowing: the PM's merged text replaces the leader's, and the box goes.
    phone_page.get_by_label("Shared notes").fill("Agreed: wallets first, then cards.")
    phone_page.locator("#shared-notes-status.saved").wait_for()
    assert conflict.count() == 0
    one_on_one.refresh_from_db()
    assert one_on_one.shared_notes == "Agreed: wallets first, then cards."


def test_an_obstacle_changed_meanwhile_is_shown_in_place(page, phone_page, demo, sign_in):
    obstacle = Obstacle.objects.get(title__startswith="Finance wants manual fraud review")
    sign_in(page, "leader", "headway")
    sign_in(phone_page, "pm", "headway")
    for each in (page, phone_page):
        each.goto(obstacle.get_absolute_url())
        each.evaluate("window.notReloaded = true")

    page.get_by_label("New status").select_option("in_progress")
    page.get_by_role("button", name="Change the status").click()
    page.get_by_role("status").filter(has_text="Status changed to In progress.").wait_for()

    phone_page.get_by_label("New status").select_option("withdrawn")
    phone_page.get_by_label("Resolution").fill("Solved another way.")
    phone_page.get_by_role("button", name="Change the status").click()

    conflict = phone_page.get_by_role("alert").filter(has_text=MESSAGE)
    conflict.wait_for()
    assert "In progress" in conflict.inner_text()
    assert "changed the status" in conflict.inner_text()  # the timeline since
    assert phone_page.get_by_label("Resolution").input_value() == "Solved another way."
    assert phone_page.evaluate("window.notReloaded") is True  # answered in place
    assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_an_objective_saved_meanwhile(browser, live_server, demo, sign_in, screenshot, width):
    objective = Objective.objects.filter(
        team__slug="checkout", quarter=Quarter.objects.current()
    ).first()
    url = f"/teams/checkout/objectives/{objective.pk}/edit/"
    viewport = (
        {"width": 1280, "height": 900} if width == "desktop" else {"width": 390, "height": 844}
    )
    pages = []
    for username in ("leader", "pm"):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        pages.append(context.new_page())
        sign_in(pages[-1], username, "headway")
        pages[-1].goto(url)
    leader, pm = pages

    leader.get_by_label("Title").fill("Pay in one tap")
    leader.get_by_role("button", name="Save").click()
    leader.wait_for_url("**/teams/checkout/**")
    pm.get_by_label("Title").fill("Pay with a glance")
    pm.get_by_role("button", name="Save").click()

    conflict = pm.get_by_role("alert").filter(has_text=MESSAGE)
    conflict.wait_for()
    assert "Pay in one tap" in conflict.inner_text()
    assert pm.get_by_label("Title").input_value() == "Pay with a glance"
    screenshot(pm, f"conflict-objective-{width}")
    assert_no_horizontal_scroll(pm)
    assert_accessible(pm)

    pm.get_by_role("button", name="Save").click()
    pm.wait_for_url("**/teams/checkout/**")
    objective.refresh_from_db()
    assert objective.title == "Pay with a glance"
    for each in pages:
        each.context.close()
