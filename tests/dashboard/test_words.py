"""Words a person would write: "today" and "just now" on every page, "took ownership",
objectives named with their quarter in the administration, demo action items that fit their
obstacles, and a `make run` banner naming every demo sign-in."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from coaching.models import ActionItem
from objectives.demo import TEAMS
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    ObstacleFactory,
    OneOnOneFactory,
    QuarterFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ZERO = re.compile(r"\b0\s(minutes?|days?|hours?|seconds?)\b")


def words(response):
    assert response.status_code == 200
    return " ".join(strip_tags(response.text).split())


@pytest.fixture
def fresh(team, leader, pm, current_quarter, other_team):
    """Everything happened just now: a check-in, an obstacle, a 1:1 held this morning."""
    CheckInFactory(
        key_result=KeyResultFactory(objective=ObjectiveFactory(team=team, quarter=current_quarter)),
        author=pm,
    )
    ObstacleFactory(team=team, created_by=pm, title="Fresh", is_urgent=True)
    ObstacleFactory(team=other_team, created_by=pm, kind="platform", blocking_team=team)
    now = timezone.now()
    OneOnOneFactory(team=team, leader=leader, pm=pm, scheduled_for=now, held_at=now)
    return team


def test_no_page_counts_zero_minutes_or_days(client_for, fresh, leader, pm):
    obstacle = fresh.obstacles.get(title="Fresh")
    pages = {
        leader: [reverse("home"), reverse("coaching:one_on_ones"), fresh.get_absolute_url()],
        pm: [reverse("home"), obstacle.get_absolute_url(), reverse("obstacles:log")],
    }
    for user, urls in pages.items():
        client = client_for(user)
        for url in urls:
            text = words(client.get(url))
            assert not ZERO.search(text), (url, ZERO.search(text).group())


def test_fresh_things_read_today_and_just_now(client_for, fresh, leader):
    client = client_for(leader)
    assert "today" in words(client.get(reverse("coaching:one_on_ones")))
    assert "last check-in just now" in words(client.get(fresh.get_absolute_url()))
    assert "opened just now" in words(client.get(reverse("home")))


def test_taking_ownership_reads_took_ownership(client_for, team, leader, pm):
    obstacle = ObstacleFactory(team=team, created_by=pm)
    obstacle.take_ownership(leader)
    obstacle.assign(leader, pm)

    text = words(client_for(pm).get(obstacle.get_absolute_url()))

    assert "Maya Chen took ownership" in text
    assert "Maya Chen made Sam Rivera the owner" in text
    assert "made Maya Chen the owner" not in text


def test_the_admin_names_objectives_with_their_quarter(client_for, admin_user, team, pm):
    for label in ("2026-Q3", "2026-Q4"):
        ObjectiveFactory(team=team, quarter=QuarterFactory(label=label), title="Pay in a minute")
    obstacle = ObstacleFactory(team=team, created_by=pm)

    text = (
        client_for(admin_user)
        .get(reverse("admin:obstacles_obstacle_change", args=[obstacle.pk]))
        .text
    )

    assert "Pay in a minute (2026-Q3)" in text and "Pay in a minute (2026-Q4)" in text


@pytest.mark.parametrize("scale", [1, 10])
def test_the_obstacle_admin_names_objectives_in_one_query(
    client_for, admin_user, team, pm, scale, django_assert_max_num_queries
):
    quarter = QuarterFactory(label="2026-Q4")
    ObjectiveFactory.create_batch(scale, team=team, quarter=quarter)
    obstacle = ObstacleFactory(team=team, created_by=pm)
    client = client_for(admin_user)
    with django_assert_max_num_queries(14):
        client.get(reverse("admin:obstacles_obstacle_change", args=[obstacle.pk]))


def test_the_demos_overdue_action_items_fit_their_obstacles():
    call_command("seed_demo", stdout=None)
    overdue = ActionItem.objects.open().filter(due_date__lt=timezone.localdate())
    assert overdue.count() == 4
    for item in overdue.select_related("obstacle"):
        if item.obstacle is None or item.obstacle.kind != "stakeholder":
            assert "stakeholder" not in item.text.lower(), item.text
    assert len({item.text for item in overdue}) > 1


def test_the_run_banner_names_every_demo_sign_in():
    makefile = (ROOT / "Makefile").read_text()
    banner = next(line for line in makefile.splitlines() if "Demo sign-ins" in line)
    leaders = {leader for _name, _mission, leader, _platform, _members in TEAMS.values()}
    for username in {*leaders, "pm", "admin"}:
        assert re.search(rf"\b{username}\b", banner), username
