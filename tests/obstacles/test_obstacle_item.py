"""An obstacle as the lists show it (`{% obstacle_item %}`): the team page, the log and a
problem's threats; drawn in Python, what people typed escaped, in the reader's language."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import ObstacleFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def item_html(html, obstacle):
    url = re.escape(obstacle.get_absolute_url())
    return re.search(
        rf'<li class="obstacle-item[^"]*">\s*<p class="obstacle-item-title">\s*'
        rf'<a href="{url}">.*?</li>',
        html,
        re.S,
    ).group(0)


def test_what_people_typed_is_escaped(client_for, team, pm):
    blocking = TeamFactory(name="<i>Platform</i>")
    owner = UserFactory(first_name="<b>Eve</b>", last_name="")
    obstacle = ObstacleFactory(
        team=team,
        created_by=pm,
        title="<script>alert(1)</script>",
        kind="dependency",
        blocking_team=blocking,
        owner=owner,
    )

    shown = item_html(client_for(pm).get(team.get_absolute_url()).text, obstacle)

    assert "<script>" not in shown and "<b>" not in shown and "<i>" not in shown
    assert ">&lt;script&gt;alert(1)&lt;/script&gt;</a>" in shown
    assert "<span>waits on &lt;i&gt;Platform&lt;/i&gt;</span>" in shown
    assert "<span>owner: &lt;b&gt;Eve&lt;/b&gt;</span>" in shown


def test_an_urgent_active_obstacle_says_so_with_its_status_severity_and_age(client_for, team, pm):
    obstacle = ObstacleFactory(
        team=team,
        created_by=pm,
        is_urgent=True,
        severity=4,
        decide_by=timezone.localdate() + timedelta(days=3),
    )

    shown = item_html(client_for(pm).get(team.get_absolute_url()).text, obstacle)

    assert shown.startswith('<li class="obstacle-item is-urgent">')
    assert '<span class="badge bad">Urgent</span>' in shown
    assert '<span class="badge obstacle-status-open">Open</span>' in shown
    assert '<span class="severity severity-4">Critical severity</span>' in shown
    assert "<span>decide by " in shown
    assert "<span>no owner yet</span>" in shown
    assert "<span>opened just now</span>" in shown


def test_the_team_page_leaves_out_who_waits_on_the_team_it_is(client_for, team, other_team, pm):
    waiting = ObstacleFactory(team=other_team, created_by=pm, kind="dependency", blocking_team=team)

    shown = item_html(client_for(pm).get(team.get_absolute_url()).text, waiting)

    assert "waits on" not in shown


def test_the_log_names_each_obstacles_team_and_last_activity(client_for, team, leader, pm):
    obstacle = ObstacleFactory(team=team, created_by=pm)

    shown = item_html(client_for(leader).get(reverse("obstacles:log")).text, obstacle)

    assert f"<span>{team.name}</span> · <span>Other</span>" in shown
    assert "<span>last activity just now</span>" in shown


def test_an_obstacle_speaks_french(client_for, team, pm):
    obstacle = ObstacleFactory(team=team, created_by=pm, is_urgent=True, severity=4)
    client = client_for(pm)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    shown = item_html(client.get(team.get_absolute_url()).text, obstacle)

    assert '<span class="badge obstacle-status-open">Ouvert</span>' in shown
    assert "Gravité\xa0:\xa0Critique</span>" in shown
    assert "<span>pas encore de responsable</span>" in shown
    assert "<span>ouvert à l’instant</span>" in shown
