"""The obstacle page: its timeline, and each action allowed or refused per role, in place
with htmx or as plain forms."""

import pytest
from django.urls import reverse

from headway.models import Email
from objectives.models import Membership
from tests.factories import (
    MembershipFactory,
    ObjectiveFactory,
    ObstacleFactory,
    TeamFactory,
    UserFactory,
)
from tests.queue import jobs

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def obstacle(team, pm, other_team):
    return ObstacleFactory(team=team, created_by=pm, kind="dependency", blocking_team=other_team)


@pytest.fixture
def blocking_member(other_team):
    user = UserFactory(username="platform_engineer")
    MembershipFactory(team=other_team, user=user, role=Membership.Role.TECH_LEAD)
    return user


def url(name, obstacle):
    return reverse(f"obstacles:{name}", args=[obstacle.pk])


def test_everyone_signed_in_reads_it_with_its_timeline(client_for, outsider, obstacle):
    response = client_for(outsider).get(obstacle.get_absolute_url())
    assert response.status_code == 200
    assert "Sam Rivera</strong> logged it" in response.content.decode()
    assert not response.context["can_change"]


def test_a_missing_obstacle_is_404(client_for, pm):
    assert client_for(pm).get("/obstacles/999/").status_code == 404


def test_leader_sets_in_progress_in_place(client_for, leader, obstacle):
    response = client_for(leader).post(
        url("status", obstacle), {"status": "in_progress", "version": 1}, headers=HTMX
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="obstacle"')
    assert "Status changed to In progress." in content
    obstacle.refresh_from_db()
    assert obstacle.status == "in_progress"


def test_resolving_without_a_resolution_is_explained_next_to_the_field(client_for, pm, obstacle):
    response = client_for(pm).post(url("status", obstacle), {"status": "resolved", "version": 1})
    assert response.status_code == 422
    assert "resolution" in response.context["status_form"].errors
    obstacle.refresh_from_db()
    assert obstacle.status == "open"


def test_a_plain_form_post_redirects_back(client_for, pm, obstacle):
    response = client_for(pm).post(
        url("status", obstacle), {"status": "resolved", "resolution": "Shipped.", "version": 1}
    )
    assert response.status_code == 302
    assert response["Location"] == obstacle.get_absolute_url()


def test_a_stale_status_change_shows_what_changed(client_for, pm, leader, obstacle):
    obstacle.comment(leader, "I talked to their leader.")

    response = client_for(pm).post(
        url("status", obstacle), {"status": "withdrawn", "resolution": "Gone.", "version": 1}
    )

    assert response.status_code == 409
    assert [e.kind for e in response.context["changes"]] == ["comment"]
    assert response.context["status_form"]["resolution"].value() == "Gone."
    assert response.context["status_form"]["version"].value() == 2
    obstacle.refresh_from_db()
    assert obstacle.status == "open"


def test_take_ownership_and_set_an_owner(client_for, leader, pm, obstacle):
    client = client_for(leader)
    client.post(url("owner", obstacle), {"take": "1", "version": 1}, headers=HTMX)
    obstacle.refresh_from_db()
    assert obstacle.owner == leader

    client.post(url("owner", obstacle), {"owner": pm.pk, "version": obstacle.version})
    obstacle.refresh_from_db()
    assert obstacle.owner == pm


def test_an_owner_from_outside_the_team_is_refused(client_for, pm, outsider, obstacle):
    response = client_for(pm).post(url("owner", obstacle), {"owner": outsider.pk, "version": 1})
    assert "owner" in response.context["owner_form"].errors
    obstacle.refresh_from_db()
    assert obstacle.owner is None


def test_marking_urgent_from_the_page_escalates(client_for, pm, obstacle):
    client_for(pm).post(url("urgency", obstacle), {"is_urgent": "on", "version": 1}, headers=HTMX)
    obstacle.refresh_from_db()
    assert obstacle.is_urgent
    [email] = Email.objects.filter(kind="escalation", recipient=obstacle.team.leader)
    assert {"email_id": email.pk} in [job["args"] for job in jobs(task_name="headway.send_email")]


@pytest.mark.parametrize("role", ["pm", "leader", "admin_user", "tech_lead", "blocking_member"])
def test_who_may_comment(request, client_for, obstacle, role):
    client = client_for(request.getfixturevalue(role))
    response = client.post(url("comment", obstacle), {"text": "Can help Tuesday."}, headers=HTMX)
    assert response.status_code == 200
    assert obstacle.events.filter(kind="comment").count() == 1


def test_someone_of_an_unrelated_team_may_not_comment(client_for, obstacle):
    stranger = UserFactory(username="stranger")
    MembershipFactory(team=TeamFactory(), user=stranger)
    response = client_for(stranger).post(url("comment", obstacle), {"text": "Hi"}, headers=HTMX)
    assert response.status_code == 403
    assert not obstacle.events.filter(kind="comment").exists()


def test_an_empty_comment_is_explained(client_for, pm, obstacle):
    response = client_for(pm).post(url("comment", obstacle), {"text": ""})
    assert response.status_code == 422
    assert "text" in response.context["comment_form"].errors


@pytest.mark.parametrize("role", ["tech_lead", "outsider", "blocking_member"])
@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("status", {"status": "resolved", "resolution": "x", "version": 1}),
        ("owner", {"take": "1", "version": 1}),
        ("urgency", {"is_urgent": "on", "version": 1}),
    ],
)
def test_only_responsible_people_change_it(request, client_for, obstacle, role, action, data):
    client = client_for(request.getfixturevalue(role))
    for headers in ({}, HTMX):
        assert client.post(url(action, obstacle), data, headers=headers).status_code == 403
    obstacle.refresh_from_db()
    assert obstacle.version == 1


@pytest.mark.parametrize("action", ["status", "owner", "urgency", "comment"])
def test_actions_take_only_posts(client_for, pm, obstacle, action):
    assert client_for(pm).get(url(action, obstacle)).status_code == 405


def test_the_page_shows_the_actions_only_to_those_allowed(client_for, pm, outsider, obstacle):
    assert b"Change the status" in client_for(pm).get(obstacle.get_absolute_url()).content
    assert b"Change the status" not in client_for(outsider).get(obstacle.get_absolute_url()).content


def test_user_text_is_escaped(client_for, pm, team):
    obstacle = ObstacleFactory(team=team, created_by=pm, title="<script>alert(1)</script>")
    obstacle.comment(pm, "<img src=x onerror=alert(1)>")
    content = client_for(pm).get(obstacle.get_absolute_url()).content.decode()
    assert "<script>alert" not in content
    assert "<img src=x" not in content


@pytest.mark.parametrize("scale", [1, 10])
def test_page_queries_do_not_grow_with_the_timeline(
    client_for, django_assert_num_queries, pm, leader, obstacle, current_quarter, scale
):
    for objective in ObjectiveFactory.create_batch(
        scale, team=obstacle.team, quarter=current_quarter
    ):
        obstacle.threatened_objectives.add(objective)
    for _ in range(scale):
        obstacle.comment(leader, "Any news?")
        obstacle.take_ownership(pm if obstacle.owner == leader else leader)
    client = client_for(pm)

    with django_assert_num_queries(8):
        response = client.get(obstacle.get_absolute_url())

    assert len(response.context["events"]) == 1 + 2 * scale


def test_an_action_from_another_page_returns_there(client_for, leader, obstacle):
    data = {"status": "in_progress", "version": 1}
    back = client_for(leader).post(url("status", obstacle), {**data, "next": "/"})
    assert back["Location"] == "/"
    away = client_for(leader).post(
        url("owner", obstacle), {"take": "1", "version": 2, "next": "https://evil.example/"}
    )
    assert away["Location"] == obstacle.get_absolute_url()
