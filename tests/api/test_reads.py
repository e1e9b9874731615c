"""What the API reads: teams with their pace, quarters, objectives with their key results,
the obstacle log with its filters and pages, and learnings: everything a signed-in person
reads in Headway, and nothing of 1:1s."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    LearningFactory,
    ObjectiveFactory,
    ObstacleFactory,
    OneOnOneFactory,
    ProblemFactory,
    QuarterFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter(time_machine):
    # Day 46 of 92 of the quarter: half of it has elapsed.
    time_machine.move_to(date(2026, 11, 15))
    return QuarterFactory(label="2026-Q4")


@pytest.fixture
def key_result(team, quarter, pm):
    objective = ObjectiveFactory(team=team, quarter=quarter, title="Faster checkout", owner=pm)
    key_result = KeyResultFactory(
        objective=objective, description="Checkout time", start_value=60, target_value=20
    )
    CheckInFactory(key_result=key_result, value=40, confidence="at_risk", author=pm)
    return key_result


def test_teams_come_with_their_pace(api_as, outsider, team, key_result):
    response = api_as(outsider, "read").get("/api/v1/teams")
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 2 and page["next"] is None
    checkout = next(t for t in page["results"] if t["slug"] == "checkout")
    assert checkout["quarter"] == "2026-Q4"
    assert checkout["progress"] == 0.5
    assert checkout["expected"] == pytest.approx(46 / 92, abs=1e-4)
    assert checkout["pace"] == "on_track"
    assert checkout["latest_confidence"] == "at_risk"
    assert checkout["leader"]["name"] == "Maya Chen"
    assert checkout["url"].endswith("/teams/checkout/")


def test_a_team_in_another_quarter(api_as, outsider, team, key_result):
    QuarterFactory(label="2027-Q1")
    response = api_as(outsider, "read").get("/api/v1/teams/checkout", {"quarter": "2027-Q1"})
    assert response.json()["quarter"] == "2027-Q1"
    assert response.json()["progress"] is None
    assert api_as(outsider, "read").get("/api/v1/teams/checkout?quarter=1999-Q1").status_code == 404
    assert api_as(outsider, "read").get("/api/v1/teams/nowhere").status_code == 404


def test_quarters_mark_the_current_one(api_as, outsider, quarter):
    QuarterFactory(label="2027-Q1")
    response = api_as(outsider, "read").get("/api/v1/quarters")
    assert [(q["label"], q["is_current"]) for q in response.json()] == [
        ("2026-Q4", True),
        ("2027-Q1", False),
    ]


def test_objectives_come_with_key_results_and_progress(api_as, outsider, key_result):
    response = api_as(outsider, "read").get("/api/v1/teams/checkout/objectives")
    [objective] = response.json()["results"]
    assert objective["title"] == "Faster checkout"
    assert objective["owner"]["username"] == "pm"
    assert objective["progress"] == 0.5 and objective["pace"] == "on_track"
    [result] = objective["key_results"]
    assert result["id"] == key_result.pk
    assert (result["start_value"], result["target_value"], result["current_value"]) == (60, 20, 40)
    assert result["progress"] == 0.5 and result["latest_confidence"] == "at_risk"
    one = api_as(outsider, "read").get(f"/api/v1/objectives/{objective['id']}").json()
    assert one["key_results"] == objective["key_results"]


def test_an_objective_names_the_problem_it_serves_and_a_key_result_its_owner(
    api_as, outsider, tech_lead, leader, quarter, key_result
):
    problem = ProblemFactory(title="Checkout loses buyers", owner=leader, first_quarter=quarter)
    key_result.objective.serves = problem
    key_result.objective.save()
    key_result.owner = tech_lead
    key_result.save()

    [objective] = (
        api_as(outsider, "read").get("/api/v1/teams/checkout/objectives").json()["results"]
    )

    assert objective["serves"] == problem.pk
    assert objective["key_results"][0]["owner"]["username"] == "techlead"
    alone = api_as(outsider, "read").get(f"/api/v1/key-results/{key_result.pk}").json()
    assert alone["owner"]["id"] == tech_lead.pk


def test_an_objective_that_serves_no_problem_says_so(api_as, outsider, key_result):
    [objective] = (
        api_as(outsider, "read").get("/api/v1/teams/checkout/objectives").json()["results"]
    )
    assert objective["serves"] is None
    assert objective["key_results"][0]["owner"] is None


def test_a_key_results_check_ins_latest_first(api_as, outsider, pm, key_result, time_machine):
    time_machine.shift(timedelta(hours=1))
    CheckInFactory(key_result=key_result, value=30, author=pm, created_at=timezone.now())
    client = api_as(outsider, "read")
    assert client.get(f"/api/v1/key-results/{key_result.pk}").json()["current_value"] == 30
    check_ins = client.get(f"/api/v1/key-results/{key_result.pk}/check-ins").json()["results"]
    assert [c["value"] for c in check_ins] == [30, 40]
    assert check_ins[1]["author"]["name"] == "Sam Rivera"


def test_obstacles_take_the_logs_filters(api_as, outsider, pm, team, other_team):
    ObstacleFactory(
        team=team,
        created_by=pm,
        title="Waiting on payments",
        kind="dependency",
        blocking_team=other_team,
        is_urgent=True,
    )
    ObstacleFactory(team=team, created_by=pm, title="Flaky search index")
    ObstacleFactory(team=team, created_by=pm, title="Old fix", status="resolved")
    client = api_as(outsider, "read")

    def titles(**query):
        return [o["title"] for o in client.get("/api/v1/obstacles", query).json()["results"]]

    assert titles() == ["Waiting on payments", "Flaky search index"]
    assert titles(blocking="payments-platform") == ["Waiting on payments"]
    assert titles(urgency="no") == ["Flaky search index"]
    assert titles(status="resolved") == ["Old fix"]
    assert titles(q="payments") == ["Waiting on payments"]
    urgent = client.get("/api/v1/obstacles", {"urgency": "urgent"}).json()["results"][0]
    assert urgent["blocking_team"] == {"slug": "payments-platform", "name": "Payments Platform"}
    assert urgent["severity"] == "medium" and urgent["is_urgent"] is True


def test_a_filter_the_log_does_not_know_is_refused(api_as, outsider):
    response = api_as(outsider, "read").get("/api/v1/obstacles", {"kind": "weather"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["kind"]


def test_obstacles_come_in_pages(api_as, outsider, pm, team):
    for n in range(7):
        ObstacleFactory(team=team, created_by=pm, title=f"Obstacle {n}")
    client = api_as(outsider, "read")
    first = client.get("/api/v1/obstacles", {"page_size": 3, "sort": "oldest"}).json()
    assert (first["count"], first["page"], first["pages"]) == (7, 1, 3)
    assert [o["title"] for o in first["results"]] == ["Obstacle 0", "Obstacle 1", "Obstacle 2"]
    assert first["previous"] is None
    second = client.get(first["next"].removeprefix("http://testserver")).json()
    assert [o["title"] for o in second["results"]] == ["Obstacle 3", "Obstacle 4", "Obstacle 5"]
    assert "sort=oldest" in first["next"] and "page=2" in first["next"]


def test_an_obstacle_with_its_timeline(api_as, outsider, pm, team):
    obstacle = ObstacleFactory(team=team, created_by=pm, title="Waiting", is_urgent=True)
    body = api_as(outsider, "read").get(f"/api/v1/obstacles/{obstacle.pk}").json()
    assert [event["kind"] for event in body["timeline"]] == ["created", "escalated"]
    assert body["version"] == obstacle.version


def test_learnings_as_the_learnings_page_shows_them(api_as, outsider, team, other_team):
    LearningFactory(title="For everyone", source_team=other_team, for_everyone=True)
    shared = LearningFactory(title="For checkout", source_team=other_team)
    shared.teams.set([team, TeamFactory()])
    LearningFactory(title="Elsewhere", source_team=other_team).teams.set([TeamFactory()])
    client = api_as(outsider, "read")
    everything = client.get("/api/v1/learnings").json()
    assert everything["count"] == 3
    for_checkout = client.get("/api/v1/learnings", {"team": "checkout"}).json()
    assert for_checkout["count"] == 2
    assert {item["title"] for item in for_checkout["results"]} == {"For everyone", "For checkout"}


def test_nothing_of_one_on_ones_is_readable(api_as, leader, pm, team):
    OneOnOneFactory(team=team, leader=leader, pm=pm, shared_notes="Secret plan")
    client = api_as(leader, "read")
    schema = client.get("/api/v1/openapi.json").content.decode()
    assert "one_on_one" not in schema and "notes" not in schema
    for path in ("/api/v1/one-on-ones", "/api/v1/coaching"):
        assert client.get(path).status_code == 404


def grow(team, pm, quarter, n):
    """`n` more teams, objectives, key results with check-ins, obstacles and learnings."""
    for _ in range(n):
        other = TeamFactory()
        objective = ObjectiveFactory(team=team, quarter=quarter, owner=pm)
        for _ in range(2):
            CheckInFactory(key_result=KeyResultFactory(objective=objective), author=pm)
        obstacle = ObstacleFactory(team=team, created_by=pm, kind="dependency", blocking_team=other)
        obstacle.threatened_objectives.set([objective])
        LearningFactory(source_team=other).teams.set([team, other])


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/api/v1/teams", 2),
        ("/api/v1/teams/checkout/objectives", 5),
        ("/api/v1/obstacles", 2),
        ("/api/v1/learnings?team=checkout", 4),
    ],
)
def test_lists_cost_the_same_queries_at_any_size(
    api_as, outsider, pm, team, quarter, django_assert_num_queries, path, queries
):
    client = api_as(outsider, "read")
    grow(team, pm, quarter, 1)
    with django_assert_num_queries(2 + queries):  # 2: the token, and counting its use
        assert client.get(path).json()["count"] >= 1
    grow(team, pm, quarter, 10)
    with django_assert_num_queries(2 + queries):
        assert client.get(path).json()["count"] >= 10
