"""The dashboard's bottlenecks, drawn in Python (dashboard.bottlenecks.BottleneckItems): what
each team holds up, the obstacles waiting on it and what they threaten, escaped, in English
and in French."""

import pytest
from django.urls import reverse

from dashboard import figures
from tests.factories import ObjectiveFactory, ObstacleFactory, TeamFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")


@pytest.fixture
def platform_waited_on(team, other_team, pm, current_quarter):
    """Checkout waits on the payments platform: one obstacle threatening two objectives."""
    objectives = [
        ObjectiveFactory(team=team, quarter=current_quarter, title=title)
        for title in ("Faster checkout", "Wallet payments")
    ]
    return ObstacleFactory(
        team=team,
        created_by=pm,
        kind="platform",
        blocking_team=other_team,
        title="Needs the payment-intent API",
        threatened_objectives=objectives,
    )


def test_a_bottleneck_says_what_it_holds_up_and_what_waits_on_it(
    client_for, leader, other_team, platform_waited_on, current_quarter
):
    content = client_for(leader).get(HOME).content.decode()
    log = f"{reverse('obstacles:log')}?blocking={other_team.slug}"
    objectives = platform_waited_on.threatened_objectives.order_by("title")

    assert (
        '<h3 class="bottleneck-title"><span class="rank" aria-hidden="true">1</span> '
        f'<a href="{other_team.get_absolute_url()}">Payments Platform</a> '
        '<span class="badge">Platform</span></h3>'
    ) in content
    assert f'<a href="{log}">holds up 1 team</a>,\n2 objectives,\n1 open obstacle' in content
    assert (
        f'<strong>Checkout</strong> waits: <a href="{platform_waited_on.get_absolute_url()}">'
        "Needs the payment-intent API</a>"
    ) in content
    assert '<span class="muted">threatens</span>' in content
    links = [f'<a href="{o.get_absolute_url()}">{o.title}</a>' for o in objectives]
    assert ", ".join(links) in content or ", ".join(reversed(links)) in content
    assert "bottleneck-more" not in content


def test_more_obstacles_than_shown_link_to_the_log(
    client_for, leader, team, other_team, pm, current_quarter
):
    for _ in range(figures.WAITS_SHOWN + 1):
        ObstacleFactory(team=team, created_by=pm, kind="platform", blocking_team=other_team)

    content = client_for(leader).get(HOME).content.decode()

    log = f"{reverse('obstacles:log')}?blocking={other_team.slug}"
    count = figures.WAITS_SHOWN + 1
    assert (
        f'<p class="bottleneck-more"><a href="{log}">All {count} obstacles waiting on '
        "Payments Platform, in the obstacle log</a></p>"
    ) in content


def test_names_and_titles_are_escaped(client_for, leader, team, pm, current_quarter):
    blocking = TeamFactory(name="<script>alert('team')</script>")
    ObstacleFactory(
        team=team,
        created_by=pm,
        kind="platform",
        blocking_team=blocking,
        title="<img src=x onerror=alert(1)>",
    )

    content = client_for(leader).get(HOME).content.decode()

    assert "<script>alert" not in content and "<img src=x" not in content
    assert ">&lt;script&gt;alert(&#x27;team&#x27;)&lt;/script&gt;</a></h3>" in content
    assert ">&lt;img src=x onerror=alert(1)&gt;</a>" in content


def test_the_bottlenecks_speak_french(client_for, leader, platform_waited_on, current_quarter):
    content = client_for(leader).get(HOME, headers={"Accept-Language": "fr"}).content.decode()

    assert "bloque 1 équipe</a>,\n2 objectifs,\n1 obstacle ouvert" in content
    assert "<strong>Checkout</strong> attend\u00a0:" in content
    assert '<span class="muted">menace</span>' in content
    assert '<span class="badge">Plateforme</span>' in content


def test_the_waiting_graph_says_each_wait_and_escapes_the_names(
    client_for, leader, team, pm, current_quarter
):
    blocking = TeamFactory(name="<b>A platform with a long name</b>")
    for _ in range(2):
        ObstacleFactory(team=team, created_by=pm, kind="platform", blocking_team=blocking)

    content = client_for(leader).get(HOME).content.decode()

    assert (
        '<title id="waiting-graph-title">Who waits on whom: Checkout waits on '
        "&lt;b&gt;A platform with a long name&lt;/b&gt; (2 obstacles).</title>"
    ) in content
    assert ">&lt;b&gt;A platform with…</text>" in content
    assert 'class="waiting-graph-box is-blocking"' in content
    assert "<b>" not in content


def test_the_waiting_graph_speaks_french(client_for, leader, platform_waited_on, current_quarter):
    content = client_for(leader).get(HOME, headers={"Accept-Language": "fr"}).content.decode()

    title = "Qui attend qui\u00a0: Checkout attend Payments Platform (1 obstacle).</title>"
    assert title in content
