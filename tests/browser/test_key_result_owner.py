"""A key result's own owner in a browser: the tech lead finds the key result they own on their
home and checks in on it, in English at desk and in French on a phone."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from objectives.models import CheckIn, KeyResult, Membership, Quarter

from .conftest import assert_accessible, assert_no_horizontal_scroll, sign_in_in_french
from .test_i18n_journeys import assert_french_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def give_to_the_tech_lead(slug="checkout"):
    """Checkout's first numeric key result of the quarter, now owned by its tech lead."""
    tech_lead = Membership.objects.get(team__slug=slug, role="tech_lead").user
    key_result = (
        KeyResult.objects.filter(
            objective__team__slug=slug, objective__quarter=Quarter.objects.current()
        )
        .exclude(unit="milestone")
        .order_by("objective__order", "order")
        .first()
    )
    key_result.owner = tech_lead
    key_result.save()
    return tech_lead, key_result


def test_the_owner_checks_in_from_their_home(page, live_server, sign_in, screenshot):
    call_command("seed_demo", stdout=StringIO())
    tech_lead, key_result = give_to_the_tech_lead()

    sign_in(page, tech_lead.username, "headway")
    owned = page.get_by_role("region", name="Key results you own")
    expect(owned.get_by_role("link", name=key_result.description, exact=True)).to_be_visible()
    screenshot(page, "key-result-owner-home")
    assert_accessible(page)

    owned.get_by_role("link", name=f"Check in: {key_result.description}").click()
    page.get_by_label("Value").fill(str(key_result.target_value))
    page.get_by_label("On track").check()
    page.get_by_role("button", name="Save check-in").click()

    expect(page.get_by_text("Check-in saved.")).to_be_visible()
    assert CheckIn.objects.filter(key_result=key_result).latest("created_at").author == tech_lead
    row = page.locator(f"#key-result-{key_result.pk}")
    expect(row).to_contain_text(f"Owner: {tech_lead.get_full_name()}")
    # Only the key result they own offers them a check-in.
    assert page.get_by_role("link", name=re.compile(r"^Check in: ")).count() == 1
    screenshot(page, "key-result-owner-team-page")
    assert_accessible(page)


def test_the_owner_reads_their_home_in_french_on_a_phone(french_page, live_server, screenshot):
    call_command("seed_demo", lang="fr", stdout=StringIO())
    tech_lead, key_result = give_to_the_tech_lead()
    page = french_page("phone")
    sign_in_in_french(page, tech_lead.username)

    owned = page.get_by_role("region", name="Les résultats clés dont vous êtes responsable")
    expect(owned.get_by_role("link", name=key_result.description, exact=True)).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_french_page(page, screenshot, "key-result-owner-home-phone")
