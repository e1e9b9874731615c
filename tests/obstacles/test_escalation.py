"""Urgent obstacles reach the leader at once by e-mail; a mail failure loses nothing."""

import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from headway.models import Preference
from obstacles.models import Notification, Obstacle
from tests.factories import ObstacleFactory

pytestmark = pytest.mark.django_db


class FailingBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def mail_server_down(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.obstacles.test_escalation.FailingBackend"}}


def test_logging_an_urgent_obstacle_emails_the_leader_with_a_link(
    team, pm, leader, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://headway.example"
    with django_capture_on_commit_callbacks(execute=True):
        obstacle = Obstacle.log(
            team=team, by=pm, title="Biggest customer cannot pay", kind="customer", is_urgent=True
        )

    [message] = mail.outbox
    assert message.to == [leader.email]
    assert "Biggest customer cannot pay" in message.subject
    assert f"https://headway.example/obstacles/{obstacle.pk}/" in message.body
    assert [e.kind for e in obstacle.events.all()] == ["created", "escalated"]
    assert Notification.objects.get().sent_at is not None


def test_marking_urgent_later_escalates_once(team, pm, leader, django_capture_on_commit_callbacks):
    obstacle = ObstacleFactory(team=team, created_by=pm)
    with django_capture_on_commit_callbacks(execute=True):
        obstacle.escalate(pm, version=1)
        obstacle.escalate(pm)  # already urgent: nothing more

    assert len(mail.outbox) == 1
    assert obstacle.events.filter(kind="escalated").count() == 1


def test_lifting_urgency_sends_nothing(team, pm, django_capture_on_commit_callbacks):
    obstacle = ObstacleFactory(team=team, created_by=pm, is_urgent=True)
    with django_capture_on_commit_callbacks(execute=True):
        obstacle.set_urgent(pm, False)

    assert mail.outbox == []
    assert obstacle.events.last().kind == "urgency_lifted"


def test_no_mail_goes_out_for_a_change_rolled_back(team, pm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Exception):
        Obstacle.log(team=team, by=pm, title="Half", kind="stakeholder", is_urgent=True)
    assert callbacks == []
    assert not Notification.objects.exists()


def test_a_mail_failure_keeps_the_obstacle_and_is_logged(
    team, pm, mail_server_down, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        obstacle = Obstacle.log(
            team=team, by=pm, title="Outage at a key customer", kind="customer", is_urgent=True
        )

    assert Obstacle.objects.filter(pk=obstacle.pk, is_urgent=True).exists()
    notification = Notification.objects.get()
    assert notification.sent_at is None
    assert notification.attempts == 1
    assert "mail server down" in notification.last_error
    assert "Sending notification" in caplog.text


def test_send_notifications_retries_what_failed(
    team, pm, leader, settings, mail_server_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ObstacleFactory(team=team, created_by=pm, is_urgent=True)
    assert Notification.objects.unsent().count() == 1

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("send_notifications")

    assert [m.to for m in mail.outbox] == [[leader.email]]
    notification = Notification.objects.get()
    assert notification.sent_at is not None
    assert notification.attempts == 2
    call_command("send_notifications")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("language", "subject"),
    [("fr", "Obstacle urgent pour Checkout\u00a0: Paiements refusés"), (None, "Urgent obstacle")],
)
def test_the_leader_reads_the_escalation_in_their_own_language(
    team, pm, leader, language, subject, django_capture_on_commit_callbacks
):
    if language:
        Preference.remember_language(leader, language)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        Obstacle.log(team=team, by=pm, title="Paiements refusés", kind="customer", is_urgent=True)

    [message] = mail.outbox
    assert message.subject.startswith(subject)
