"""A product manager makes an API token, copies it once, reads the API's reference, and
revokes the token: desktop and phone, checked with axe."""

import pytest

from api.models import AccessToken, hash_token
from tests.factories import PASSWORD

from .conftest import SCREENSHOTS, assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_pm_makes_reads_about_and_revokes_a_token(request, width, pm, sign_in, screenshot):
    page = request.getfixturevalue("page" if width == "desktop" else "phone_page")
    sign_in(page, "pm", PASSWORD)
    page.locator("summary", has_text="Sam Rivera").click()
    page.get_by_role("link", name="API tokens").click()
    assert_accessible(page)

    page.get_by_label("Name").fill("Nightly metrics")
    page.get_by_label("Read and write").check()
    page.get_by_label("Expires").select_option(label="In 30 days")
    page.get_by_role("button", name="Create token").click()

    shown = page.get_by_role("textbox", name="Token").input_value()
    assert hash_token(shown) == AccessToken.objects.get().key_hash
    screenshot(page, f"api-token-created-{width}")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.get_by_role("link", name="API reference and examples").click()
    page.get_by_role("heading", name="Headway API, version 1").wait_for()
    assert page.get_by_role("link", name="Record a check-in").is_visible() or width == "phone"
    screenshot(page, f"api-reference-{width}")
    page.get_by_role("heading", name="Objectives", exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"api-reference-objectives-{width}.png"))
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.go_back()
    page.reload()
    assert shown not in page.content()  # shown once
    page.get_by_role("button", name="Revoke Nightly metrics").click()
    page.get_by_role("status").filter(has_text="is revoked").wait_for()
    assert AccessToken.objects.get().is_revoked
    screenshot(page, f"api-token-revoked-{width}")
