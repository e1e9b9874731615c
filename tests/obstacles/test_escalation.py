"""Urgent obstacles reach the leader at once by e-mail, through the job queue: queued in the
transaction of the change, delivered by a worker over SMTP, retried while the mail server
fails, never sent twice."""

import pytest
from django.db import transaction
from django.utils import translation

from headway.emails import send_again
from headway.models import Email, Preference
from obstacles.models import Obstacle
from tests.factories import ObstacleFactory
from tests.mail import html_of, links_in, text_of
from tests.queue import RETRIES_DUE_AT_ONCE, jobs, jobs_another_connection_sees, run_workers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("quiet_clock")]


def test_logging_an_urgent_obstacle_emails_the_leader_with_a_link(
    team, pm, leader, settings, smtp_server
):
    settings.SITE_URL = "https://headway.example"
    obstacle = Obstacle.log(
        team=team, by=pm, title="Biggest customer can't pay", kind="customer", is_urgent=True
    )

    run_workers()

    [message] = smtp_server.messages
    assert message["To"] == leader.email
    assert message["Subject"] == "Urgent obstacle on Checkout: Biggest customer can't pay"
    assert f"https://headway.example/obstacles/{obstacle.pk}/" in text_of(message)
    assert links_in(message)[0] == f"https://headway.example/obstacles/{obstacle.pk}/"
    assert "Biggest customer can&#x27;t pay" in html_of(message)
    assert [e.kind for e in obstacle.events.all()] == ["created", "escalated"]
    assert Email.objects.get().status == Email.Status.SENT


def test_the_escalation_is_queued_with_the_change_and_not_before_it_commits(team, pm):
    with transaction.atomic():
        Obstacle.log(team=team, by=pm, title="Outage", kind="customer", is_urgent=True)
        [job] = jobs()
        assert job["task_name"] == "headway.send_email"
        assert job["args"] == {"email_id": Email.objects.get().pk}
        assert jobs_another_connection_sees() == 0

    assert jobs_another_connection_sees() == 1


def test_no_mail_goes_out_for_a_change_rolled_back(team, pm, smtp_server):
    with pytest.raises(Exception), transaction.atomic():
        # A stakeholder concern needs a decide-by date: the change is refused.
        Obstacle.log(team=team, by=pm, title="Half", kind="stakeholder", is_urgent=True)

    run_workers()

    assert not Email.objects.exists()
    assert jobs() == []
    assert smtp_server.messages == []


def test_marking_urgent_later_escalates_once(team, pm, leader, smtp_server):
    obstacle = ObstacleFactory(team=team, created_by=pm)
    obstacle.escalate(pm, version=1)
    obstacle.escalate(pm)  # already urgent: nothing more

    run_workers()

    assert len(smtp_server.messages) == 1
    assert obstacle.events.filter(kind="escalated").count() == 1


def test_escalating_again_after_lifting_the_urgency_tells_the_leader_again(team, pm, smtp_server):
    obstacle = ObstacleFactory(team=team, created_by=pm, is_urgent=True)
    obstacle.set_urgent(pm, False)
    obstacle.set_urgent(pm, True)

    run_workers()

    assert len(smtp_server.messages) == 2


def test_lifting_urgency_sends_nothing(team, pm, smtp_server):
    obstacle = Obstacle.log(team=team, by=pm, title="Calm", kind="other")
    obstacle.set_urgent(pm, True)
    Email.objects.all().delete()
    obstacle.set_urgent(pm, False)

    assert not Email.objects.exists()
    assert obstacle.events.last().kind == "urgency_lifted"


def test_a_leader_who_escalates_is_not_told_what_they_did(team, leader, smtp_server):
    Obstacle.log(team=team, by=leader, title="Mine", kind="customer", is_urgent=True)

    run_workers()

    assert smtp_server.messages == []


def test_a_leader_who_turned_escalations_off_gets_none(team, pm, leader, smtp_server):
    Preference.turn_off(leader, Email.Kind.ESCALATION)

    Obstacle.log(team=team, by=pm, title="Outage", kind="customer", is_urgent=True)
    run_workers()

    assert smtp_server.messages == []
    assert not Email.objects.exists()


def test_a_mail_server_that_fails_keeps_the_obstacle_and_the_email_until_it_is_back(
    team, pm, leader, smtp_server, time_machine
):
    time_machine.move_to(RETRIES_DUE_AT_ONCE)
    smtp_server.refuse("451 4.3.0 Try again later")
    obstacle = Obstacle.log(team=team, by=pm, title="Outage", kind="customer", is_urgent=True)

    run_workers()

    # Every attempt was refused: the e-mail and its job failed, visibly, nothing lost.
    assert Obstacle.objects.filter(pk=obstacle.pk, is_urgent=True).exists()
    email = Email.objects.get()
    assert email.status == Email.Status.FAILED
    assert email.attempts == 6 == smtp_server.refused
    assert "451" in email.last_error
    [job] = jobs(task_name="headway.send_email")
    assert (job["status"], job["attempts"]) == ("failed", 6)

    smtp_server.accept()
    assert send_again(Email.objects.all()) == 1
    run_workers()

    assert [m["To"] for m in smtp_server.messages] == [leader.email]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.SENT, 7)


@pytest.mark.parametrize(
    ("language", "subject"),
    [("fr", "Obstacle urgent pour Checkout\u00a0: Paiements refusés"), (None, "Urgent obstacle")],
)
def test_the_leader_reads_the_escalation_in_their_own_language(
    team, pm, leader, language, subject, smtp_server
):
    if language:
        Preference.remember_language(leader, language)
    with translation.override("en"):
        Obstacle.log(team=team, by=pm, title="Paiements refusés", kind="customer", is_urgent=True)

    run_workers()

    [message] = smtp_server.messages
    assert message["Subject"].startswith(subject)
