"""The obstacle log: filters from the query string, htmx results, pages, constant queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ObstacleFactory, QuarterFactory, TeamFactory

pytestmark = pytest.mark.django_db

LOG = reverse("obstacles:log")


def titles(response):
    return [o.title for o in response.context["page"].object_list]


def test_open_and_in_progress_by_default_urgent_first(client_for, outsider, team, pm):
    ObstacleFactory(team=team, created_by=pm, title="Minor", severity=1)
    ObstacleFactory(team=team, created_by=pm, title="Started", status="in_progress", severity=3)
    ObstacleFactory(team=team, created_by=pm, title="Fire", is_urgent=True, severity=2)
    ObstacleFactory(team=team, created_by=pm, title="Done", status="resolved")

    response = client_for(outsider).get(LOG)

    assert titles(response) == ["Fire", "Started", "Minor"]
    assert b'<form class="log-filters' in response.content


def test_filters_combine(client_for, outsider, team, pm, other_team):
    ObstacleFactory(
        team=team,
        created_by=pm,
        title="Wanted",
        kind="platform",
        blocking_team=other_team,
        is_urgent=True,
        owner=pm,
    )
    ObstacleFactory(
        team=team,
        created_by=pm,
        title="Not urgent",
        kind="platform",
        blocking_team=other_team,
        owner=pm,
    )
    ObstacleFactory(
        team=team, created_by=pm, title="Other kind", kind="customer", is_urgent=True, owner=pm
    )
    ObstacleFactory(team=TeamFactory(), created_by=pm, title="Other team", kind="customer")

    response = client_for(outsider).get(
        LOG,
        {
            "team": "checkout",
            "kind": "platform",
            "blocking": "payments-platform",
            "urgency": "urgent",
            "owner": pm.pk,
        },
    )

    assert titles(response) == ["Wanted"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("resolved", {"Resolved"}),
        ("closed", {"Resolved", "Withdrawn"}),
        ("all", {"Open", "Resolved", "Withdrawn"}),
        ("bogus", {"Open"}),
    ],
)
def test_status_filter(client_for, outsider, team, pm, status, expected):
    for title in ("Open", "Resolved", "Withdrawn"):
        ObstacleFactory(team=team, created_by=pm, title=title, status=title.lower())

    response = client_for(outsider).get(LOG, {"status": status})

    assert set(titles(response)) == expected


def test_quarter_filter(client_for, outsider, team, pm):
    quarter = QuarterFactory(label="2025-Q1")
    in_it = timezone.make_aware(timezone.datetime(2025, 2, 1))
    ObstacleFactory(team=team, created_by=pm, title="Then", opened_at=in_it)
    ObstacleFactory(team=team, created_by=pm, title="Now")

    response = client_for(outsider).get(LOG, {"quarter": quarter.label})

    assert titles(response) == ["Then"]


def test_logged_in_and_removed_in_filters(client_for, outsider, team, pm, time_machine):
    """Logged in a quarter, and removed (resolved, not accepted or withdrawn) in one: the
    rows behind the quarter review's counts."""
    quarter = QuarterFactory(label="2025-Q1")
    time_machine.move_to(timezone.make_aware(timezone.datetime(2024, 12, 20)))
    before = ObstacleFactory(team=team, created_by=pm, title="Before")
    time_machine.move_to(timezone.make_aware(timezone.datetime(2025, 2, 1)))
    during = ObstacleFactory(team=team, created_by=pm, title="During")
    accepted = ObstacleFactory(team=team, created_by=pm, title="Accepted")
    before.resolve(pm, "Done.")
    accepted.accept_risk(pm, "We live with it.")
    time_machine.move_to(timezone.make_aware(timezone.datetime(2025, 4, 2)))
    during.resolve(pm, "Done.")
    client = client_for(outsider)

    logged = client.get(LOG, {"status": "all", "logged": quarter.label, "sort": "oldest"})
    removed = client.get(LOG, {"status": "all", "removed": quarter.label})

    assert titles(logged) == ["During", "Accepted"]
    assert titles(removed) == ["Before"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("oldest", ["Old", "Young"]), ("newest", ["Young", "Old"]), ("activity", ["Old", "Young"])],
)
def test_sorts(client_for, outsider, team, pm, sort, expected):
    old = ObstacleFactory(
        team=team, created_by=pm, title="Old", opened_at=timezone.now() - timedelta(days=9)
    )
    ObstacleFactory(
        team=team, created_by=pm, title="Young", opened_at=timezone.now() - timedelta(days=2)
    )
    old.comment(pm, "Moving again.")

    assert titles(client_for(outsider).get(LOG, {"sort": sort})) == expected


def test_htmx_gets_only_the_results(client_for, outsider, team, pm):
    ObstacleFactory(team=team, created_by=pm, title="Blocked")

    response = client_for(outsider).get(LOG, {"q": "blocked"}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert content.lstrip().startswith('<section id="results"')
    assert "Blocked" in content
    assert "<form" not in content
    assert "HX-Request" in response["Vary"]


def test_back_button_restoring_history_gets_the_whole_page(client_for, outsider):
    response = client_for(outsider).get(
        LOG, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert b"<html" in response.content


def test_pages_of_25_keep_the_filters_in_their_links(client_for, outsider, team, pm):
    ObstacleFactory.create_batch(30, team=team, created_by=pm)

    first = client_for(outsider).get(LOG, {"team": "checkout"})
    second = client_for(outsider).get(LOG, {"team": "checkout", "page": 2})

    assert len(titles(first)) == 25
    assert len(titles(second)) == 5
    assert "?team=checkout&amp;page=2" in first.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LOG)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("scale", [1, 10])
def test_log_queries_do_not_grow_with_data(
    client_for, django_assert_num_queries, outsider, pm, other_team, current_quarter, scale
):
    for _ in range(scale):
        waiting = TeamFactory()
        ObstacleFactory(
            team=waiting, created_by=pm, kind="dependency", blocking_team=other_team, owner=pm
        )
        ObstacleFactory(team=waiting, created_by=pm, is_urgent=True)
    client = client_for(outsider)

    # Session and user; the filters' lists (teams, once for both team filters, quarters,
    # problems, owners and leaders) in one round trip; the page and its count, and whether
    # the user may log an obstacle for some team.
    with django_assert_num_queries(6):
        response = client.get(LOG, {"q": "obstacle", "status": "all"})

    assert response.context["page"].paginator.count == 2 * scale


@pytest.mark.parametrize(
    ("role", "offered"),
    [("pm", True), ("leader", True), ("admin_user", True), ("tech_lead", False)],
)
def test_the_log_offers_to_log_an_obstacle_only_to_who_may(
    client_for, request, team, role, offered
):
    user = request.getfixturevalue(role)
    page = client_for(user).get(LOG).text
    assert ('href="/obstacles/new/' in page) is offered


@pytest.mark.parametrize("role", ["pm", "leader", "admin_user"])
def test_no_log_button_when_the_only_team_is_archived(client_for, request, team, role):
    user = request.getfixturevalue(role)
    team.archived = True
    team.save()
    page = client_for(user).get(LOG).text
    assert 'href="/obstacles/new/' not in page
