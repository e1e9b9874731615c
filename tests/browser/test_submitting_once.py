"""A form is sent once: while its request runs, its button is disabled and a second click
sends nothing, for plain forms (static/js/submit-once.js) and htmx's (data-hx-disabled-elt).

The requests are held in the browser until the test lets them go, as a slow network would
hold them: the second click comes while the first is on its way.
"""

import pytest
from django.core.management import call_command

from coaching.models import OneOnOne
from obstacles.models import Obstacle

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo")


def hold_posts(page, path, htmx):
    """Keep the page's POST requests to `path` (made by htmx or not) waiting, and return
    them; other requests go through."""
    held = []

    def route(request_route):
        request = request_route.request
        by_htmx = "hx-request" in request.headers
        if request.method == "POST" and by_htmx == htmx:
            held.append(request_route)
        else:
            request_route.continue_()

    page.route(f"**{path}", route)
    return held


# A click, then another while the first one's request is on its way, clicked whether or not
# the button is disabled, as a person would; then whether it is disabled. In the page, not
# through Playwright's locators, which wait for the held request's page to arrive.
CLICK_TWICE = """async (selector) => {
    const button = document.querySelector(selector);
    const pause = () => new Promise((resolve) => setTimeout(resolve, 300));
    button.click();
    await pause();
    button.click();
    await pause();
    return button.disabled;
}"""


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_an_obstacle_sent_twice_while_on_its_way_is_logged_once(
    page, phone_page, demo, sign_in, screenshot, width
):
    page = page if width == "desktop" else phone_page
    sign_in(page, "pm", "headway")
    page.goto("/obstacles/new/")
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_label("Kind").select_option("customer")  # htmx shows that kind's fields
    page.get_by_label("Title").fill("A customer's invoices fail to export")
    held = hold_posts(page, "/obstacles/new/", htmx=False)

    disabled = page.evaluate(CLICK_TWICE, ".obstacle-form .actions button")

    assert len(held) == 1
    assert disabled
    with page.expect_navigation():
        held[0].continue_()
    page.get_by_role("status").filter(has_text="Obstacle logged.").wait_for()
    assert Obstacle.objects.filter(title="A customer's invoices fail to export").count() == 1
    screenshot(page, f"obstacle-logged-after-two-clicks-{width}")
    assert_accessible(page)


def test_a_talking_point_sent_twice_while_on_its_way_is_added_once(page, demo, sign_in):
    one_on_one = OneOnOne.objects.upcoming().get(pm__username="pm")
    sign_in(page, "pm", "headway")
    page.goto(one_on_one.get_absolute_url())
    page.get_by_label("Add a talking point").fill("Can we hire a second designer?")
    held = hold_posts(page, "/talking-points/", htmx=True)

    disabled = page.evaluate(CLICK_TWICE, "#talking-points form[action$='/talking-points/'] button")

    assert len(held) == 1
    assert disabled
    held[0].continue_()
    page.get_by_text("Can we hire a second designer?").wait_for()
    assert one_on_one.talking_points.filter(text="Can we hire a second designer?").count() == 1
    assert page.get_by_role("button", name="Add", exact=True).is_enabled()
