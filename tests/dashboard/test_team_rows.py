"""The dashboard's team rows, drawn in Python (dashboard.rows.TeamRows): what each cell says,
escaped, in English and in French."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape

from dashboard import figures
from dashboard.rows import TeamRows
from objectives.models import Membership, Team
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    ObstacleFactory,
    OneOnOneFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def drawn(viewer, quarter, language="en"):
    """The rows of every active team as HTML, in `language`."""
    rows = figures.team_rows(
        Team.objects.active(), quarter, timezone.now(), timezone.localdate(), "obstacles"
    )
    with translation.override(language):
        return str(conditional_escape(TeamRows(list(rows), quarter, viewer)))


@pytest.fixture
def busy_team(team, pm, current_quarter):
    """A team with a key result checked in halfway, an urgent obstacle and a missing capability
    opened three days ago, and a 1:1 its leader and PM held ten days ago."""
    objective = ObjectiveFactory(team=team, quarter=current_quarter)
    key_result = KeyResultFactory(objective=objective, start_value=0, target_value=100)
    CheckInFactory(key_result=key_result, value=50, author=pm)
    three_days_ago = timezone.now() - timedelta(days=3)
    ObstacleFactory(team=team, is_urgent=True, opened_at=three_days_ago)
    ObstacleFactory(team=team, kind="capability", opened_at=three_days_ago)
    ten_days_ago = timezone.now() - timedelta(days=10)
    OneOnOneFactory(team=team, pm=pm, scheduled_for=ten_days_ago, held_at=ten_days_ago)
    return team


def test_a_row_says_each_figure_of_the_team_and_links_to_where_it_is_read(
    leader, busy_team, current_quarter
):
    html = drawn(leader, current_quarter)
    log = reverse("obstacles:log")
    team_page = f"{busy_team.get_absolute_url()}?quarter={current_quarter.label}"

    assert f'<a href="{team_page}">Checkout</a>' in html
    assert '<span class="row-people muted">Sam Rivera</span>' in html
    assert f'href="{team_page}#objectives-heading"' in html
    assert "50% done" in html
    assert '<span class="badge tone-on_track">On track</span>' in html
    assert "checked in just now" in html
    assert f'<a href="{log}?team=checkout">2 open</a>' in html
    assert (
        f'<a class="badge bad" href="{log}?team=checkout&amp;urgency=urgent">1 urgent</a>' in html
    )
    assert f'<a href="{log}?team=checkout&amp;kind=capability">Missing capability&nbsp;' in html
    assert f'<a href="{log}?team=checkout&amp;sort=oldest">3 days</a>' in html
    assert "10 days ago" in html
    assert 'data-label="PM\'s confidence"' in html


def test_a_team_with_nothing_yet_says_so(leader, team, current_quarter):
    html = drawn(leader, current_quarter)

    assert '<span class="row-people muted">No PM</span>' in html
    assert '<span class="empty">No objectives</span>' in html
    assert '<span class="muted">None</span>' in html
    assert (
        f'<a href="{reverse("coaching:one_on_ones")}#cadence-heading">Never: schedule one</a>'
        in html
    )
    assert '<span class="badge bad">Overdue</span>' in html


def test_only_the_teams_leader_is_offered_its_one_on_ones(leader, busy_team, current_quarter):
    series = reverse("coaching:one_on_one", args=[busy_team.one_on_ones.get().pk])
    someone_else = UserFactory()

    assert f'<a href="{series}">10 days ago</a>' in drawn(leader, current_quarter)
    html = drawn(someone_else, current_quarter)
    assert "10 days ago" in html and series not in html


def test_names_from_the_database_are_escaped(leader, current_quarter):
    team = TeamFactory(name="<script>alert('team')</script>", leader=leader, is_platform=True)
    pm = UserFactory(first_name="<b>Bold</b>", last_name="PM")
    MembershipFactory(team=team, user=pm, role=Membership.Role.PRODUCT_MANAGER)

    html = drawn(leader, current_quarter)

    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;team&#x27;)&lt;/script&gt;</a>" in html
    assert '<span class="row-people muted">&lt;b&gt;Bold&lt;/b&gt; PM</span>' in html
    assert ' <span class="badge">Platform</span>' in html


def test_the_rows_speak_french(leader, busy_team, current_quarter):
    html = drawn(leader, current_quarter, "fr")

    assert "50\u202f% réalisés" in html
    assert "2 ouverts" in html and "1 urgent" in html
    assert ">3 jours</a>" in html
    assert 'data-label="Confiance du PM"' in html
    assert ">il y a 10 jours</a>" in html


def test_the_dashboard_draws_the_rows_with_their_column_names(
    client_for, leader, busy_team, current_quarter
):
    response = client_for(leader).get(reverse("home"))

    assert b'<th scope="col">PM&#x27;s confidence</th>' not in response.content
    assert b'<th scope="col">PM\'s confidence</th>' in response.content
    assert b'<tr class="team-row pace-row-' in response.content
    assert b'data-label="Oldest open"' in response.content
