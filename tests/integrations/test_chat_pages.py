"""The team's chat channels page: its leader (or an admin) connects a channel, chooses what it
is told, sends a test message and sees whether it arrived; nobody else gets in."""

import pytest
from django.urls import reverse

from integrations.models import ChatChannel, ChatEvent, ChatMessage
from tests.receiver import loopback_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.INTEGRATIONS_ALLOW_PRIVATE_ADDRESSES = True
    settings.INTEGRATIONS_ALLOW_HTTP = True


PAGE = reverse("integrations:team_chat", args=["checkout"])
SLACK = "https://hooks.slack.example/services/T0/B0/secretpart1234"


def connect(client, url=SLACK, **fields):
    data = {
        "platform": "slack",
        "name": "#checkout",
        "webhook_url": url,
        "events": ChatEvent.values,
    }
    return client.post(PAGE, {**data, **fields})


@pytest.mark.parametrize("who", ["leader", "admin_user"])
def test_the_leader_or_an_admin_connects_a_channel(request, client_for, team, who):
    client = client_for(request.getfixturevalue(who))
    response = connect(client)
    assert response.status_code == 302
    channel = ChatChannel.objects.get()
    assert channel.webhook_url == SLACK
    assert SLACK not in channel.encrypted_url
    page = client.get(PAGE).text
    assert "secretpart" not in page and "…1234" in page
    assert channel.events == ChatEvent.values


@pytest.mark.parametrize("who", ["pm", "tech_lead", "outsider"])
def test_nobody_else_sees_or_changes_the_channels(request, client_for, team, leader, who):
    connect(client_for(leader))
    channel = ChatChannel.objects.get()
    client = client_for(request.getfixturevalue(who))
    assert client.get(PAGE).status_code == 403
    assert connect(client, name="#mine").status_code == 403
    for name in ("chat_channel_test", "chat_channel_enable", "chat_channel_delete"):
        url = reverse(f"integrations:{name}", args=["checkout", channel.pk])
        assert client.post(url).status_code == 403
    assert ChatChannel.objects.count() == 1


def test_a_leader_of_another_team_cannot_reach_this_teams_channel(
    client_for, team, leader, other_team
):
    connect(client_for(leader))
    channel = ChatChannel.objects.get()
    url = reverse("integrations:chat_channel_delete", args=["payments-platform", channel.pk])
    assert client_for(other_team.leader).post(url).status_code == 404
    assert ChatChannel.objects.exists()


def test_a_bad_address_is_refused_with_the_input_kept(settings, client_for, team, leader):
    settings.INTEGRATIONS_ALLOW_PRIVATE_ADDRESSES = False
    settings.INTEGRATIONS_ALLOW_HTTP = False
    client = client_for(leader)
    response = connect(client, url="http://hooks.slack.example/x")
    assert response.status_code == 422
    assert "Give an address that starts with https://." in response.text
    assert 'value="#checkout"' in response.text
    response = connect(client, url="https://127.0.0.1/hook")
    assert "private network" in response.text
    assert not ChatChannel.objects.exists()


def test_the_switches_are_saved(client_for, team, leader):
    client = client_for(leader)
    connect(client)
    channel = ChatChannel.objects.get()
    client.post(
        reverse("integrations:chat_channel_edit", args=["checkout", channel.pk]),
        {"name": "#checkout", "events": ["urgent", "resolved"]},
    )
    channel.refresh_from_db()
    assert channel.events == ["urgent", "resolved"]


def test_a_test_message_says_at_once_whether_it_arrived(client_for, team, leader):
    client = client_for(leader)
    with loopback_receiver() as slack:
        connect(client, url=slack.url)
        channel = ChatChannel.objects.get()
        url = reverse("integrations:chat_channel_test", args=["checkout", channel.pk])
        page = client.post(url, follow=True).text
        assert "The test message reached #checkout." in page
        assert slack.requests[0].json()["text"] == "Headway is connected to #checkout"
        slack.answers = [(403, "invalid_token")]
        page = client.post(url, follow=True).text
    assert "The test message did not reach #checkout: HTTP 403: invalid_token" in page
    assert list(ChatMessage.objects.values_list("status", flat=True)) == ["failed", "sent"]


def test_a_switched_off_channel_shows_why_and_can_be_switched_on(client_for, team, leader):
    client = client_for(leader)
    connect(client)
    channel = ChatChannel.objects.get()
    for _ in range(5):
        channel.record_failure("HTTP 404: no_service")
    page = client.get(PAGE).text
    assert (
        "Switched off after 5 failed deliveries in a row. The last one: HTTP 404: no_service"
        in page
    )
    client.post(reverse("integrations:chat_channel_enable", args=["checkout", channel.pk]))
    channel.refresh_from_db()
    assert channel.is_enabled and channel.failures_in_a_row == 0


def test_disconnecting_removes_the_channel(client_for, team, leader):
    client = client_for(leader)
    connect(client)
    channel = ChatChannel.objects.get()
    client.post(reverse("integrations:chat_channel_delete", args=["checkout", channel.pk]))
    assert not ChatChannel.objects.exists()


def test_the_page_costs_the_same_queries_at_any_size(
    client_for, team, leader, django_assert_num_queries
):
    client = client_for(leader)

    def grow(n):
        for i in range(n):
            connect(client, name=f"#c{ChatChannel.objects.count()}")
        for channel in ChatChannel.objects.all():
            for i in range(3):
                ChatMessage.objects.create(
                    channel=channel, key=f"k{i}", event="test", text="hi", payload={}
                )

    grow(1)
    with django_assert_num_queries(6):
        client.get(PAGE)
    ChatMessage.objects.all().delete()
    grow(10)
    with django_assert_num_queries(6):
        client.get(PAGE)


def test_the_hub_shows_each_person_what_they_may_use(client_for, team, leader, pm, admin_user):
    hub = reverse("integrations:hub")
    assert reverse("integrations:team_chat", args=["checkout"]) in client_for(leader).get(hub).text
    page = client_for(pm).get(hub).text
    assert "/chat/" not in page and reverse("integrations:webhooks") not in page
    assert reverse("integrations:webhooks") in client_for(admin_user).get(hub).text
