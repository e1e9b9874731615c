"""Outgoing webhooks: an admin registers an address and its events; each call is signed and
timestamped, retried on the queue, and listed with its answer. A receiver on loopback checks
every signature as the README tells receivers to, and refuses a replay."""

import hashlib
import hmac
import time
import urllib.error
import urllib.request

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from integrations.models import Webhook, WebhookDelivery, WebhookEvent
from integrations.tasks import watch
from objectives.forms import CheckInForm
from obstacles.models import Obstacle
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory, ObstacleFactory
from tests.queue import RETRIES_DUE_AT_ONCE
from tests.receiver import Received, loopback_receiver

pytestmark = pytest.mark.django_db(transaction=True)

TOLERANCE = 300


@pytest.fixture(autouse=True)
def allowed(loopback_allowed):
    pass


class Verifier:
    """A receiver's checks, written from the README alone: the signature over
    "<timestamp>.<body>", a timestamp within five minutes, a delivery id not seen before."""

    def __init__(self, secret):
        self.secret, self.seen, self.refused = secret, set(), []

    def __call__(self, request):
        headers = {name.lower(): value for name, value in request.headers.items()}
        timestamp = headers.get("x-headway-timestamp", "")
        expected = (
            "sha256="
            + hmac.new(
                self.secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
            ).hexdigest()
        )
        if not hmac.compare_digest(expected, headers.get("x-headway-signature", "")):
            return self.refuse("bad signature")
        if abs(time.time() - int(timestamp)) > TOLERANCE:
            return self.refuse("too old")
        if headers["x-headway-delivery"] in self.seen:
            return self.refuse("replayed")
        return None  # genuine: the receiver handles it

    def handled(self, request):
        """Done with it: the same delivery again is a replay."""
        self.seen.add({k.lower(): v for k, v in request.headers.items()}["x-headway-delivery"])

    def refuse(self, why):
        self.refused.append(why)
        return (400, why)


def register(receiver, events=WebhookEvent.values):
    webhook = Webhook(url=receiver.url, events=list(events))
    secret = webhook.new_secret()
    webhook.save()
    receiver.check = Verifier(secret)
    return webhook, secret


def test_each_event_reaches_the_receiver_signed(deliver, team, pm, leader, current_quarter):
    with loopback_receiver() as receiver:
        register(receiver)
        obstacle = Obstacle.log(team=team, by=pm, title="Waiting on legal", kind="other")
        obstacle.assign(pm, leader)
        obstacle.resolve(pm, "Signed.")
        objective = ObjectiveFactory(team=team, quarter=current_quarter)
        key_result = KeyResultFactory(objective=objective)

        form = CheckInForm(
            {
                "value": "12",
                "confidence": "on_track",
                "comment": "",
                "day": timezone.localdate().isoformat(),
            },
            key_result=key_result,
            author=pm,
        )
        assert form.is_valid(), form.errors
        form.save()

        deliver()

    events = [r.headers["X-Headway-Event"] for r in receiver.requests]
    assert sorted(events) == sorted(
        ["obstacle.created", "obstacle.changed", "obstacle.resolved", "check_in.saved"]
    )
    assert receiver.check.refused == []
    resolved = next(
        r.json() for r in receiver.requests if r.headers["X-Headway-Event"] == "obstacle.resolved"
    )
    assert (
        resolved["obstacle"]["id"] == obstacle.pk and resolved["obstacle"]["status"] == "resolved"
    )
    assert resolved["change"] == {
        "kind": "obstacle.status_changed",
        "from_value": "open",
        "to_value": "resolved",
        "version": resolved["change"]["version"],
    }
    assert resolved["actor"]["username"] == "pm"
    check_in = next(
        r.json() for r in receiver.requests if r.headers["X-Headway-Event"] == "check_in.saved"
    )
    assert check_in["check_in"]["value"] == 12 and check_in["key_result"]["id"] == key_result.pk
    assert WebhookDelivery.objects.filter(status="sent").count() == 4


def test_only_the_events_subscribed_to(deliver, team, pm):
    with loopback_receiver() as receiver:
        register(receiver, [WebhookEvent.OBSTACLE_RESOLVED])
        obstacle = ObstacleFactory(team=team, created_by=pm)
        obstacle.resolve(pm, "Done.")
        deliver()
    assert [r.headers["X-Headway-Event"] for r in receiver.requests] == ["obstacle.resolved"]


def test_a_replayed_call_is_refused_by_the_receiver(deliver, team, pm):
    with loopback_receiver() as receiver:
        register(receiver, [WebhookEvent.OBSTACLE_CREATED])
        ObstacleFactory(team=team, created_by=pm)
        deliver()
        [original] = receiver.requests
        replay = urllib.request.Request(
            receiver.url, data=original.body, headers=original.headers, method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(replay, timeout=5)
    assert refused.value.code == 400
    assert receiver.check.refused == ["replayed"]


def test_a_tampered_or_old_call_is_refused(team, pm):
    with loopback_receiver() as receiver:
        _webhook, secret = register(receiver, [WebhookEvent.OBSTACLE_CREATED])
        verifier = receiver.check
        body = b'{"event": "obstacle.created"}'
        stamp = str(int(time.time()))
        good = (
            "sha256="
            + hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        )
        assert (
            verifier(
                Received(
                    "/",
                    {
                        "X-Headway-Timestamp": stamp,
                        "X-Headway-Signature": good,
                        "X-Headway-Delivery": "1",
                    },
                    body,
                )
            )
            is None
        )
        assert verifier(
            Received(
                "/",
                {
                    "X-Headway-Timestamp": stamp,
                    "X-Headway-Signature": good,
                    "X-Headway-Delivery": "2",
                },
                body + b" ",
            )
        ) == (400, "bad signature")
        old = str(int(time.time()) - 600)
        old_signature = (
            "sha256="
            + hmac.new(secret.encode(), old.encode() + b"." + body, hashlib.sha256).hexdigest()
        )
        assert verifier(
            Received(
                "/",
                {
                    "X-Headway-Timestamp": old,
                    "X-Headway-Signature": old_signature,
                    "X-Headway-Delivery": "3",
                },
                body,
            )
        ) == (400, "too old")


def test_a_failing_receiver_is_retried_and_each_attempt_signed_anew(
    deliver, time_machine, team, pm
):
    time_machine.move_to(RETRIES_DUE_AT_ONCE)
    with loopback_receiver() as receiver:
        register(receiver, [WebhookEvent.OBSTACLE_CREATED])
        receiver.answers = [(502, "bad gateway"), (200, "thanks")]
        ObstacleFactory(team=team, created_by=pm)
        deliver()
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["X-Headway-Delivery"] == second.headers["X-Headway-Delivery"]
    delivery = WebhookDelivery.objects.get()
    assert (
        delivery.status,
        delivery.attempts,
        delivery.response_status,
        delivery.response_body,
    ) == ("sent", 2, 200, "thanks")


def test_the_admin_sees_deliveries_with_their_answers(deliver, client_for, admin_user, team, pm):
    with loopback_receiver() as receiver:
        webhook, _secret = register(receiver, [WebhookEvent.OBSTACLE_CREATED])
        receiver.check = None
        receiver.answers = [(410, "gone")]
        ObstacleFactory(team=team, created_by=pm)
        deliver()
    page = client_for(admin_user).get(reverse("integrations:webhook", args=[webhook.pk])).text
    assert "obstacle.created" in page and "410" in page and "gone" in page
    assert "Deliver again" in page


def test_only_admins_manage_webhooks(client_for, leader, pm):
    for user in (leader, pm):
        client = client_for(user)
        assert client.get(reverse("integrations:webhooks")).status_code == 403
        assert (
            client.post(
                reverse("integrations:webhooks"),
                {"url": "https://x.example", "events": ["obstacle.created"]},
            ).status_code
            == 403
        )
    assert not Webhook.objects.exists()


def test_registering_shows_the_secret_once(client_for, admin_user):
    client = client_for(admin_user)
    response = client.post(
        reverse("integrations:webhooks"),
        {
            "url": "http://127.0.0.1:9/hook",
            "description": "Jira",
            "events": ["obstacle.created", "check_in.saved"],
        },
    )
    webhook = Webhook.objects.get()
    assert response.url == reverse("integrations:webhook", args=[webhook.pk])
    page = client.get(response.url).text
    assert webhook.secret in page
    assert webhook.secret not in client.get(response.url).text
    assert webhook.secret not in webhook.encrypted_secret


def test_an_address_on_the_private_network_is_refused(settings, client_for, admin_user):
    settings.INTEGRATIONS_ALLOW_PRIVATE_ADDRESSES = False
    response = client_for(admin_user).post(
        reverse("integrations:webhooks"),
        {"url": "https://127.0.0.1/hook", "events": ["obstacle.created"]},
    )
    assert response.status_code == 422
    assert "private network" in response.text
    assert not Webhook.objects.exists()


def test_an_objective_dropped_on_its_page_is_told_with_its_old_and_new_status(
    deliver, client_for, team, pm, current_quarter
):
    objective = ObjectiveFactory(team=team, quarter=current_quarter, owner=pm)
    with loopback_receiver() as receiver:
        register(receiver, [WebhookEvent.OBJECTIVE_STATUS_CHANGED])
        deliver()  # a new objective is noted, not told
        client_for(pm).post(reverse("objectives:objective_drop", args=[team.slug, objective.pk]))
        deliver()
        deliver()  # told once
    [request] = receiver.requests
    body = request.json()
    assert body["event"] == "objective.status_changed"
    assert body["change"] == {
        "kind": "objective.status_changed",
        "from_value": "active",
        "to_value": "dropped",
    }
    assert body["objective"]["id"] == objective.pk
    assert body["actor"]["username"] == "pm"
    assert receiver.check.refused == []


def test_a_corrected_check_in_is_told_again_as_a_correction(deliver, team, pm, current_quarter):
    key_result = KeyResultFactory(objective=ObjectiveFactory(team=team, quarter=current_quarter))
    with loopback_receiver() as receiver:
        register(receiver, [WebhookEvent.CHECK_IN_SAVED])
        check_in = CheckInFactory(key_result=key_result, value=10, author=pm)
        deliver()
        check_in.correct(pm, value=12)
        deliver()
    recorded, corrected = (request.json() for request in receiver.requests)
    assert recorded["change"] == {"kind": "check_in.saved", "corrected": False}
    assert corrected["change"] == {"kind": "check_in.saved", "corrected": True}
    assert corrected["check_in"]["id"] == check_in.pk and corrected["check_in"]["value"] == 12
    assert recorded["id"] != corrected["id"]


def test_a_change_committed_after_a_later_one_was_read_is_still_delivered(deliver, team, pm):
    """A transaction that took its id before another but committed after the watcher read
    the other: the next pass reads it (Watermark reads each id range twice)."""
    slow = ObstacleFactory(team=team, created_by=pm, title="Slow")
    with loopback_receiver() as receiver:
        register(receiver, [WebhookEvent.OBSTACLE_CHANGED])
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params) as other:
            # The slow transaction takes its id first and stays open...
            other.execute(
                "INSERT INTO obstacles_obstacleevent (obstacle_id, kind, actor_id, created_at,"
                " version, from_value, to_value, text) VALUES (%s, 'comment', %s, now(), 1,"
                " '', '', 'Still waiting')",
                [slow.pk, pm.pk],
            )
            # ...while a quicker one commits and is read.
            ObstacleFactory(team=team, created_by=pm, title="Quick").comment(pm, "Quick")
            watch()
        deliver()
    comments = sorted(
        request.json()["obstacle"]["title"]
        for request in receiver.requests
        if request.json()["change"]["kind"] == "obstacle.comment"
    )
    assert len(comments) == 2 and "Slow" in comments


def test_the_webhook_page_costs_the_same_queries_at_any_number_of_deliveries(
    client_for, admin_user, django_assert_num_queries
):
    webhook = Webhook(url="https://hooks.example/in", events=[WebhookEvent.OBSTACLE_CREATED])
    webhook.new_secret()
    webhook.save()
    client = client_for(admin_user)
    page = reverse("integrations:webhook", args=[webhook.pk])

    def deliveries(count):
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                webhook=webhook,
                key=f"obstacle_event:{WebhookDelivery.objects.count() + n}",
                event_type=WebhookEvent.OBSTACLE_CREATED,
                body="{}",
            )
            for n in range(count)
        )

    deliveries(1)
    client.get(page)  # the session's first read
    with django_assert_num_queries(4) as one:
        assert client.get(page).status_code == 200
    deliveries(9)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(page).text.count("Delivery ") == 10
