"""The model's rules: what each kind needs, the status life and its timeline, stale copies."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from headway.locking import Conflict
from headway.permissions import Relation
from obstacles.models import Obstacle
from tests.factories import ObstacleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["dependency", "platform"])
def test_dependency_and_platform_name_the_blocking_team(team, pm, other_team, kind):
    with pytest.raises(ValidationError) as refusal:
        Obstacle.log(team=team, by=pm, title="Waiting", kind=kind)
    assert "blocking_team" in refusal.value.message_dict

    obstacle = Obstacle.log(team=team, by=pm, title="Waiting", kind=kind, blocking_team=other_team)
    assert obstacle.blocking_team == other_team


def test_a_team_is_never_blocked_by_itself(team, pm):
    with pytest.raises(ValidationError) as refusal:
        Obstacle.log(team=team, by=pm, title="Loop", kind="dependency", blocking_team=team)
    assert "blocking_team" in refusal.value.message_dict


def test_a_stakeholder_concern_needs_a_decide_by_date(team, pm):
    with pytest.raises(ValidationError) as refusal:
        Obstacle.log(team=team, by=pm, title="Legal worry", kind="stakeholder")
    assert "decide_by" in refusal.value.message_dict
    assert not Obstacle.objects.exists()


@pytest.mark.parametrize("kind", ["capability", "customer", "other"])
def test_other_kinds_need_only_a_title(team, pm, kind):
    obstacle = Obstacle.log(team=team, by=pm, title="Something", kind=kind)
    assert obstacle.status == Obstacle.Status.OPEN
    assert [e.kind for e in obstacle.events.all()] == ["created"]


def test_other_help_is_said_in_a_sentence(team, pm):
    with pytest.raises(ValidationError) as refusal:
        Obstacle.log(team=team, by=pm, title="Odd", kind="other", help_wanted="other")
    assert "help_detail" in refusal.value.message_dict


def test_the_database_holds_the_kind_rules_when_code_bypasses_them(team, pm):
    obstacle = ObstacleFactory(team=team, created_by=pm)
    for change in (
        {"kind": "platform"},
        {"kind": "stakeholder"},
        {"blocking_team": team},
        {"status": "resolved", "closed_at": timezone.now()},
        {"status": "withdrawn", "resolution": "Not needed"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Obstacle.objects.filter(pk=obstacle.pk).update(**change)


def test_status_life_records_each_step(team, pm, leader):
    obstacle = ObstacleFactory(team=team, created_by=pm)

    obstacle.change_status(leader, "in_progress", version=1)
    obstacle.resolve(leader, "The platform shipped the API.", version=2)

    obstacle.refresh_from_db()
    assert obstacle.status == "resolved"
    assert obstacle.resolution == "The platform shipped the API."
    assert obstacle.closed_at is not None
    assert obstacle.version == 3
    steps = [(e.kind, e.from_value, e.to_value, e.actor) for e in obstacle.events.all()]
    assert steps == [
        ("created", "", "", pm),
        ("status_changed", "open", "in_progress", leader),
        ("status_changed", "in_progress", "resolved", leader),
    ]
    assert obstacle.events.last().text == "The platform shipped the API."


@pytest.mark.parametrize("status", ["resolved", "accepted", "withdrawn"])
def test_closing_needs_a_resolution_and_saves_nothing_without_one(team, pm, status):
    obstacle = ObstacleFactory(team=team, created_by=pm)

    with pytest.raises(ValidationError) as refusal:
        obstacle.change_status(pm, status, "  ")

    assert "resolution" in refusal.value.message_dict
    obstacle.refresh_from_db()
    assert obstacle.status == "open"
    assert obstacle.version == 1
    assert obstacle.events.count() == 1


def test_reopening_clears_the_resolution_and_the_timeline_keeps_it(team, pm):
    obstacle = ObstacleFactory(team=team, created_by=pm)
    obstacle.accept_risk(pm, "We live with it this quarter.")

    obstacle.change_status(pm, "open")

    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.resolution, obstacle.closed_at) == ("open", "", None)
    assert obstacle.events.filter(text="We live with it this quarter.").exists()


def test_owner_changes_are_on_the_timeline(team, pm, leader):
    obstacle = ObstacleFactory(team=team, created_by=pm)

    obstacle.assign(leader, pm)
    obstacle.take_ownership(leader)

    event = obstacle.events.last()
    assert (event.kind, event.from_value, event.to_value) == (
        "owner_changed",
        "Sam Rivera",
        "Maya Chen",
    )
    assert obstacle.owner == leader


def test_every_change_moves_last_activity_and_version(team, pm):
    long_ago = timezone.now() - timedelta(days=20)
    obstacle = ObstacleFactory(team=team, created_by=pm, opened_at=long_ago)
    assert obstacle.last_activity_at == long_ago

    obstacle.comment(pm, "Still waiting.")

    obstacle.refresh_from_db()
    assert obstacle.last_activity_at > long_ago
    assert obstacle.version == 2


def test_a_change_based_on_a_stale_copy_is_refused_with_what_changed(team, pm, leader):
    obstacle = ObstacleFactory(team=team, created_by=pm)
    stale = Obstacle.objects.get(pk=obstacle.pk)
    obstacle.change_status(leader, "in_progress", version=1)

    with pytest.raises(Conflict) as conflict:
        stale.resolve(pm, "Done on our side.", version=1)

    current = conflict.value.current
    assert current.status == "in_progress"
    assert [(e.kind, e.actor) for e in current.changes_since(1)] == [("status_changed", leader)]
    obstacle.refresh_from_db()
    assert obstacle.status == "in_progress"


def test_an_edit_records_what_changed(team, pm):
    obstacle = ObstacleFactory(team=team, created_by=pm)

    obstacle.edit(pm, 1, title="A sharper title", severity=4, description=obstacle.description)

    assert obstacle.events.last().kind == "edited"
    assert "title" in obstacle.events.last().text
    assert "severity" in obstacle.events.last().text


def test_an_empty_comment_is_refused(team, pm):
    obstacle = ObstacleFactory(team=team, created_by=pm)
    with pytest.raises(ValidationError):
        obstacle.comment(pm, "   ")
    assert obstacle.events.count() == 1


def test_how_people_relate_to_an_obstacle(team, pm, leader, other_team, outsider):
    obstacle = ObstacleFactory(
        team=team, created_by=pm, kind="dependency", blocking_team=other_team
    )
    assert obstacle.relations_to(pm) >= {Relation.PM, Relation.MEMBER}
    assert Relation.LEADER in obstacle.relations_to(leader)
    # A member of the team it waits on may comment on it, and change nothing.
    assert obstacle.relations_to(outsider) == {Relation.SIGNED_IN, Relation.BLOCKING_MEMBER}
    assert Relation.BLOCKING_MEMBER not in obstacle.relations_to(pm)
