"""The team an obstacle waits on is told: its leader by e-mail when the obstacle names it, and
in "Needs you"; its members on their home; everyone on its team page ("Blocked by us")."""

import pytest
from django.urls import reverse

from dashboard.figures import NEEDS_YOU_SHOWN
from headway.models import EmailKind, Preference
from obstacles.models import Obstacle
from tests.factories import ObstacleFactory, TeamFactory
from tests.mail import links_in, text_of
from tests.queue import run_workers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_clock")]


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


@pytest.mark.django_db(transaction=True)
def test_naming_a_blocking_team_emails_its_leader(team, pm, other_team, settings, smtp_server):
    settings.SITE_URL = "https://headway.example"
    obstacle = waits_on(team, other_team, pm)

    run_workers()

    [message] = smtp_server.messages
    assert message["To"] == other_team.leader.email
    assert message["Subject"] == (
        "Checkout waits on Payments Platform: 3-D Secure 2 needs the payment-intent API"
    )
    assert "Sam Rivera says that Checkout waits on Payments Platform" in text_of(message)
    assert "A date we can plan on." in text_of(message)
    page = f"https://headway.example/obstacles/{obstacle.pk}/"
    assert page in text_of(message)
    assert page in links_in(message)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.django_db(transaction=True)
def test_the_email_is_in_the_blocking_leaders_language(team, pm, other_team, smtp_server):
    Preference.remember_language(other_team.leader, "fr")
    waits_on(team, other_team, pm, title="L'API de paiement")

    run_workers()

    [message] = smtp_server.messages
    assert message["Subject"] == "Checkout attend Payments Platform\u00a0: L'API de paiement"


@pytest.mark.django_db(transaction=True)
def test_naming_another_blocking_team_later_tells_that_one(team, pm, other_team, smtp_server):
    obstacle = waits_on(team, other_team, pm)
    run_workers()
    identity = TeamFactory(name="Identity")

    obstacle.edit(pm, obstacle.version, blocking_team=identity)
    obstacle.edit(pm, obstacle.version, title="Still waiting on the API")
    run_workers()

    assert [message["To"] for message in smtp_server.messages] == [
        other_team.leader.email,
        identity.leader.email,
    ]


@pytest.mark.django_db(transaction=True)
def test_no_email_to_a_leader_who_names_their_own_team(team, leader, other_team, smtp_server):
    other_team.leader = leader
    other_team.save()
    waits_on(team, other_team, leader)

    run_workers()

    assert smtp_server.messages == []


@pytest.mark.django_db(transaction=True)
def test_a_leader_who_turned_it_off_is_not_told(team, pm, other_team, smtp_server):
    Preference.turn_off(other_team.leader, EmailKind.WAITING_ON_TEAM)
    waits_on(team, other_team, pm)

    run_workers()

    assert smtp_server.messages == []


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


@pytest.mark.django_db(transaction=True)
def test_a_leader_of_both_teams_is_told_of_an_urgent_wait_once(
    team, pm, leader, other_team, smtp_server
):
    other_team.leader = leader
    other_team.save()
    waits_on(team, other_team, pm, is_urgent=True)

    run_workers()

    [message] = smtp_server.messages
    # (A subject this long is folded onto the header's next line: it starts with a space.)
    assert message["Subject"].lstrip().startswith("Urgent obstacle on Checkout")


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
