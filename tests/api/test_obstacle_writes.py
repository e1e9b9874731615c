"""Logging and changing obstacles through the API: the log's form and the obstacle's own
methods, so the same rules, the same timeline, and the same permission matrix."""

from datetime import date

import pytest

from obstacles.models import Obstacle
from tests.factories import (
    MembershipFactory,
    ObjectiveFactory,
    ObstacleFactory,
    QuarterFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter(time_machine):
    time_machine.move_to(date(2026, 11, 15))
    return QuarterFactory(label="2026-Q4")


NEW = {
    "team": "checkout",
    "title": "Waiting on the payments API",
    "kind": "dependency",
    "blocking_team": "payments-platform",
    "severity": "high",
}


@pytest.mark.parametrize("who", ["pm", "leader", "admin_user"])
def test_the_responsible_log_an_obstacle(request, api_as, team, other_team, quarter, who):
    user = request.getfixturevalue(who)
    objective = ObjectiveFactory(team=team, quarter=quarter)
    response = api_as(user).post(
        "/api/v1/obstacles", {**NEW, "threatened_objectives": [objective.pk]}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["blocking_team"]["slug"] == "payments-platform"
    assert body["severity"] == "high" and body["threatened_objectives"] == [objective.pk]
    assert [event["kind"] for event in body["timeline"]] == ["created"]
    obstacle = Obstacle.objects.get()
    assert (obstacle.created_by, obstacle.severity, obstacle.team) == (user, 3, team)


@pytest.mark.parametrize("who", ["tech_lead", "outsider"])
def test_others_may_not_log_for_the_team(request, api_as, team, other_team, who):
    response = api_as(request.getfixturevalue(who)).post("/api/v1/obstacles", NEW)
    assert response.status_code == 403
    assert not Obstacle.objects.exists()


def test_a_read_only_token_may_not_log(api_as, pm, team, other_team):
    assert api_as(pm, "read").post("/api/v1/obstacles", NEW).status_code == 403
    assert not Obstacle.objects.exists()


def test_the_kinds_rules_apply(api_as, pm, team, other_team):
    response = api_as(pm).post("/api/v1/obstacles", {**NEW, "blocking_team": None})
    assert response.status_code == 422
    assert response.json()["errors"] == {"blocking_team": ["Name the team this obstacle waits on."]}
    stakeholder = api_as(pm).post("/api/v1/obstacles", {**NEW, "kind": "stakeholder"})
    assert stakeholder.json()["errors"] == {"decide_by": ["Say by when the decision is needed."]}
    unknown = api_as(pm).post("/api/v1/obstacles", {**NEW, "blocking_team": "nobody"})
    assert list(unknown.json()["errors"]) == ["blocking_team"]
    assert not Obstacle.objects.exists()


def test_input_that_is_not_even_the_right_shape(api_as, pm, team):
    response = api_as(pm).post("/api/v1/obstacles", {"team": "checkout", "kind": "weather"})
    assert response.status_code == 422
    assert {"title", "kind"} <= set(response.json()["errors"])


def test_an_urgent_obstacle_escalates_as_on_the_page(api_as, pm, team, other_team):
    body = api_as(pm).post("/api/v1/obstacles", {**NEW, "is_urgent": True}).json()
    assert [event["kind"] for event in body["timeline"]] == ["created", "escalated"]


@pytest.fixture
def obstacle(pm, team):
    return ObstacleFactory(team=team, created_by=pm, title="Flaky search index")


def test_a_change_touches_only_what_is_sent(api_as, pm, obstacle):
    response = api_as(pm).patch(
        f"/api/v1/obstacles/{obstacle.pk}", {"version": obstacle.version, "severity": "critical"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["severity"]) == ("Flaky search index", "critical")
    assert body["timeline"][-1]["kind"] == "edited" and body["timeline"][-1]["text"] == "severity"
    assert body["version"] == obstacle.version + 1


def test_a_change_based_on_an_old_version_is_refused(api_as, pm, leader, obstacle):
    stale = obstacle.version
    api_as(leader).patch(f"/api/v1/obstacles/{obstacle.pk}", {"version": stale, "title": "Theirs"})
    response = api_as(pm).patch(
        f"/api/v1/obstacles/{obstacle.pk}", {"version": stale, "title": "Mine"}
    )
    assert response.status_code == 409
    assert response.json()["current"]["title"] == "Theirs"
    assert Obstacle.objects.get().title == "Theirs"


def test_marking_urgent_escalates(api_as, pm, obstacle):
    body = (
        api_as(pm)
        .patch(f"/api/v1/obstacles/{obstacle.pk}", {"version": obstacle.version, "is_urgent": True})
        .json()
    )
    assert body["is_urgent"] and body["timeline"][-1]["kind"] == "escalated"


@pytest.mark.parametrize("who", ["tech_lead", "outsider"])
def test_others_may_not_change_it(request, api_as, obstacle, who):
    client = api_as(request.getfixturevalue(who))
    path = f"/api/v1/obstacles/{obstacle.pk}"
    assert client.patch(path, {"version": obstacle.version, "title": "No"}).status_code == 403
    assert (
        client.post(
            f"{path}/status",
            {"version": obstacle.version, "status": "withdrawn", "resolution": "x"},
        ).status_code
        == 403
    )
    assert (
        client.put(f"{path}/owner", {"version": obstacle.version, "owner": None}).status_code == 403
    )
    assert Obstacle.objects.get().title == "Flaky search index"


def test_resolving_needs_a_resolution(api_as, pm, obstacle):
    path = f"/api/v1/obstacles/{obstacle.pk}/status"
    refused = api_as(pm).post(path, {"version": obstacle.version, "status": "resolved"})
    assert refused.status_code == 422
    assert refused.json()["errors"]["resolution"] == [
        "Say how it ended: what was done, or why it is accepted."
    ]
    done = api_as(pm).post(
        path, {"version": obstacle.version, "status": "resolved", "resolution": "Reindexed."}
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["resolution"]) == ("resolved", "Reindexed.")
    assert done.json()["closed_at"] is not None


def test_an_owner_is_given_and_taken_away(api_as, pm, leader, obstacle):
    path = f"/api/v1/obstacles/{obstacle.pk}/owner"
    body = api_as(pm).put(path, {"version": obstacle.version, "owner": leader.pk}).json()
    assert body["owner"]["username"] == "leader"
    stranger = UserFactory()
    refused = api_as(pm).put(path, {"version": body["version"], "owner": stranger.pk})
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["owner"]
    assert api_as(pm).put(path, {"version": body["version"], "owner": None}).json()["owner"] is None


def test_the_blocking_teams_people_may_comment(api_as, pm, team, other_team):
    obstacle = ObstacleFactory(team=team, created_by=pm, kind="platform", blocking_team=other_team)
    engineer = UserFactory()
    MembershipFactory(team=other_team, user=engineer, role="tech_lead")
    response = api_as(engineer).post(
        f"/api/v1/obstacles/{obstacle.pk}/comments", {"text": "On it."}
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "comment" and response.json()["actor"]["id"] == engineer.pk
    stranger = api_as(UserFactory()).post(
        f"/api/v1/obstacles/{obstacle.pk}/comments", {"text": "Hm"}
    )
    assert stranger.status_code == 403
    empty = api_as(pm).post(f"/api/v1/obstacles/{obstacle.pk}/comments", {"text": "  "})
    assert empty.status_code == 422
