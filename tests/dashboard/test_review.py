"""The quarter review: objectives by outcome, obstacles logged and removed by kind, the time
to remove them by kind and by the team waited on, the longest open, and how fast escalations
were answered; checked against figures computed by hand.

The story is 2026-Q3 (1 July to 30 September, Europe/Paris), reviewed on 15 October 2026.
Checkout waits three times on Payments Platform: removed after 2, 4 and 10 days (median 4
days; 90th percentile 4 + 0.8 × (10 - 4) = 8.8 days). An obstacle logged in Q2 is removed
in Q3 after 12 days. A customer escalation logged on 5 August at 10:00 is still open at the
quarter's end (56 days 14 hours), answered by the leader six hours after it was escalated.
"""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db.models import Count, F
from django.urls import reverse
from django.utils import translation

from dashboard import review
from dashboard.templatetags.dashboard_tags import span
from objectives.models import Membership, Objective, Team
from obstacles.models import Obstacle
from tests.factories import (
    MembershipFactory,
    ObjectiveFactory,
    ObstacleFactory,
    ProblemFactory,
    QuarterFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo(settings.TIME_ZONE)
REVIEW = reverse("review", args=["2026-Q3"])
EXPORT = reverse("review_export", args=["2026-Q3"])


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=PARIS)


@pytest.fixture
def q3():
    return QuarterFactory(label="2026-Q3")


@pytest.fixture
def q4():
    return QuarterFactory(label="2026-Q4")


def removed(time_machine, obstacle, on, by):
    time_machine.move_to(on)
    obstacle.resolve(by, "Done.")


@pytest.fixture
def story(time_machine, q3, q4, team, other_team, pm, leader):
    """The quarter told above, and its objectives: Checkout achieved one (0.9), missed one
    (0.4, carried over), both serving the problem "Paying is slow", and dropped one;
    Payments Platform achieved one (1.0) and has one not graded yet."""
    problem = ProblemFactory(title="Paying is slow", first_quarter=q3)
    ObjectiveFactory(
        team=team, quarter=q3, serves=problem, status="achieved", final_score=Decimal("0.9")
    )
    missed = ObjectiveFactory(
        team=team, quarter=q3, serves=problem, status="missed", final_score=Decimal("0.4")
    )
    ObjectiveFactory(team=team, quarter=q4, carried_from=missed)
    ObjectiveFactory(team=team, quarter=q3, status="dropped")
    ObjectiveFactory(team=other_team, quarter=q3, status="achieved", final_score=1)
    ObjectiveFactory(team=other_team, quarter=q3)

    waits = {"team": team, "created_by": pm, "kind": "dependency", "blocking_team": other_team}
    for logged_on, days in [(at(7, 1), 2), (at(7, 10), 4), (at(8, 1), 10)]:
        time_machine.move_to(logged_on)
        obstacle = ObstacleFactory(**waits, opened_at=logged_on)
        if days == 10:
            # Escalated by the PM the next day; nobody else acts on it before the PM
            # resolves it: an escalation never answered.
            time_machine.move_to(logged_on + timedelta(days=1))
            obstacle.escalate(pm)
        removed(time_machine, obstacle, logged_on + timedelta(days=days), pm)
    time_machine.move_to(at(6, 20))
    earlier = ObstacleFactory(team=team, created_by=pm, opened_at=at(6, 20))
    removed(time_machine, earlier, at(7, 2), leader)
    time_machine.move_to(at(8, 5))
    customer = ObstacleFactory(
        team=team, created_by=pm, kind="customer", is_urgent=True, opened_at=at(8, 5)
    )
    time_machine.move_to(at(8, 5, 16))
    customer.comment(leader, "I am calling their CTO today.")
    time_machine.move_to(at(10, 15))
    return customer


def test_objectives_by_outcome_per_team_with_their_mean_final_score(client_for, leader, story):
    outcomes = {
        row["team__slug"]: row for row in client_for(leader).get(REVIEW).context["outcomes"]
    }

    checkout = outcomes["checkout"]
    assert (checkout["total"], checkout["achieved"], checkout["missed"]) == (3, 1, 1)
    assert (checkout["dropped"], checkout["active"], checkout["carried_over"]) == (1, 0, 1)
    assert checkout["mean_score"] == Decimal("0.65")
    platform = outcomes["payments-platform"]
    assert (platform["total"], platform["achieved"], platform["active"]) == (2, 1, 1)
    assert platform["mean_score"] == Decimal("1")


def test_objectives_by_outcome_per_problem_then_those_serving_none(client_for, leader, story):
    problem, none = client_for(leader).get(REVIEW).context["by_problem"]

    assert problem["serves__title"] == "Paying is slow"
    assert (problem["total"], problem["achieved"], problem["missed"]) == (2, 1, 1)
    assert (problem["carried_over"], problem["mean_score"]) == (1, Decimal("0.65"))
    assert none["serves"] is None
    assert (none["total"], none["achieved"], none["dropped"], none["active"]) == (3, 1, 1, 1)
    assert none["mean_score"] == Decimal("1")


def test_obstacles_logged_and_removed_by_kind_with_median_and_90th_percentile(
    client_for, leader, story
):
    kinds = {row["kind"]: row for row in client_for(leader).get(REVIEW).context["kinds"]}

    assert (kinds["dependency"]["logged"], kinds["dependency"]["removed"]) == (3, 3)
    assert kinds["dependency"]["median"] == timedelta(days=4)
    assert kinds["dependency"]["p90"] == timedelta(days=8.8)
    # Logged in Q2, removed in Q3: counted as removed, not as logged.
    assert (kinds["other"]["logged"], kinds["other"]["removed"]) == (0, 1)
    assert kinds["other"]["median"] == kinds["other"]["p90"] == timedelta(days=12)
    assert (kinds["customer"]["logged"], kinds["customer"]["removed"]) == (1, 0)
    assert kinds["customer"]["median"] is None


def test_time_to_remove_by_the_team_waited_on(client_for, leader, story):
    [row] = client_for(leader).get(REVIEW).context["waited_on"]

    assert row["blocking_team__slug"] == "payments-platform"
    assert row["removed"] == 3
    assert (row["median"], row["p90"]) == (timedelta(days=4), timedelta(days=8.8))


def test_the_longest_open_are_measured_to_the_quarters_end(client_for, leader, story):
    longest = list(client_for(leader).get(REVIEW).context["longest"])

    assert longest[0] == story
    assert longest[0].open_for == at(10, 1, 0) - at(8, 5)
    assert longest[0].still_open
    assert [o.open_for for o in longest[1:]] == [timedelta(days=d) for d in (12, 10, 4, 2)]
    assert not any(o.still_open for o in longest[1:])


def test_the_longest_open_are_those_of_every_obstacle_ranked(
    client_for, leader, pm, team, q3, q4, time_machine
):
    """Twelve obstacles still standing at the quarter's end, two of them logged at the same
    moment where the list ends, and two removed in the quarter after being open longer than
    any of those: the review lists what ranking every obstacle in the way gives."""
    logged = [at(1, 10), at(5, 1)] + [at(6, day) for day in (1, 2, 3, 4, 5, 6, 7, 8, 8)]
    logged += [at(6, day) for day in (9, 10, 11)]
    obstacles = []
    for i, moment in enumerate(logged):
        time_machine.move_to(moment)
        obstacles.append(ObstacleFactory(team=team, created_by=pm, opened_at=moment))
        if i < 2:
            removed(time_machine, obstacles[-1], at(7, 15) if i == 0 else at(9, 29), leader)
    # Open before the quarter and removed in it, but shorter than any still standing.
    time_machine.move_to(at(6, 20))
    removed(time_machine, ObstacleFactory(team=team, created_by=pm), at(7, 2), leader)
    time_machine.move_to(at(10, 15))

    longest = client_for(leader).get(REVIEW).context["longest"]

    end = at(10, 1, 0)
    open_for = {o.pk: min(o.closed_at or end, end) - o.opened_at for o in Obstacle.objects.all()}
    ranked = sorted(open_for, key=lambda pk: (-open_for[pk], pk))[: review.LONGEST_SHOWN]
    assert [o.pk for o in longest] == ranked
    assert [o.open_for for o in longest] == [open_for[pk] for pk in ranked]
    assert longest[0].pk == obstacles[0].pk and not longest[0].still_open
    # Of the two logged at the same moment, the first logged ends the list.
    assert longest[-1].pk == obstacles[9].pk and obstacles[10].pk not in ranked


def test_escalations_and_how_fast_they_were_first_answered(client_for, leader, story):
    response = client_for(leader).get(REVIEW)

    figures = response.context["escalation"]
    assert (figures["count"], figures["answered"]) == (2, 1)
    assert figures["median"] == figures["p90"] == timedelta(hours=6)
    slowest = list(response.context["slowest"])
    assert slowest[0].time_to_answer is None
    assert slowest[1].obstacle == story


def fields(rows):
    """Rows as what a comparison needs: a model instance's own values and annotations."""
    return [
        {k: v for k, v in vars(row).items() if not k.startswith("_")} if hasattr(row, "pk") else row
        for row in rows
    ]


@pytest.mark.parametrize("scope_of", ["organization", "team", "leader"])
def test_the_compiled_queries_give_what_their_querysets_give(story, q3, team, leader, scope_of):
    """Each review.ScopedQuery, compiled once for the organization's review, a team's and
    a leader's (their teams an array argument), gives the rows of its queryset built for
    that review."""
    scope = {
        "organization": review.Scope(q3),
        "team": review.Scope(q3, team),
        "leader": review.Scope(q3, leader=leader),
    }[scope_of]
    until = scope.end(at(10, 15))
    queries = [
        (review.OUTCOMES_BY_TEAM, {}),
        (review.OUTCOMES_BY_PROBLEM, {}),
        (review.LONGEST, {"until": until}),
        (review.SLOWEST, {}),
        (review.OBJECTIVES_PAGE, {}),
        (review.KINDS_COUNTED, {}),
        (review.WAITED_ON_COUNTED, {}),
        (review.FINAL_VALUES, {"until": until}),
        (review.GRADES, {}),
    ]
    for query, more in queries:
        built = list(query.build(scope, **more))
        # Rows to compare (the story's objectives have no key results).
        assert built or query is review.FINAL_VALUES, query.build
        assert fields(query(scope, **more)) == fields(built), query.build
    assert review.escalation_figures(scope) == review.escalations(scope).aggregate(
        count=Count("pk"),
        answered=Count("answered_at"),
        **review.median_and_p90(F("time_to_answer")),
    )


def test_each_figure_links_to_the_rows_behind_it(client_for, leader, story):
    client = client_for(leader)
    page = client.get(REVIEW).content.decode()

    removed_link = (
        f"{reverse('obstacles:log')}?status=resolved&amp;kind=dependency&amp;removed=2026-Q3"
    )
    assert removed_link in page
    log = client.get(removed_link.replace("&amp;", "&"))
    assert log.context["page"].paginator.count == 3
    logged = client.get(f"{reverse('obstacles:log')}?status=all&kind=customer&logged=2026-Q3")
    assert [o.pk for o in logged.context["page"]] == [story.pk]
    assert (
        reverse("review", args=["2026-Q3"])
        in client.get(reverse("home") + "?quarter=2026-Q3").content.decode()
    )


def test_a_team_review_counts_only_that_teams_objectives_and_obstacles(client_for, leader, story):
    response = client_for(leader).get(REVIEW, {"team": "payments-platform"})

    assert [row["team__slug"] for row in response.context["outcomes"]] == ["payments-platform"]
    assert list(response.context["kinds"]) == []
    assert response.context["escalation"]["count"] == 0
    # The picker says which team this is, and offers the others and the whole organization.
    page = response.content.decode()
    assert '<option value="payments-platform" selected>' in page
    assert '<option value="checkout">' in page
    assert '<option value="">' in page


def test_the_figures_export_as_csv(client_for, leader, story):
    response = client_for(leader).get(reverse("review_export", args=["2026-Q3"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Section", "Row", "Measure", "Value"]
    assert [
        "Obstacles by kind",
        "Dependency on another team",
        "Median days to remove",
        "4.00",
    ] in rows
    assert ["Escalations", "", "Median days to answer", "0.25"] in rows
    assert ["Objectives", "Checkout", "Mean final score", "0.65"] in rows
    assert ["Objectives by problem", "Paying is slow", "Carried over", "1"] in rows
    assert ["Objectives by problem", "Serving no problem", "Objectives", "3"] in rows


@pytest.mark.parametrize("who", ["leader", "admin_user"])
def test_leaders_and_admins_read_the_organizations_review(request, client_for, team, q3, who):
    assert client_for(request.getfixturevalue(who)).get(REVIEW).status_code == 200


@pytest.mark.parametrize("who", ["pm", "tech_lead", "outsider"])
def test_pms_and_members_are_refused_the_organizations_review(request, client_for, q3, who):
    assert client_for(request.getfixturevalue(who)).get(REVIEW).status_code == 403
    assert (
        client_for(request.getfixturevalue(who))
        .get(reverse("review_export", args=["2026-Q3"]))
        .status_code
        == 403
    )


@pytest.mark.parametrize("who", ["pm", "tech_lead"])
def test_a_teams_own_people_read_its_review(request, client_for, q3, who):
    client = client_for(request.getfixturevalue(who))
    response = client.get(REVIEW, {"team": "checkout"})

    assert response.status_code == 200
    # Nothing offers them the organization's review they would be refused.
    assert "The whole organization" not in response.content.decode()


def test_another_teams_pm_is_refused_a_teams_review(client_for, team, outsider, q3):
    assert client_for(outsider).get(REVIEW, {"team": "checkout"}).status_code == 403


def test_an_unknown_quarter_or_team_is_not_found(client_for, leader, q3):
    client = client_for(leader)
    assert client.get(reverse("review", args=["1999-Q1"])).status_code == 404
    assert client.get(REVIEW, {"team": "nobody"}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, q3):
    assert client.get(REVIEW).status_code == 302


def grow(quarter, times):
    """`times` teams, each with graded objectives, a removed obstacle waiting on the next
    team, an open one and an answered escalation."""
    teams = [TeamFactory() for _ in range(times + 1)]
    for team, waited_on in pairwise(teams):
        pm = UserFactory()
        MembershipFactory(team=team, user=pm, role=Membership.Role.PRODUCT_MANAGER)
        ObjectiveFactory(team=team, quarter=quarter, status=Objective.Status.MISSED)
        done = ObstacleFactory(team=team, created_by=pm, kind="platform", blocking_team=waited_on)
        done.resolve(team.leader, "Done.")
        urgent = ObstacleFactory(team=team, created_by=pm, is_urgent=True)
        urgent.comment(team.leader, "On it.")
    return Obstacle.objects.count()


# The session and the user; is the viewer a leader; then the page's own: the quarters (the
# one reviewed among them), its sections in one round trip (review.sections: the teams of
# its picker, the obstacles' figures of the quarters of its trends, stored in
# QuarterObstacleFigures, the objectives by outcome by team and by problem, the longest
# open, the escalations' figures and the slowest), and two queries for the objectives with
# their final key-result values; the CSV needs no pickers and no lists, but the quarters
# for its trends, and reads its sections in one round trip (review.csv_sections: the
# page's but its picker and lists, and every objective with its final key-result values);
# and the leadership figures (test_review_leadership.py).
PAGE_QUERIES = 7 + 2
EXPORT_QUERIES = 4 + 3
# A team's review reads the team and the viewer's role in it, and shows no leadership
# figures; it reads the team's own obstacles' figures, stored, with its other sections as
# the organization's. Counts of its own, as constant.
TEAM_QUERIES = 7 + 3
TEAM_EXPORT_QUERIES = 4 + 3


@pytest.mark.parametrize("times", [1, 10])
def test_the_review_takes_as_many_queries_at_1x_as_at_10x(
    client_for, admin_user, time_machine, django_assert_num_queries, times
):
    time_machine.move_to(at(8, 1))
    quarter = QuarterFactory(label="2026-Q3")
    client = client_for(admin_user)
    assert grow(quarter, times) == 2 * times

    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(REVIEW).status_code == 200
    with django_assert_num_queries(EXPORT_QUERIES):
        assert client.get(reverse("review_export", args=[quarter.label])).status_code == 200
    # Any page of the organization's long tables, and one team's review and figures.
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(REVIEW, {"teams_page": 2, "waited_page": 2, "leaders_page": 2})
    team = Team.objects.order_by("pk").first()
    with django_assert_num_queries(TEAM_QUERIES):
        assert client.get(REVIEW, {"team": team.slug}).status_code == 200
    with django_assert_num_queries(TEAM_EXPORT_QUERIES):
        export = reverse("review_export", args=[quarter.label])
        assert client.get(export, {"team": team.slug}).status_code == 200


def test_the_organizations_teams_are_shown_a_page_at_a_time_and_exported_all_at_once(
    client_for, admin_user, time_machine
):
    time_machine.move_to(at(8, 1))
    quarter = QuarterFactory(label="2026-Q3")
    grow(quarter, review.TEAMS_PER_PAGE + 1)
    client = client_for(admin_user)

    first = client.get(REVIEW)
    second = client.get(REVIEW, {"teams_page": 2, "waited_page": 2})

    teams = [row["team__name"] for row in first.context["outcomes"]]
    teams += [row["team__name"] for row in second.context["outcomes"]]
    assert len(teams) == review.TEAMS_PER_PAGE + 1 == len(set(teams))
    assert teams == sorted(teams)
    waited_on = [row["blocking_team__name"] for row in first.context["waited_on"]]
    waited_on += [row["blocking_team__name"] for row in second.context["waited_on"]]
    assert len(waited_on) == review.TEAMS_PER_PAGE + 1 == len(set(waited_on))
    assert len(second.context["waited_on"]) == 1
    # Each page links to the other, keeping the other tables' pages.
    assert "?teams_page=2#outcomes" in first.content.decode()
    assert "?teams_page=1&amp;waited_page=2#outcomes" in second.content.decode()
    assert "?teams_page=2&amp;waited_page=1#waited-on" in second.content.decode()
    rows = list(csv.reader(io.StringIO(client.get(EXPORT).content.decode())))
    assert {row[1] for row in rows if row[0] == "Objectives"} == set(teams)
    assert {row[1] for row in rows if row[0] == "Removed, by team waited on"} == set(waited_on)


@pytest.mark.parametrize(
    ("duration", "english", "french"),
    [
        (timedelta(hours=6), "6 hours", "6 heures"),
        (timedelta(days=1), "1 day", "1 jour"),
        (timedelta(days=8.8), "8.8 days", "8,8 jours"),
        (timedelta(days=12), "12 days", "12 jours"),
    ],
)
def test_times_are_said_in_hours_under_a_day_else_in_days(duration, english, french):
    with translation.override("en"):
        assert span(duration) == english
    with translation.override("fr"):
        assert span(duration) == french


def test_a_teams_page_leads_its_own_people_to_its_review(client_for, pm, outsider, q3):
    team_page = reverse("team", args=["checkout"]) + "?quarter=2026-Q3"
    review = f"{REVIEW}?team=checkout"

    assert review in client_for(pm).get(team_page).content.decode()
    assert review not in client_for(outsider).get(team_page).content.decode()
