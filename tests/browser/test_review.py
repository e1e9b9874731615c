"""The quarter review in a browser: a leader opens it from the dashboard, reads the demo's
past quarter (closed by its teams, with its obstacles' history) at desk and on a phone, and
prints it."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from dashboard import review
from objectives.models import Quarter
from tests.factories import (
    PASSWORD,
    ObjectiveFactory,
    ObstacleFactory,
    QuarterFactory,
    TeamFactory,
    UserFactory,
)

from .conftest import assert_accessible, assert_no_horizontal_scroll, sign_in_in_french
from .test_i18n_journeys import assert_french_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def french_demo(live_server):
    call_command("seed_demo", lang="fr", stdout=StringIO())


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_leader_reads_the_review_of_the_past_quarter(
    page, phone_page, demo, sign_in, screenshot, width
):
    browser = page if width == "desktop" else phone_page
    current = Quarter.objects.current()
    past = Quarter.objects.filter(end__lt=current.start).order_by("-start").first()
    sign_in(browser, "leader", "headway")
    browser.get_by_role("navigation", name="Dashboard view").get_by_role(
        "link", name="Quarter review"
    ).click()
    expect(browser.get_by_role("heading", level=1)).to_have_text(
        f"The organization’s review of {current.label}"
    )
    browser.get_by_role("navigation", name="Quarters").get_by_role("link", name=past.label).click()

    expect(browser.get_by_role("heading", level=1)).to_have_text(
        f"The organization’s review of {past.label}"
    )
    for heading in ["Objectives by outcome", "Obstacles by kind", "Escalations"]:
        expect(browser.get_by_role("heading", name=heading)).to_be_visible()
    outcomes = browser.get_by_role("table").first
    expect(outcomes.get_by_role("link", name="Checkout")).to_be_visible()
    assert_no_horizontal_scroll(browser)
    assert_accessible(browser)
    screenshot(browser, f"review-{width}")

    # On paper: the controls go, every table keeps its column headings.
    browser.emulate_media(media="print")
    expect(browser.get_by_role("link", name="Download the figures (CSV)")).to_be_hidden()
    expect(browser.locator("thead").first).to_be_visible()
    screenshot(browser, f"review-print-{width}")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_leader_reads_the_review_in_french(french_page, french_demo, screenshot, width):
    page = french_page(width)
    past = Quarter.objects.filter(end__lt=Quarter.objects.current().start).last()
    sign_in_in_french(page, "leader")
    page.get_by_role("navigation", name="Vue du tableau de bord").get_by_role(
        "link", name="Bilan du trimestre"
    ).click()
    page.get_by_role("navigation", name="Trimestres").get_by_role("link", name=past.label).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Bilan de {past.label} pour l’organisation"
    )
    expect(page.get_by_role("heading", name="Obstacles par type")).to_be_visible()
    assert_french_page(page, screenshot, f"review-{width}")


@pytest.fixture
def large_organization(live_server):
    """One team more than a page of teams, each led by a leader of its own (five pages of
    leaders), with an objective this quarter and an obstacle that waited on the next team,
    removed; and an administrator. This quarter."""
    today = timezone.localdate()
    quarter = QuarterFactory(label=f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    teams = [TeamFactory() for _ in range(review.TEAMS_PER_PAGE + 1)]
    for team, waited_on in zip(teams, teams[1:] + teams[:1], strict=True):
        ObjectiveFactory(team=team, quarter=quarter)
        obstacle = ObstacleFactory(
            team=team, created_by=team.leader, kind="dependency", blocking_team=waited_on
        )
        obstacle.resolve(waited_on.leader, "Done.")
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    return quarter


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_an_admin_pages_through_the_organizations_teams_and_leaders(
    page, phone_page, large_organization, sign_in, screenshot, width
):
    browser = page if width == "desktop" else phone_page
    sign_in(browser, "boss", PASSWORD)
    browser.goto(f"/review/{large_organization.label}/")

    outcomes = browser.get_by_role("region", name="Objectives by outcome")
    teams = outcomes.get_by_role("navigation", name="Pages of teams")
    expect(teams).to_contain_text("Page 1 of 2")
    expect(outcomes.get_by_role("table").first.locator("tbody tr")).to_have_count(
        review.TEAMS_PER_PAGE
    )
    teams.get_by_role("link", name="Next page").click()
    expect(teams).to_contain_text("Page 2 of 2")
    expect(outcomes.get_by_role("table").first.locator("tbody tr")).to_have_count(1)

    leadership = browser.get_by_role("region", name="Leadership")
    leaders = leadership.get_by_role("navigation", name="Pages of leaders")
    expect(leaders).to_contain_text("Page 1 of 5")
    expect(leadership.locator("article")).to_have_count(review.LEADERS_PER_PAGE)
    leaders.get_by_role("link", name="Next page").click()
    # The other tables keep their page; the browser comes back to the leaders.
    expect(browser).to_have_url(re.compile(r"\?teams_page=2&leaders_page=2#leadership$"))
    expect(leaders).to_contain_text("Page 2 of 5")
    expect(outcomes.get_by_role("navigation", name="Pages of teams")).to_contain_text("Page 2 of 2")
    waited_on = browser.get_by_role("region", name="Time to remove, by the team waited on")
    expect(waited_on.get_by_role("navigation", name="Pages of teams waited on")).to_contain_text(
        "Page 1 of 2"
    )
    assert_no_horizontal_scroll(browser)
    assert_accessible(browser)
    screenshot(browser, f"review-pages-{width}")

    # On paper, the page's rows without the links to other pages.
    browser.emulate_media(media="print")
    expect(leaders).to_be_hidden()
    expect(teams).to_be_hidden()
    screenshot(browser, f"review-pages-print-{width}")
