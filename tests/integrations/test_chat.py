"""Chat channels: a team's leader connects a Slack or Teams channel, and Headway posts there
through the job queue, to a real HTTP server on loopback standing in for the platform."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from coaching.models import Learning
from integrations.models import ChatChannel, ChatEvent, ChatMessage
from obstacles.models import Obstacle
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    LearningFactory,
    ObjectiveFactory,
    ObstacleFactory,
    QuarterFactory,
)
from tests.queue import RETRIES_DUE_AT_ONCE, run_workers
from tests.receiver import loopback_receiver

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def allowed(loopback_allowed):
    pass


@pytest.fixture
def slack():
    with loopback_receiver("/services/T000/B000/XXXX") as receiver:
        yield receiver


@pytest.fixture
def teams_hook():
    with loopback_receiver("/workflows/abc/triggers/manual/paths/invoke") as receiver:
        yield receiver


def connect(team, receiver, platform="slack", events=None, **fields):
    channel = ChatChannel(
        team=team, platform=platform, name="#checkout", events=events or ChatEvent.values, **fields
    )
    channel.set_webhook_url(receiver.url)
    channel.save()
    return channel


def test_an_urgent_obstacle_reaches_the_teams_slack(deliver, team, pm, slack):
    connect(team, slack)
    obstacle = Obstacle.log(
        team=team,
        by=pm,
        title="Biggest customer can't pay <today>",
        kind="customer",
        is_urgent=True,
    )

    deliver()

    [request] = slack.requests
    body = request.json()
    assert body["text"] == "Urgent obstacle on Checkout: Biggest customer can't pay &lt;today&gt;"
    blocks = body["blocks"]
    assert (
        blocks[0]["text"]["text"]
        == "*Urgent obstacle on Checkout: Biggest customer can't pay &lt;today&gt;*"
    )
    assert blocks[-1]["elements"][0]["url"] == f"https://headway.example/obstacles/{obstacle.pk}/"
    assert "*Marked urgent by*\nSam Rivera" in [f["text"] for f in blocks[1]["fields"]]
    assert ChatMessage.objects.get().status == ChatMessage.Status.SENT


def test_a_shared_learning_reaches_the_channels_of_the_teams_it_is_shared_with(
    deliver, team, leader, other_team, slack
):
    connect(team, slack)
    with loopback_receiver() as elsewhere:
        connect(other_team, elsewhere)
        learning = Learning.objects.create(
            title="Wallets double conversion",
            body="…",
            source_team=other_team,
            author=other_team.leader,
        )
        learning.teams.set([team])

        deliver()

        assert elsewhere.requests == []
    [request] = slack.requests
    assert request.json()["text"] == "A learning for Checkout: Wallets double conversion"
    link = request.json()["blocks"][-1]["elements"][0]["url"]
    assert link == "https://headway.example/coaching/learnings/?team=checkout"


def test_teams_gets_an_adaptive_card(deliver, team, pm, teams_hook):
    connect(team, teams_hook, platform="teams")
    obstacle = ObstacleFactory(team=team, created_by=pm, title="Payments [down]")
    obstacle.resolve(pm, "Restarted the *queue*")

    deliver()

    [request] = teams_hook.requests
    body = request.json()
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["body"][0]["text"] == r"Obstacle resolved on Checkout: Payments \[down\]"
    assert {"title": "Resolution", "value": r"Restarted the \*queue\*"} in card["body"][1]["facts"]
    assert card["actions"][0]["url"] == f"https://headway.example/obstacles/{obstacle.pk}/"


def test_each_kind_can_be_switched_off(deliver, team, pm, slack):
    connect(team, slack, events=[ChatEvent.RESOLVED])
    Obstacle.log(team=team, by=pm, title="Urgent but muted", kind="customer", is_urgent=True)

    deliver()

    assert slack.requests == []


def test_messages_are_in_the_organizations_language(deliver, settings, team, pm, slack):
    settings.LANGUAGE_CODE = "fr"
    connect(team, slack)
    Obstacle.log(team=team, by=pm, title="Panne", kind="customer", is_urgent=True)

    deliver()

    assert slack.requests[0].json()["text"] == "Obstacle urgent pour Checkout\u00a0: Panne"


def test_a_failing_post_is_retried(deliver, time_machine, team, pm, slack):
    time_machine.move_to(RETRIES_DUE_AT_ONCE)
    slack.answers = [(500, "oops"), (503, "busy"), (200, "ok")]
    connect(team, slack)
    Obstacle.log(team=team, by=pm, title="Outage", kind="customer", is_urgent=True)

    deliver()

    assert len(slack.requests) == 3
    message = ChatMessage.objects.get()
    assert (message.status, message.attempts) == (ChatMessage.Status.SENT, 3)


def test_a_channel_that_keeps_failing_is_switched_off_with_its_reason(
    deliver, settings, time_machine, team, pm, slack
):
    settings.INTEGRATIONS_DISABLE_AFTER = 2
    slack.answers = [(404, "no_service")]
    channel = connect(team, slack)
    for n in range(3):
        Obstacle.log(team=team, by=pm, title=f"Outage {n}", kind="customer", is_urgent=True)
        deliver()

    channel.refresh_from_db()
    assert not channel.is_enabled
    assert channel.disabled_reason == (
        "Switched off after 2 failed deliveries in a row. The last one: HTTP 404: no_service"
    )
    assert len(slack.requests) == 2  # a refusal is not retried, and the third was not sent
    assert ChatMessage.objects.filter(status="failed").count() == 2


def test_a_decision_due_tomorrow_is_told_once(time_machine, team, pm, slack):
    time_machine.move_to(datetime(2026, 11, 19, 9, 1, tzinfo=UTC))  # 10:01 in Paris
    connect(team, slack)
    ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", title="Pricing", decide_by=date(2026, 11, 20)
    )
    ObstacleFactory(
        team=team, created_by=pm, kind="stakeholder", title="Later", decide_by=date(2026, 11, 25)
    )

    run_workers()
    time_machine.move_to(datetime(2026, 11, 19, 10, 1, tzinfo=UTC))
    run_workers()

    [request] = slack.requests
    assert request.json()["text"] == "A decision is due tomorrow on Checkout: Pricing"


def test_falling_behind_pace_is_told_once(time_machine, team, pm, slack):
    time_machine.move_to(datetime(2026, 11, 15, 9, 1, tzinfo=UTC))
    quarter = QuarterFactory(label="2026-Q4")
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(team=team, quarter=quarter), start_value=0, target_value=100
    )
    CheckInFactory(key_result=key_result, value=45, author=pm)
    channel = connect(team, slack, last_pace="on_track")

    run_workers()  # 45% of the way at day 46 of 92: on pace
    assert slack.requests == []
    time_machine.move_to(datetime(2026, 12, 5, 9, 1, tzinfo=UTC))
    run_workers()  # still 45% at two thirds of the quarter: behind
    time_machine.move_to(datetime(2026, 12, 5, 11, 1, tzinfo=UTC))
    run_workers()

    [request] = slack.requests
    assert request.json()["text"] == "Checkout has fallen behind pace in 2026-Q4"
    channel.refresh_from_db()
    assert channel.last_pace == "off_track"


def test_a_learning_shared_later_with_more_teams_reaches_their_channels_once(
    deliver, client_for, team, leader, other_team, slack
):
    learning = LearningFactory(source_team=other_team, title="Cache the tax tables")
    connect(team, slack)
    deliver()
    assert slack.requests == []  # not shared with the team yet

    client_for(other_team.leader).post(
        reverse("coaching:learning_share", args=[learning.pk]), {"teams": [team.pk]}
    )
    deliver()
    deliver()

    [request] = slack.requests
    assert request.json()["text"] == "A learning for Checkout: Cache the tax tables"
