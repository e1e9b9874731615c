"""An obstacle's line of facts in a list (the log, a team page, a problem's threats): what it
says, in English and French, with every name escaped."""

from datetime import date, datetime, timedelta

import pytest
from django.template import engines
from django.utils import timezone, translation

from tests.factories import ObstacleFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.get_current_timezone())


def facts(obstacle, options=""):
    template = engines["django"].from_string(
        "{% load obstacles %}{% obstacle_facts obstacle " + options + " %}"
    )
    return template.render({"obstacle": obstacle})


@pytest.fixture
def decision(time_machine, team, other_team, pm):
    """A stakeholder decision waiting on the platform team, opened three days ago, commented
    on two hours ago."""
    time_machine.move_to(NOW - timedelta(days=3), tick=False)
    obstacle = ObstacleFactory(
        team=team,
        created_by=pm,
        kind="stakeholder",
        severity=4,
        blocking_team=other_team,
        decide_by=date(2026, 12, 15),
        owner=pm,
    )
    time_machine.move_to(NOW - timedelta(hours=2), tick=False)
    obstacle.comment(pm, "Asked again.")
    time_machine.move_to(NOW, tick=False)
    obstacle.refresh_from_db()
    return obstacle


def test_every_fact_in_its_span(decision):
    assert facts(decision, "show_team=True show_activity=True") == (
        "<span>Checkout</span> · <span>Stakeholder concern</span> · "
        '<span class="severity severity-4">Critical severity</span> · '
        "<span>waits on Payments Platform</span> · <span>decide by Dec. 15, 2026</span> · "
        f"<span>owner: Sam Rivera</span> · <span>opened 3{NBSP}days ago</span> · "
        f"<span>last activity 2{NBSP}hours ago</span>"
    )


def test_the_team_and_the_activity_only_when_asked_the_blocking_team_unless_hidden(decision):
    written = facts(decision, "hide_blocking=True")

    assert "Checkout" not in written
    assert "waits on" not in written
    assert "last activity" not in written
    assert written.startswith("<span>Stakeholder concern</span>")


def test_no_owner_and_no_date_once_it_is_closed(time_machine, team, pm):
    time_machine.move_to(NOW, tick=False)
    obstacle = ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", decide_by=date(2026, 12, 15)
    )
    obstacle.status, obstacle.resolution, obstacle.closed_at = "resolved", "Decided.", NOW

    written = facts(obstacle)

    assert "<span>no owner yet</span>" in written
    assert "decide by" not in written


def test_in_french(decision):
    with translation.override("fr"):
        written = facts(decision, "show_activity=True")

    assert "<span>attend Payments Platform</span>" in written
    assert f"<span>responsable{NBSP}: Sam Rivera</span>" in written
    assert f"<span>ouvert il y a 3{NBSP}jours</span>" in written


def test_names_are_escaped(pm):
    hostile = TeamFactory(name="<script>alert('team')</script>", slug="hostile")
    waited_on = TeamFactory(name="<b>Platform</b>", slug="platform")
    owner = UserFactory(first_name="<script>alert('owner')</script>", last_name="")
    obstacle = ObstacleFactory(
        team=hostile, created_by=pm, kind="dependency", blocking_team=waited_on, owner=owner
    )

    written = facts(obstacle, "show_team=True")

    assert "<script>" not in written
    assert "<b>" not in written
    assert "<span>&lt;script&gt;alert(&#x27;team&#x27;)&lt;/script&gt;</span>" in written
    assert "waits on &lt;b&gt;Platform&lt;/b&gt;" in written
    assert "owner: &lt;script&gt;alert(&#x27;owner&#x27;)&lt;/script&gt;" in written
