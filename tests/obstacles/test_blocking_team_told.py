"""The team an obstacle waits on is told: its leader by e-mail when the obstacle names it, and
in "Needs you"; its members on their home; everyone on its team page ("Blocked by us")."""

import pytest
from django.core import mail
from django.urls import reverse

from dashboard.figures import NEEDS_YOU_SHOWN
from headway.models import Preference
from obstacles.models import Obstacle
from tests.factories import ObstacleFactory, TeamFactory

pytestmark = pytest.mark.django_db


def waits_on(team, blocking, by, title="3-D Secure 2 needs the payment-intent API", **fields):
    return Obstacle.log(
        team=team,
        by=by,
        title=title,
        kind="dependency",
        blocking_team=blocking,
        help_wanted="team_time",
        help_detail="A date we can plan on.",
        **fields,
    )


def test_naming_a_blocking_team_emails_its_leader(
    team, pm, other_team, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://headway.example"
    with django_capture_on_commit_callbacks(execute=True):
        obstacle = waits_on(team, other_team, pm)

    [message] = mail.outbox
    assert message.to == [other_team.leader.email]
    assert message.subject == (
        "Checkout waits on Payments Platform: 3-D Secure 2 needs the payment-intent API"
    )
    assert "Sam Rivera" in message.body
    assert "A date we can plan on." in message.body
    assert f"https://headway.example/obstacles/{obstacle.pk}/" in message.body


def test_the_email_is_in_the_blocking_leaders_language(
    team, pm, other_team, django_capture_on_commit_callbacks
):
    Preference.remember_language(other_team.leader, "fr")
    with django_capture_on_commit_callbacks(execute=True):
        waits_on(team, other_team, pm)
    [message] = mail.outbox
    assert message.subject.startswith("Checkout attend Payments Platform\u00a0:")


def test_naming_another_blocking_team_later_tells_that_one(
    team, pm, other_team, django_capture_on_commit_callbacks
):
    obstacle = waits_on(team, other_team, pm)
    identity = TeamFactory(name="Identity")
    with django_capture_on_commit_callbacks(execute=True):
        obstacle.edit(pm, obstacle.version, blocking_team=identity)
        obstacle.edit(pm, obstacle.version, title="Still waiting on the API")

    assert [message.to for message in mail.outbox] == [[identity.leader.email]]


def test_no_email_to_a_leader_who_names_their_own_team(
    team, leader, other_team, django_capture_on_commit_callbacks
):
    other_team.leader = leader
    other_team.save()
    with django_capture_on_commit_callbacks(execute=True):
        waits_on(team, other_team, leader)
    assert mail.outbox == []


def test_the_blocking_teams_leader_finds_it_in_needs_you(client_for, team, pm, other_team):
    waiting = waits_on(team, other_team, pm)
    ObstacleFactory(
        team=team, created_by=pm, kind="dependency", blocking_team=other_team, status="resolved"
    )

    page = client_for(other_team.leader).get(reverse("home")).text

    needs_you = page[page.index('id="needs-you"') : page.index('id="teams-heading"')]
    assert "Other teams wait on yours" in needs_you
    assert waiting.title in needs_you
    assert needs_you.count("3-D Secure 2") == 1


def test_the_blocking_teams_members_find_it_on_their_home(
    client_for, team, pm, outsider, other_team, current_quarter
):
    waiting = waits_on(team, other_team, pm)

    page = client_for(outsider).get(reverse("home")).text

    assert "Waiting on your team" in page
    assert waiting.title in page
    assert waiting.get_absolute_url() in page


def test_the_waiting_team_does_not_see_its_own_wait_as_waiting_on_it(
    client_for, team, pm, other_team, current_quarter
):
    waits_on(team, other_team, pm)
    page = client_for(pm).get(reverse("home")).text
    assert "Nothing of other teams waits on yours." in page


def test_a_leader_of_both_teams_is_told_of_an_urgent_wait_once(
    team, pm, leader, other_team, django_capture_on_commit_callbacks
):
    other_team.leader = leader
    other_team.save()
    with django_capture_on_commit_callbacks(execute=True):
        waits_on(team, other_team, pm, is_urgent=True)
    [message] = mail.outbox
    assert message.subject.startswith("Urgent obstacle on Checkout")


def test_the_blocking_teams_leader_may_answer_in_a_comment(client_for, team, pm, other_team):
    obstacle = waits_on(team, other_team, pm)
    client = client_for(other_team.leader)

    assert 'class="comment-form"' in client.get(obstacle.get_absolute_url()).text
    client.post(reverse("obstacles:comment", args=[obstacle.pk]), {"text": "Early May."})

    assert obstacle.events.get(kind="comment").text == "Early May."


def test_the_blocking_teams_leader_is_shown_the_rest_in_the_log(
    client_for, team, pm, other_team, current_quarter
):
    waiting = [
        waits_on(team, other_team, pm, title=f"Wait {n}") for n in range(NEEDS_YOU_SHOWN + 2)
    ]
    ObstacleFactory(team=team, created_by=pm, title="Not theirs at all")
    client = client_for(other_team.leader)

    home = client.get(reverse("home")).text
    assert "2 more: every obstacle waiting on your teams" in home
    log = client.get(reverse("obstacles:log"), {"asks": "waiting"}).text

    assert all(obstacle.title in log for obstacle in waiting)
    assert "Not theirs at all" not in log


def test_needs_you_refreshed_by_htmx_keeps_what_waits(client_for, team, pm, other_team):
    waiting = waits_on(team, other_team, pm)
    response = client_for(other_team.leader).get(
        reverse("home"), headers={"HX-Request": "true", "HX-Target": "needs-you"}
    )
    assert "<html" not in response.text
    assert waiting.title in response.text
