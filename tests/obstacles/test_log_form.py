"""Logging and editing an obstacle: fast, adapted to the kind, safe with bad input."""

import pytest
from django.urls import reverse

from headway.models import Email
from obstacles.models import Obstacle
from tests.factories import (
    MembershipFactory,
    ObjectiveFactory,
    ObstacleFactory,
    QuarterFactory,
    TeamFactory,
)
from tests.queue import jobs

pytestmark = pytest.mark.django_db

NEW = reverse("obstacles:new")


def dependency(team, blocking, **extra):
    return {
        "team": team.pk,
        "title": "Waiting on the payment API",
        "kind": "dependency",
        "blocking_team": blocking.pk,
        "severity": 3,
        "help_wanted": "",
        **extra,
    }


def test_a_pm_logs_a_dependency_and_lands_on_it(client_for, pm, team, other_team):
    response = client_for(pm).post(NEW, dependency(team, other_team))

    obstacle = Obstacle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == obstacle.get_absolute_url()
    assert (obstacle.team, obstacle.blocking_team, obstacle.created_by) == (team, other_team, pm)


def test_the_pms_own_team_is_preselected(client_for, pm, team, other_team):
    response = client_for(pm).get(NEW)
    assert response.context["form"]["team"].value() == team.pk


def test_team_and_next_from_the_query_string(client_for, leader, team):
    TeamFactory(leader=leader, name="Another of Maya's")
    response = client_for(leader).get(NEW, {"team": "checkout", "next": "/teams/checkout/"})
    assert response.context["form"]["team"].value() == team.pk
    assert b'name="next" value="/teams/checkout/"' in response.content


def test_next_returns_there_only_when_it_is_ours(client_for, pm, team, other_team):
    client = client_for(pm)
    inside = client.post(NEW, {**dependency(team, other_team), "next": "/teams/checkout/"})
    outside = client.post(NEW, {**dependency(team, other_team), "next": "https://evil.example/"})
    not_a_page = client.post(NEW, {**dependency(team, other_team), "next": "bogus"})

    assert inside["Location"] == "/teams/checkout/"
    _inside, second, third = Obstacle.objects.order_by("pk")
    assert outside["Location"] == second.get_absolute_url()
    assert not_a_page["Location"] == third.get_absolute_url()


@pytest.mark.parametrize(
    ("kind", "missing"),
    [("dependency", "blocking_team"), ("platform", "blocking_team"), ("stakeholder", "decide_by")],
)
def test_what_the_kind_needs_is_required_and_input_is_kept(
    client_for, pm, team, other_team, kind, missing
):
    data = dependency(team, other_team, kind=kind, description="Typed with care")
    data.pop("blocking_team")

    response = client_for(pm).post(NEW, data)

    form = response.context["form"]
    assert response.status_code == 200
    assert missing in form.errors
    assert form["description"].value() == "Typed with care"
    assert "Typed with care" in response.content.decode()
    assert not Obstacle.objects.exists()


def test_a_stakeholder_decision_with_its_date(client_for, pm, team, time_machine):
    time_machine.move_to("2029-12-20 10:00 +01:00")
    client_for(pm).post(
        NEW,
        {
            "team": team.pk,
            "title": "CFO doubts",
            "kind": "stakeholder",
            "decide_by": "2030-01-15",
            "severity": 2,
        },
    )
    assert str(Obstacle.objects.get().decide_by) == "2030-01-15"


def test_a_blocking_team_is_dropped_for_kinds_that_do_not_use_it(client_for, pm, team, other_team):
    client_for(pm).post(NEW, dependency(team, other_team, kind="customer"))
    assert Obstacle.objects.get().blocking_team is None


def test_changing_the_kind_with_htmx_shows_its_fields_without_errors(
    client_for, pm, team, other_team
):
    data = {
        "team": team.pk,
        "kind": "stakeholder",
        "title": "Typed",
        "blocking_team": other_team.pk,
    }

    response = client_for(pm).post(
        NEW, data, headers={"HX-Request": "true", "HX-Target": "obstacle-form-fields"}
    )

    content = response.content.decode()
    assert content.lstrip().startswith('<div id="obstacle-form-fields"')
    assert 'type="date" name="decide_by"' in content
    assert f'type="hidden" name="blocking_team" value="{other_team.pk}"' in content
    assert 'value="Typed"' in content
    assert "field-errors" not in content
    assert not Obstacle.objects.exists()
    # htmx reads its answers with scripts off: a <noscript> button in them would become the
    # form's default button, and Enter would show the fields again instead of logging.
    assert 'name="refresh"' not in content


def test_without_javascript_a_refresh_button_does_the_same(client_for, pm, team):
    response = client_for(pm).post(NEW, {"team": team.pk, "kind": "platform", "refresh": "1"})
    assert response.context["form"]["blocking_team"].field.required
    assert b"<html" in response.content
    assert not Obstacle.objects.exists()


def test_threatened_objectives_are_the_teams_this_quarter(client_for, pm, team, current_quarter):
    ours = ObjectiveFactory(team=team, quarter=current_quarter)
    ObjectiveFactory(team=team, quarter=QuarterFactory(label="2021-Q1"))
    theirs = ObjectiveFactory(quarter=current_quarter)

    response = client_for(pm).get(NEW)

    assert list(response.context["form"].fields["threatened_objectives"].queryset) == [ours]
    refused = client_for(pm).post(
        NEW,
        {
            "team": team.pk,
            "title": "X",
            "kind": "other",
            "severity": 2,
            "threatened_objectives": [theirs.pk],
        },
    )
    assert "threatened_objectives" in refused.context["form"].errors


def test_an_urgent_obstacle_logged_escalates(client_for, pm, team):
    client_for(pm).post(
        NEW,
        {
            "team": team.pk,
            "title": "Fire",
            "kind": "customer",
            "severity": 4,
            "is_urgent": "on",
        },
    )
    [email] = Email.objects.filter(kind="escalation", recipient=team.leader)
    assert jobs(task_name="headway.send_email")[0]["args"] == {"email_id": email.pk}
    assert Obstacle.objects.get().events.filter(kind="escalated").exists()


@pytest.mark.parametrize("role", ["pm", "leader", "admin_user"])
def test_responsible_people_may_log(request, client_for, team, other_team, role):
    user = request.getfixturevalue(role)
    assert client_for(user).get(NEW, {"team": "checkout"}).status_code == 200
    assert client_for(user).post(NEW, dependency(team, other_team)).status_code == 302


@pytest.mark.parametrize("role", ["tech_lead", "outsider"])
def test_others_may_not_log_for_the_team(request, client_for, team, other_team, role):
    user = request.getfixturevalue(role)
    assert client_for(user).get(NEW, {"team": "checkout"}).status_code == 403
    response = client_for(user).post(NEW, dependency(team, other_team))
    assert response.status_code in (200, 403)
    assert not Obstacle.objects.filter(team=team).exists()


def test_someone_responsible_for_no_team_is_refused(client_for, tech_lead):
    assert client_for(tech_lead).get(NEW).status_code == 403


def test_a_pm_of_two_teams_chooses_among_them(client_for, pm, team):
    second = TeamFactory(name="Second")
    MembershipFactory(team=second, user=pm)
    response = client_for(pm).get(NEW)
    assert set(response.context["form"].fields["team"].queryset) == {team, second}


def edit_data(obstacle, **changes):
    return {
        "title": obstacle.title,
        "kind": obstacle.kind,
        "description": obstacle.description,
        "severity": obstacle.severity,
        "help_wanted": "",
        "version": obstacle.version,
        **changes,
    }


def test_edit_saves_and_records(client_for, pm, team):
    obstacle = ObstacleFactory(team=team, created_by=pm)

    response = client_for(pm).post(
        reverse("obstacles:edit", args=[obstacle.pk]), edit_data(obstacle, title="Sharper")
    )

    assert response.status_code == 302
    obstacle.refresh_from_db()
    assert obstacle.title == "Sharper"
    assert obstacle.events.last().kind == "edited"


def test_an_edit_of_a_stale_copy_is_refused_with_what_changed(client_for, pm, leader, team):
    obstacle = ObstacleFactory(team=team, created_by=pm)
    stale = edit_data(obstacle, title="Mine")
    obstacle.change_status(leader, "in_progress")

    response = client_for(pm).post(reverse("obstacles:edit", args=[obstacle.pk]), stale)

    assert response.status_code == 409
    assert response.context["changes"][0].actor == leader
    assert response.context["form"]["title"].value() == "Mine"
    assert response.context["form"]["version"].value() == 2
    obstacle.refresh_from_db()
    assert obstacle.title != "Mine"


@pytest.mark.parametrize("role", ["tech_lead", "outsider"])
def test_others_may_not_edit(request, client_for, pm, team, role):
    obstacle = ObstacleFactory(team=team, created_by=pm)
    client = client_for(request.getfixturevalue(role))
    url = reverse("obstacles:edit", args=[obstacle.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data(obstacle, title="No")).status_code == 403


def test_a_missing_blocking_team_is_explained_once(client_for, pm, team):
    response = client_for(pm).post(
        NEW, {"team": team.pk, "title": "X", "kind": "platform", "severity": 2}
    )
    assert response.context["form"].errors["blocking_team"] == [
        "Name the team this obstacle waits on."
    ]
