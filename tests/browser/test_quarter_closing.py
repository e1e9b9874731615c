"""Closing a quarter in a browser: a PM closes the quarter that has just ended in one
sitting, at desk and on a phone, in English and in French; its unfinished objective shows up
in the next quarter with its links; a leader reopens it, saying why."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from objectives.models import Membership, Objective, Quarter
from tests.factories import (
    PASSWORD,
    CheckInFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    ObstacleFactory,
    QuarterFactory,
    TeamFactory,
    UserFactory,
)

from .conftest import assert_accessible, assert_no_horizontal_scroll, sign_in_in_french
from .test_i18n_journeys import assert_french_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


ENGLISH = {
    "shipped": "Ship one-tap pay",
    "one_tap": "Buyers on one-tap",
    "halfway": "Halve checkout time",
    "slow": "Checkout time (s)",
    "obstacle": "Waiting on the fraud team",
}
FRENCH = {
    "shipped": "Livrer le paiement en un geste",
    "one_tap": "Acheteurs en un geste",
    "halfway": "Diviser par deux la durée du paiement",
    "slow": "Durée du paiement (s)",
    "obstacle": "En attente de l’équipe anti-fraude",
}


def closing_story(names):
    """The quarter that has just ended, with the current one after it (a team may close the
    ended one whatever day the tests run): one objective done, one halfway, threatened by
    an open obstacle."""
    current = Quarter.for_day(timezone.localdate())
    last = Quarter.for_day(current.start - timedelta(days=1))
    QuarterFactory(label=current.label, start=current.start, end=current.end)
    ended = QuarterFactory(label=last.label, start=last.start, end=last.end)
    leader = UserFactory(username="maya", first_name="Maya", last_name="Chen")
    team = TeamFactory(name="Checkout", slug="checkout", leader=leader, mission="")
    pm = UserFactory(username="sam", first_name="Sam", last_name="Rivera")
    MembershipFactory(team=team, user=pm, role=Membership.Role.PRODUCT_MANAGER)
    shipped = ObjectiveFactory(
        team=team, quarter=ended, owner=pm, title=names["shipped"], problem=""
    )
    done = KeyResultFactory(objective=shipped, description=names["one_tap"], target_value=10)
    CheckInFactory(key_result=done, value=10, author=pm, created_at=last_day(ended))
    halfway = ObjectiveFactory(
        team=team, quarter=ended, owner=pm, title=names["halfway"], problem=""
    )
    slow = KeyResultFactory(
        objective=halfway, description=names["slow"], start_value=60, target_value=20
    )
    CheckInFactory(key_result=slow, value=40, author=pm, created_at=last_day(ended))
    obstacle = ObstacleFactory(
        team=team, created_by=pm, title=names["obstacle"], description=names["obstacle"]
    )
    obstacle.threatened_objectives.add(halfway)
    return ended


@pytest.fixture
def ended():
    return closing_story(ENGLISH)


@pytest.fixture
def ended_in_french():
    return closing_story(FRENCH)


def last_day(quarter):
    return timezone.make_aware(datetime.combine(quarter.end, time(12)))


def grade(page, title, outcome, score, retrospective, carry=None):
    card = page.get_by_role("group", name=title)
    card.get_by_label(outcome, exact=True).check()
    card.locator("input[name$='final_score']").fill(score)
    card.locator("textarea[name$='retrospective']").fill(retrospective)
    if carry is not None:
        box = card.locator("input[name$='carry_over']")
        box.check() if carry else box.uncheck()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_pm_closes_the_ended_quarter_in_one_sitting(
    page, phone_page, sign_in, screenshot, ended, width
):
    browser = page if width == "desktop" else phone_page
    sign_in(browser, "sam", PASSWORD)
    browser.goto(f"/teams/checkout/?quarter={ended.label}")
    expect(browser.get_by_text(f"Time to close {ended.label} for the team")).to_be_visible()
    browser.get_by_role("link", name=f"Close {ended.label}").click()

    # A retrospective left out: refused, nothing lost.
    grade(browser, "Ship one-tap pay", "Achieved", "1", "Shipped in week 9.")
    browser.get_by_role("button", name=f"Close {ended.label}").click()
    expect(browser.get_by_text("Some grades need another look")).to_be_visible()
    expect(browser.get_by_role("group", name="Ship one-tap pay").locator("textarea")).to_have_value(
        "Shipped in week 9."
    )
    if width == "phone":
        assert_no_horizontal_scroll(browser)
    screenshot(browser, f"quarter-close-refused-{width}")
    assert_accessible(browser)

    grade(
        browser, "Halve checkout time", "Missed", "0.5", "Fraud checks took six weeks.", carry=True
    )
    browser.get_by_role("button", name=f"Close {ended.label}").click()
    expect(
        browser.get_by_text(f"{ended.label} is closed; 1 objective carried over")
    ).to_be_visible()
    expect(browser.get_by_text("Fraud checks took six weeks.")).to_be_visible()
    screenshot(browser, f"quarter-closed-{width}")
    assert_accessible(browser)

    carried = Objective.objects.exclude(quarter=ended).get(title="Halve checkout time")
    browser.goto(carried.get_absolute_url())
    card = browser.locator(f"#objective-{carried.pk}")
    expect(card.get_by_text(f"Carried over from {ended.label}")).to_be_visible()
    expect(card.get_by_text("Waiting on the fraud team")).to_be_visible()
    expect(card.get_by_text("40 of 20 (from 40)")).to_be_visible()


def test_a_leader_reopens_a_closed_quarter_saying_why(page, sign_in, screenshot, ended):
    sign_in(page, "sam", PASSWORD)
    page.goto(f"/teams/checkout/quarters/{ended.label}/close/")
    grade(page, "Ship one-tap pay", "Achieved", "1", "Shipped in week 9.")
    grade(page, "Halve checkout time", "Dropped", "0.3", "Fraud came first.", carry=False)
    page.get_by_role("button", name=f"Close {ended.label}").click()
    expect(page.get_by_text(f"{ended.label} is closed.")).to_be_visible()
    page.context.clear_cookies()  # signed out

    sign_in(page, "maya", PASSWORD)
    page.goto(f"/teams/checkout/quarters/{ended.label}/close/")
    page.get_by_label("Why reopen it?").fill("The fraud figures came in late.")
    page.get_by_role("button", name="Reopen").click()
    expect(page.get_by_text(f"{ended.label} is open again for Checkout.")).to_be_visible()
    expect(page.get_by_text("The fraud figures came in late.")).to_be_visible()
    screenshot(page, "quarter-reopened")
    assert_accessible(page)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_pm_closes_the_quarter_in_french(french_page, screenshot, ended_in_french, width):
    ended = ended_in_french
    page = french_page(width)
    sign_in_in_french(page, "sam", PASSWORD)
    page.goto(f"/teams/checkout/?quarter={ended.label}")
    page.get_by_role("link", name=f"Clore {ended.label}").click()
    assert_french_page(page, screenshot, f"quarter-close-{width}")

    grade(page, FRENCH["shipped"], "Atteint", "1", "Livré en semaine 9.")
    grade(page, FRENCH["halfway"], "Manqué", "0,5", "Six semaines de contrôles anti-fraude.")
    page.get_by_role("button", name=f"Clore {ended.label}").click()
    expect(page.locator(".messages")).to_contain_text(f"{ended.label} est clos")
    assert_french_page(page, screenshot, f"quarter-closed-{width}")
