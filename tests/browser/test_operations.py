"""What people see of operations: htmx under the strict CSP, the outage page, the sign-in pause."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError

from .conftest import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_CSP_VIOLATIONS = """
    window.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
        window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
    });
"""


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=None)


def test_htmx_works_under_the_content_security_policy(page, demo, sign_in):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    sign_in(page, "leader", "headway")

    # An htmx request and swap, as any data-hx-get on a page would make.
    page.evaluate("htmx.ajax('GET', '/', {target: 'main', select: 'main'})")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("window.cspViolations") == []
    assert not [text for text in console if "Content Security Policy" in text]
    assert page.get_by_role("heading", level=1).inner_text() == "Your teams"


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_an_outage_shows_a_friendly_page(request, viewport, demo, sign_in, screenshot):
    browser_page = request.getfixturevalue(viewport)
    sign_in(browser_page, "pm", "headway")

    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=OperationalError("connection refused"),
    ):
        response = browser_page.goto("/")

    assert response.status == 503
    assert browser_page.get_by_role("heading", level=1).inner_text() == (
        "Headway is briefly unavailable"
    )
    assert browser_page.get_by_role("link", name="Try again").is_visible()
    assert "connection refused" not in browser_page.content()
    assert_no_horizontal_scroll(browser_page)
    screenshot(browser_page, f"outage-{viewport}")
    assert_accessible(browser_page)


def test_password_guessing_pauses_sign_in_with_a_clear_message(
    page, demo, sign_in, screenshot, settings
):
    settings.SIGNIN_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(page, "pm", "guess")

    sign_in(page, "pm", "headway")

    alert = page.get_by_role("alert")
    assert "Too many failed sign-in attempts" in alert.inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in to Headway"
    screenshot(page, "sign-in-paused")
    assert_accessible(page)
