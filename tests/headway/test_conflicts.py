"""Two people change one thing: the second save is refused, never silently undoing the first,
and every versioned thing answers the same way, as a page and for htmx: 409, the same message,
the other person's values shown, the user's input kept and based on the stored version. A
post without its version (or with a version that is not a number) is a bad request."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import OneOnOne
from objectives.models import KeyResult, Objective
from obstacles.models import Obstacle
from tests.factories import KeyResultFactory, ObjectiveFactory, ObstacleFactory, OneOnOneFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
MESSAGE = "Not saved: someone else saved this while you were editing it."


@dataclass
class Edit:
    """One versioned thing: where it is changed, what the first and the second person send
    (both based on the version they opened), and what is stored."""

    url: str
    first: dict  # sent first, by the leader: saved
    second: dict  # sent next, by the PM, from the same version: refused
    theirs: str  # a value of the first save, shown in the answer to the second
    kept: str  # a value of the second person's input, still in their form
    stored: object  # () -> the stored value that the first save set
    typed_in_place: bool = False  # saved as typed: htmx answers without the text box

    def post(self, client, data, version, headers=None):
        return client.post(self.url, {**data, "version": version}, headers=headers or {})


@pytest.fixture
def objective(team, current_quarter, pm):
    return ObjectiveFactory(team=team, quarter=current_quarter, title="Pay in two taps", owner=pm)


@pytest.fixture
def obstacle(team, pm, other_team):
    return ObstacleFactory(
        team=team, created_by=pm, kind="dependency", blocking_team=other_team, title="Waiting"
    )


@pytest.fixture
def one_on_one(team, leader, pm):
    return OneOnOneFactory(
        team=team, leader=leader, pm=pm, scheduled_for=timezone.now() + timedelta(days=1)
    )


def objective_edit(objective, team, pm, leader):
    data = {"problem": "", "owner": pm.pk, "status": "active"}
    return Edit(
        url=reverse("objectives:objective_edit", args=[team.slug, objective.pk]),
        first={**data, "title": "Pay in one tap"},
        second={**data, "title": "Pay with a glance"},
        theirs="Pay in one tap",
        kept="Pay with a glance",
        stored=lambda: Objective.objects.get(pk=objective.pk).title,
    )


def key_result_edit(objective, team, pm, leader):
    key_result = KeyResultFactory(objective=objective, description="Churn down to 5%")
    data = {"unit": "percent", "start_value": "8", "target_value": "5"}
    return Edit(
        url=reverse("objectives:key_result_edit", args=[team.slug, key_result.pk]),
        first={**data, "description": "Churn down to 4%"},
        second={**data, "description": "Churn down to 3%"},
        theirs="Churn down to 4%",
        kept="Churn down to 3%",
        stored=lambda: KeyResult.objects.get(pk=key_result.pk).description,
    )


def obstacle_edit(obstacle, pm, leader):
    data = {"kind": "dependency", "blocking_team": obstacle.blocking_team_id, "severity": 2}
    return Edit(
        url=reverse("obstacles:edit", args=[obstacle.pk]),
        first={**data, "title": "Waiting on the payments API"},
        second={**data, "title": "Blocked by payments"},
        theirs="Waiting on the payments API",
        kept="Blocked by payments",
        stored=lambda: Obstacle.objects.get(pk=obstacle.pk).title,
    )


def obstacle_status(obstacle, pm, leader):
    return Edit(
        url=reverse("obstacles:status", args=[obstacle.pk]),
        first={"status": "in_progress"},
        second={"status": "withdrawn", "resolution": "Solved it another way"},
        theirs="In progress",
        kept="Solved it another way",
        stored=lambda: Obstacle.objects.get(pk=obstacle.pk).status,
    )


def obstacle_owner(obstacle, pm, leader):
    return Edit(
        url=reverse("obstacles:owner", args=[obstacle.pk]),
        first={"owner": leader.pk},
        second={"owner": pm.pk},
        theirs="Maya Chen",
        kept=f'<option value="{pm.pk}" selected>',
        stored=lambda: Obstacle.objects.get(pk=obstacle.pk).owner,
    )


def notes(which):
    def edit(one_on_one, pm, leader):
        return Edit(
            url=reverse("coaching:save_notes", args=[one_on_one.pk, which]),
            first={"text": "Agreed: ship the API first"},
            second={"text": "Agreed: ship the UI first"},
            theirs="Agreed: ship the API first",
            kept="Agreed: ship the UI first",
            stored=lambda: getattr(OneOnOne.objects.get(pk=one_on_one.pk), f"{which}_notes"),
            typed_in_place=True,
        )

    return edit


EDITS = {
    "objective": (objective_edit, ["objective", "team"]),
    "key result": (key_result_edit, ["objective", "team"]),
    "obstacle": (obstacle_edit, ["obstacle"]),
    "obstacle status": (obstacle_status, ["obstacle"]),
    "obstacle owner": (obstacle_owner, ["obstacle"]),
    "shared notes": (notes("shared"), ["one_on_one"]),
    "private notes": (notes("private"), ["one_on_one"]),
}


@pytest.fixture(params=EDITS)
def edit(request, pm, leader):
    make, fixtures = EDITS[request.param]
    edit = make(*(request.getfixturevalue(name) for name in fixtures), pm=pm, leader=leader)
    # Private notes are the leader's alone: the leader has them open in two browsers.
    edit.second_person = leader if request.param == "private notes" else pm
    return edit


def conflict_box(content):
    match = re.search(r'<div class="conflict" role="alert">.*?</dl>', content, re.S)
    assert match, "no conflict shown"
    return match.group()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_the_second_save_is_refused_and_shown_both_versions(client, edit, pm, leader, headers):
    client.force_login(leader)
    assert edit.post(client, edit.first, version=1, headers=headers).status_code in (200, 302)
    stored = edit.stored()

    client.force_login(edit.second_person)
    response = edit.post(client, edit.second, version=1, headers=headers)

    assert response.status_code == 409
    content = response.content.decode()
    box = conflict_box(content)
    assert MESSAGE in box
    assert edit.theirs in box
    if edit.typed_in_place and headers:
        # Notes save as they are typed: htmx leaves the text being typed where it is.
        assert "<textarea" not in content
    else:
        assert edit.kept in content.replace(box, "")
    # Sending the kept input again knowingly replaces theirs: it is based on their version.
    assert re.search(r'name="version" value="2"', content.replace(box, ""))
    assert edit.stored() == stored


def test_sending_it_again_after_the_conflict_replaces_theirs(client, edit, pm, leader):
    client.force_login(leader)
    edit.post(client, edit.first, version=1)
    theirs = edit.stored()
    client.force_login(edit.second_person)
    assert edit.post(client, edit.second, version=1).status_code == 409

    assert edit.post(client, edit.second, version=2).status_code in (200, 302)

    assert edit.stored() != theirs


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
@pytest.mark.parametrize("version", [None, "", "two"], ids=["missing", "empty", "not a number"])
def test_a_change_without_its_version_is_a_bad_request(client, edit, leader, version, headers):
    stored = edit.stored()
    client.force_login(edit.second_person)
    data = dict(edit.second)
    if version is not None:
        data["version"] = version

    response = client.post(edit.url, data, headers=headers)

    assert response.status_code == 400
    assert edit.stored() == stored
