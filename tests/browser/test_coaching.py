from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from coaching.models import Learning, OneOnOne

from .conftest import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo")


def coming_one_on_one(pm="pm"):
    return OneOnOne.objects.upcoming().get(pm__username=pm)


def test_pm_prepares_the_next_one_on_one(page, demo, sign_in, screenshot):
    sign_in(page, "pm", "headway")
    page.goto("/coaching/next/")
    assert page.get_by_role("heading", name="Agenda").is_visible()
    page.get_by_label("Add a talking point").fill("Who decides on the refund policy?")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("Who decides on the refund policy?").wait_for()
    assert coming_one_on_one().talking_points.filter(text__startswith="Who decides").exists()
    assert page.get_by_role("link", name="Log an obstacle").is_visible()
    assert "private" not in page.content().lower()
    screenshot(page, "one-on-one-pm-prepares")
    assert_accessible(page)


def test_leader_runs_the_one_on_one(page, demo, sign_in, screenshot):
    one_on_one = coming_one_on_one()
    sign_in(page, "leader", "headway")
    page.goto(one_on_one.get_absolute_url())
    # The urgent escalation logged since last week is already on the agenda.
    agenda = page.locator(".agenda-list").first
    assert agenda.get_by_role(
        "link", name="Card payments from our largest agency partner"
    ).is_visible()

    page.get_by_role("button", name="Mark discussed").first.click()
    page.get_by_role("button", name="Discussed").first.wait_for()

    page.get_by_label("Shared notes").fill("Agreed: **wallets first** on mobile.")
    page.locator("#shared-notes-status.saved").wait_for()
    page.get_by_label("Your private notes").fill("Sam handles the escalation well.")
    page.locator("#private-notes-status.saved").wait_for()
    page.reload()
    assert page.get_by_label("Shared notes").input_value() == "Agreed: **wallets first** on mobile."

    page.get_by_text("Add an action item").click()
    page.get_by_label("Action").fill("Talk to Finance about fraud review")
    page.get_by_label("Due").fill((timezone.localdate() + timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Add the action item").click()
    page.get_by_text("Talk to Finance about fraud review").wait_for()
    screenshot(page, "one-on-one-leader-runs")
    assert_accessible(page)

    page.get_by_role("link", name="Share a learning").click()
    page.get_by_label("Title").fill("Wallets first works on mobile")
    page.get_by_label("What we learned").fill("Abandonment fell by a third.")
    page.get_by_label("Growth").check()
    page.get_by_role("button", name="Share it").click()
    page.wait_for_load_state()
    learning = Learning.objects.get(title="Wallets first works on mobile")
    assert learning.one_on_one == one_on_one
    page.goto("/teams/growth/")
    assert page.get_by_text("Wallets first works on mobile").is_visible()


def test_one_on_one_on_a_phone(phone_page, demo, sign_in, screenshot):
    sign_in(phone_page, "leader", "headway")
    phone_page.goto(coming_one_on_one().get_absolute_url())
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "one-on-one-phone")
    phone_page.goto("/coaching/")
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "one-on-ones-phone")
    assert_accessible(phone_page)


def test_help_queue_and_learnings(page, demo, sign_in, screenshot):
    sign_in(page, "leader", "headway")
    page.goto("/coaching/actions/")
    assert page.get_by_text("Overdue").first.is_visible()
    screenshot(page, "help-queue")
    assert_accessible(page)
    page.goto("/coaching/learnings/?q=platform")
    assert page.get_by_text("Ask the platform team early, with a date").is_visible()
    screenshot(page, "learnings-search")
    assert_accessible(page)


def test_a_failed_save_says_so_and_keeps_the_text(page, demo, sign_in):
    one_on_one = coming_one_on_one()
    sign_in(page, "pm", "headway")
    page.goto(one_on_one.get_absolute_url())
    page.route("**/notes/shared/", lambda route: route.abort())
    page.get_by_label("Shared notes").fill("Text typed while the network is down")
    page.locator("#shared-notes-status.failed").wait_for()
    assert "Not saved" in page.locator("#shared-notes-status").inner_text()
    assert page.get_by_label("Shared notes").input_value() == "Text typed while the network is down"
    one_on_one.refresh_from_db()
    assert one_on_one.shared_notes != "Text typed while the network is down"


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_leader_starts_a_series_with_a_pm(width, page, phone_page, demo, sign_in, screenshot):
    page = page if width == "desktop" else phone_page
    sign_in(page, "leader2", "headway")
    page.goto("/coaching/")
    screenshot(page, f"one-on-ones-leader2-{width}")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.get_by_role("button", name="Schedule a 1:1 with Nadia Haddad").click()
    page.get_by_role("heading", name="1:1: Tomás Becker and Nadia Haddad").wait_for()
    one_on_one = OneOnOne.objects.upcoming().get(leader__username="leader2", pm__username="nadia")
    assert page.url.endswith(one_on_one.get_absolute_url())
    page.get_by_label("Add a talking point").fill("How do you see the app's next quarter?")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("How do you see the app's next quarter?").wait_for()

    page.goto("/coaching/next/")
    assert page.get_by_role("link", name="Tomás Becker and Nadia Haddad").is_visible()
    assert page.get_by_role("button", name="Schedule a 1:1 with Mark Sullivan").is_visible()
    screenshot(page, f"one-on-one-next-leader2-{width}")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_talking_point_not_discussed_carries_over(
    width, page, phone_page, demo, sign_in, screenshot
):
    page = page if width == "desktop" else phone_page
    one_on_one = coming_one_on_one()
    sign_in(page, "leader", "headway")
    page.goto(one_on_one.get_absolute_url())
    points = page.locator("#talking-points")
    points.get_by_role("button", name="Mark discussed").first.click()
    points.get_by_role("button", name="Discussed", exact=True).wait_for()
    page.get_by_role("button", name="Record as held and schedule the next").click()
    page.get_by_text("talking points not discussed carry over").wait_for()

    following = coming_one_on_one()
    assert following != one_on_one
    page.goto(following.get_absolute_url())
    carried = page.locator("#talking-points li", has_text="carried over")
    assert carried.count() == 1
    assert "How is the team coping with the escalation?" in carried.inner_text()
    screenshot(page, f"one-on-one-carried-over-{width}")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_an_admin_moves_a_series_to_another_team_without_seeing_it(page, demo, sign_in, screenshot):
    """Search & Discovery's series was kept under the wrong team: asked to, the admin moves it."""
    series = OneOnOne.objects.filter(pm__username="priya")
    count = series.count()  # this quarter's and the two before
    private = set(series.values_list("private_notes", flat=True)) - {""}
    sign_in(page, "admin", "headway")
    page.goto("/admin/coaching/oneonone/?q=Priya")
    page.locator("input[name=_selected_action]").first.check()
    page.get_by_label("Action:").select_option(
        label="Move the series of the selected 1:1 to another team"
    )
    page.get_by_role("button", name="Run").click()
    page.get_by_role("heading", name="Move a 1:1 series to another team").wait_for()
    assert page.get_by_text(
        f"Maya Chen and Priya Raman (Search & Discovery): {count} 1:1s"
    ).is_visible()
    page.get_by_label("Team:").select_option(label="Onboarding")
    screenshot(page, "admin-move-series")
    assert_accessible(page)
    content = page.content()
    assert private and not any(note in content for note in private)

    page.get_by_role("button", name="Move the series").click()
    page.get_by_text(f"{count} 1:1s moved.").wait_for()
    assert series.filter(team__slug="onboarding").count() == count
