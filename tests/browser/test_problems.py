"""The organization's problems in a browser: a leader sets the quarter's problems, a PM says
which one an objective serves, and the leader reads every team's objectives under them, in
English and in French, at desk and on a phone."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from objectives.models import Objective, Problem, Quarter

from .conftest import (
    DESKTOP,
    assert_accessible,
    assert_no_horizontal_scroll,
    sign_in_in_french,
)
from .test_i18n_journeys import assert_french_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THREE_PROBLEMS = [
    ("Paying is slow on phones", "Mobile buyers abandon twice as often as desktop ones."),
    ("Business customers leave before booking", "Half of new accounts never book."),
    ("Partners cannot rely on us", "Partner payouts are late one week in five."),
]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=StringIO())


def add_problem(page, title, why):
    page.get_by_role("link", name="Add a problem").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Why it matters").fill(why)
    page.get_by_role("button", name="Add problem").click()
    expect(page.get_by_text("Problem added")).to_be_visible()


def test_a_leader_sets_three_problems_and_sees_the_objectives_under_them(
    browser, live_server, page, demo, sign_in, screenshot
):
    quarter = Quarter.objects.current()
    sign_in(page, "leader", "headway")
    page.get_by_role("navigation", name="Dashboard view").get_by_role(
        "link", name="By problem"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The organization's problems")
    before = Problem.objects.in_quarter(quarter).count()

    page.get_by_role("link", name="Add a problem").click()
    page.get_by_role("button", name="Add problem").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    screenshot(page, "problem-form-refused")
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    for title, why in THREE_PROBLEMS:
        add_problem(page, title, why)
    assert Problem.objects.in_quarter(quarter).count() == before + 3

    # The PM of Checkout says which problem its first objective serves.
    objective = Objective.objects.filter(team__slug="checkout", quarter=quarter).first()
    pm_context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    pm_page = pm_context.new_page()
    pm_page.set_default_timeout(10_000)
    sign_in(pm_page, "pm", "headway")
    pm_page.goto("/teams/checkout/")
    card = pm_page.locator(f"#objective-{objective.pk}")
    card.get_by_role("link", name="Edit", exact=False).last.click()
    pm_page.get_by_label("Organization problem it serves").select_option(
        label="Paying is slow on phones"
    )
    pm_page.get_by_role("button", name="Save").click()
    expect(pm_page.locator(f"#objective-{objective.pk}")).to_contain_text(
        "Serves: Paying is slow on phones"
    )
    pm_context.close()

    page.reload()
    problem = page.locator(".problem", has_text="Paying is slow on phones")
    expect(problem.get_by_role("link", name=objective.title)).to_be_visible()
    expect(problem).to_contain_text("1 objective, 1 team")
    expect(problem.locator(".pace-legend").first).to_contain_text("expected")
    expect(page.locator(".problem-none")).to_be_visible()
    screenshot(page, "problems-leader")
    assert_accessible(page)

    problem.get_by_role("link", name="Paying is slow on phones", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paying is slow on phones")
    screenshot(page, "problem-leader")
    assert_accessible(page)


def test_the_problems_on_a_phone(phone_page, demo, sign_in, screenshot):
    quarter = Quarter.objects.current()
    leader = Objective.objects.filter(quarter=quarter).first().team.leader
    problem = Problem.objects.create(
        title=THREE_PROBLEMS[0][0],
        why_it_matters=THREE_PROBLEMS[0][1],
        owner=leader,
        first_quarter=quarter,
    )
    Objective.objects.filter(team__slug__in=["checkout", "payments-platform"]).filter(
        quarter=quarter, order=1
    ).update(serves=problem)

    sign_in(phone_page, "pm", "headway")
    phone_page.goto("/problems/")
    expect(phone_page.get_by_role("heading", level=2, name=problem.title)).to_be_visible()
    assert phone_page.get_by_role("link", name="Add a problem").count() == 0
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "problems-pm-phone")
    assert_accessible(phone_page)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_problems_read_in_french(french_page, live_server, screenshot, width):
    call_command("seed_demo", lang="fr", stdout=StringIO())
    quarter = Quarter.objects.current()
    objective = Objective.objects.filter(team__slug="checkout", quarter=quarter).first()
    problem = Problem.objects.create(
        title="Payer prend trop de temps sur mobile",
        why_it_matters="Sur mobile, les acheteurs abandonnent deux fois plus souvent.",
        owner=objective.team.leader,
        first_quarter=quarter,
    )
    objective.serves = problem
    objective.save()
    page = french_page(width)
    sign_in_in_french(page, "leader")

    page.goto("/problems/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les problèmes de l’organisation")
    assert_french_page(page, screenshot, f"leader-problems-{width}")
    page.goto(f"/problems/{problem.pk}/")
    assert_french_page(page, screenshot, f"leader-problem-{width}")
    page.goto("/problems/new/")
    assert_french_page(page, screenshot, f"leader-problem-form-{width}")
