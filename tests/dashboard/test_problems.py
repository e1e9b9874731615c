"""The "by problem" view: each of the organization's problems with the teams and objectives
serving it, their combined progress against pace, and the obstacles threatening them.

The figures are checked against data computed by hand, on a fixed day: 2026-11-16, day 47
of the 92 of 2026-Q4, so 51.09 % of the quarter is expected done."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from objectives.models import FOCUSED_PROBLEMS, Objective, Pace
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    ObstacleFactory,
    ProblemFactory,
    QuarterFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PROBLEMS = reverse("problems")
EXPECTED = Decimal("0.5109")


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(datetime(2026, 11, 16, 10, tzinfo=ZoneInfo(settings.TIME_ZONE)))


@pytest.fixture
def q3():
    return QuarterFactory(label="2026-Q3")


@pytest.fixture
def q4(q3):
    return QuarterFactory(label="2026-Q4")


def objective_at(team, quarter, *progress, **fields):
    """An objective with one key result per (value, start, target), checked in at value."""
    objective = ObjectiveFactory(team=team, quarter=quarter, **fields)
    for value, start, target in progress:
        key_result = KeyResultFactory(objective=objective, start_value=start, target_value=target)
        CheckInFactory(key_result=key_result, value=value)
    return objective


@pytest.fixture
def story(q3, q4, team, other_team, leader, pm):
    """Two problems in 2026-Q4 and one that ended in Q3; five objectives, one dropped and one
    serving no problem; obstacles threatening them, one of them resolved."""
    search = TeamFactory(name="Search", slug="search", leader=leader)
    onboarding = TeamFactory(name="Onboarding", slug="onboarding")
    paying = ProblemFactory(title="Paying is slow", owner=leader, first_quarter=q4)
    leaving = ProblemFactory(title="Business customers leave", first_quarter=q3)
    ended = ProblemFactory(title="Old problem", first_quarter=q3, last_quarter=q3)
    # Paying is slow: (0.4 + 0.8) / 2 = 0.6 at Checkout, (90 - 100) / (50 - 100) = 0.2 at the
    # platform; the dropped one does not count. Together 0.4, 0.1109 behind: behind pace.
    wallets = objective_at(team, q4, (40, 0, 100), (8, 0, 10), serves=paying, title="Wallets")
    refunds = objective_at(other_team, q4, (90, 100, 50), serves=paying, title="Refunds")
    objective_at(team, q4, (100, 0, 100), serves=paying, status=Objective.Status.DROPPED)
    # Business customers leave: 0.6 at Onboarding, on pace.
    verify = objective_at(onboarding, q4, (60, 0, 100), serves=leaving, title="Verify")
    objective_at(team, q4, (10, 0, 100), title="Unaligned one")
    ObstacleFactory(
        team=team,
        created_by=pm,
        kind="dependency",
        blocking_team=other_team,
        threatened_objectives=[wallets],
    )
    ObstacleFactory(
        team=team,
        created_by=pm,
        kind="platform",
        blocking_team=other_team,
        threatened_objectives=[wallets],
    )
    ObstacleFactory(
        team=other_team,
        created_by=pm,
        kind="dependency",
        blocking_team=search,
        threatened_objectives=[refunds],
    )
    ObstacleFactory(
        team=other_team, created_by=pm, status="resolved", threatened_objectives=[refunds]
    )
    ObstacleFactory(team=onboarding, created_by=pm, threatened_objectives=[verify])
    return {"paying": paying, "leaving": leaving, "ended": ended, "q4": q4}


def test_each_problem_of_the_quarter_with_its_combined_progress_and_threats(
    client_for, outsider, story
):
    page = client_for(outsider).get(PROBLEMS, {"quarter": "2026-Q4"})

    rows = {row.title: row for row in page.context["rows"]}
    assert set(rows) == {"Paying is slow", "Business customers leave"}
    paying, leaving = rows["Paying is slow"], rows["Business customers leave"]
    assert (paying.objective_count, paying.team_count) == (2, 2)
    assert (paying.progress, paying.expected, paying.pace) == (
        Decimal("0.4000"),
        EXPECTED,
        Pace.AT_RISK,
    )
    assert paying.open_threat_count == 3
    assert paying.waits == [
        {"name": "Payments Platform", "slug": "payments-platform", "count": 2},
        {"name": "Search", "slug": "search", "count": 1},
    ]
    assert [o.title for o in paying.shown_objectives] == ["Refunds", "Wallets"]
    assert [o.open_threat_count for o in paying.shown_objectives] == [1, 2]
    assert (leaving.progress, leaving.pace, leaving.open_threat_count) == (
        Decimal("0.6000"),
        Pace.ON_TRACK,
        1,
    )
    assert leaving.waits == []
    assert page.context["alignment"] == {"total": 4, "aligned": 3}
    assert [o.title for o in page.context["unaligned"]] == ["Unaligned one"]


def test_the_page_shows_the_figures_and_links_to_the_rows_behind_them(client_for, outsider, story):
    page = client_for(outsider).get(PROBLEMS, {"quarter": "2026-Q4"}).text
    paying = story["paying"]
    assert "<strong>40%</strong> done together, 51% expected" in page
    assert "Behind pace" in page
    assert "Serving one of these problems: 3 of the 4 objectives of 2026-Q4." in page
    log = reverse("obstacles:log")
    assert f'{log}?problem={paying.pk}&amp;quarter=2026-Q4">3 open obstacles' in page
    assert f"{log}?problem={paying.pk}&amp;quarter=2026-Q4&amp;blocking=payments-platform" in page
    assert "Old problem" not in page
    assert "Unaligned one" in page


def test_the_log_lists_the_obstacles_behind_a_problems_threat_count(client_for, outsider, story):
    log = client_for(outsider).get(
        reverse("obstacles:log"), {"problem": story["paying"].pk, "quarter": "2026-Q4"}
    )
    assert log.context["page"].paginator.count == 3
    waiting = client_for(outsider).get(
        reverse("obstacles:log"),
        {"problem": story["paying"].pk, "quarter": "2026-Q4", "blocking": "payments-platform"},
    )
    assert waiting.context["page"].paginator.count == 2


def test_a_problem_page_lists_every_objective_serving_it_and_what_threatens_them(
    client_for, outsider, story
):
    page = client_for(outsider).get(
        reverse("problem", args=[story["paying"].pk]), {"quarter": "2026-Q4"}
    )
    assert [o.title for o in page.context["objectives"]] == ["Refunds", "Wallets"]
    assert page.context["threats"].total == 3
    assert page.context["in_quarter"] is True
    assert page.context["problem"].pace == Pace.AT_RISK
    assert page.context["problem"].open_threat_count == 3


def test_the_objectives_serving_no_problem_have_a_page_too(client_for, outsider, story):
    page = client_for(outsider).get(reverse("problem_none"), {"quarter": "2026-Q4"})
    assert [o.title for o in page.context["objectives"]] == ["Unaligned one"]
    assert page.context["problem"] is None


def test_a_problem_outside_the_quarter_says_so(client_for, outsider, story):
    page = client_for(outsider).get(
        reverse("problem", args=[story["ended"].pk]), {"quarter": "2026-Q4"}
    )
    assert "does not work on this problem in 2026-Q4" in page.text


def test_more_than_a_handful_of_problems_brings_a_warning(client_for, leader, team, q4):
    for _ in range(FOCUSED_PROBLEMS):
        ProblemFactory(owner=leader, first_quarter=q4)
    client = client_for(leader)
    assert "no longer focused" not in client.get(PROBLEMS).text
    ProblemFactory(owner=leader, first_quarter=q4)
    assert "2026-Q4 has 6 important problems" in client.get(PROBLEMS).text


@pytest.mark.parametrize("who", ["leader", "admin_user"])
def test_leaders_and_admins_are_offered_to_change_the_list(request, client_for, story, who):
    page = client_for(request.getfixturevalue(who)).get(PROBLEMS).text
    assert reverse("objectives:problem_create") in page
    assert reverse("objectives:problem_edit", args=[story["paying"].pk]) in page
    assert "By problem" in page


@pytest.mark.parametrize("who", ["pm", "outsider"])
def test_others_read_the_problems_and_are_offered_no_change(request, client_for, story, who):
    page = client_for(request.getfixturevalue(who)).get(PROBLEMS)
    assert page.status_code == 200
    assert "Paying is slow" in page.text
    assert reverse("objectives:problem_create") not in page.text
    assert reverse("objectives:problem_edit", args=[story["paying"].pk]) not in page.text
    assert "By problem" not in page.text


def test_anonymous_visitors_are_sent_to_sign_in(client, story):
    for path in (PROBLEMS, reverse("problem", args=[story["paying"].pk])):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_leader_dashboard_switches_to_the_problems(client_for, leader, team, q4):
    page = client_for(leader).get(reverse("home"), {"quarter": "2026-Q4"}).text
    assert f'href="{PROBLEMS}?quarter=2026-Q4"' in page


@pytest.mark.parametrize("scale", [1, 10])
def test_the_problem_pages_take_the_same_queries_at_any_size(
    client_for, django_assert_num_queries, leader, q4, scale
):
    pm = UserFactory()
    for n in range(scale):
        team = TeamFactory(leader=leader)
        blocking = TeamFactory()
        problem = ProblemFactory(owner=leader, first_quarter=q4)
        for _ in range(2):
            objective = objective_at(team, q4, (50, 0, 100), serves=problem)
            ObstacleFactory(
                team=team,
                created_by=pm,
                kind="dependency",
                blocking_team=blocking,
                threatened_objectives=[objective],
            )
        objective_at(team, q4, (5, 0, 100))
    client = client_for(leader)

    with django_assert_num_queries(11):
        page = client.get(PROBLEMS, {"quarter": "2026-Q4"})
    with django_assert_num_queries(10):
        detail = client.get(reverse("problem", args=[problem.pk]), {"quarter": "2026-Q4"})

    assert len(page.context["rows"]) == scale
    assert page.context["unaligned"].total == scale
    assert detail.context["threats"].total == 2
