"""Every e-mail Headway sends, as a mail client receives it over SMTP: both parts, its
headers, one-click unsubscribe that works from the client's button; and sent once at most."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from headway.emails import message_id, queue_email
from headway.models import Email, EmailKind, Preference
from obstacles.models import Obstacle
from tests.mail import html_of, links_in, text_of
from tests.queue import RETRIES_DUE_AT_ONCE, jobs, run_workers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("quiet_clock")]


@pytest.fixture
def escalation(team, pm, leader, settings):
    settings.SITE_URL = "https://headway.example"
    return Obstacle.log(
        team=team, by=pm, title="Sam's biggest customer can't pay", kind="customer", is_urgent=True
    )


def test_a_message_has_both_parts_and_the_headers_mail_clients_use(escalation, leader, smtp_server):
    run_workers()

    [message] = smtp_server.messages
    assert message["Subject"] == "Urgent obstacle on Checkout: Sam's biggest customer can't pay"
    assert message.get_content_type() == "multipart/alternative"
    assert "Hello Maya Chen," in text_of(message)
    assert '<h1 class="urgent">Sam&#x27;s biggest customer can&#x27;t pay</h1>' in html_of(message)
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == message_id(Email.objects.get())
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://headway.example/unsubscribe/")
    assert unsubscribe in links_in(message)
    assert f"Unsubscribe from these e-mails: {unsubscribe}" in text_of(message)
    assert "https://headway.example/notifications/" in links_in(message)


def test_the_mail_clients_unsubscribe_button_works_without_signing_in(
    escalation, leader, smtp_server
):
    run_workers()
    [message] = smtp_server.messages
    path = urlsplit(message["List-Unsubscribe"].strip("<>")).path

    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert not Preference.of(leader).wants(EmailKind.ESCALATION)


def test_an_email_turned_off_before_a_worker_sends_it_is_not_sent(escalation, leader, smtp_server):
    Preference.turn_off(leader, EmailKind.ESCALATION)

    run_workers()

    assert smtp_server.messages == []
    assert Email.objects.get().status == Email.Status.CANCELLED


def test_an_email_a_worker_was_sending_when_it_died_is_never_sent_again(escalation, smtp_server):
    # A worker marked it as being sent, then died: it may have gone out.
    Email.objects.update(status=Email.Status.SENDING, attempts=1)

    run_workers()

    assert smtp_server.messages == []
    assert Email.objects.get().status == Email.Status.INTERRUPTED


def test_a_refusal_fails_the_email_at_once_without_retrying(escalation, smtp_server):
    smtp_server.refuse("550 5.1.1 No such mailbox")

    run_workers()

    email = Email.objects.get()
    assert (email.status, email.attempts, smtp_server.refused) == (Email.Status.FAILED, 1, 1)
    assert "550" in email.last_error
    [job] = jobs(task_name="headway.send_email")
    assert job["status"] == "failed"


def test_two_workers_send_each_email_once(team, pm, leader, smtp_server, time_machine):
    time_machine.move_to(RETRIES_DUE_AT_ONCE)
    for n in range(12):
        Obstacle.log(team=team, by=pm, title=f"Outage {n}", kind="customer", is_urgent=True)

    run_workers(count=2)

    assert len(smtp_server.messages) == 12
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 12
    assert set(Email.objects.values_list("status", flat=True)) == {Email.Status.SENT}


def test_the_same_key_is_queued_once(escalation, leader, pm):
    again = queue_email(
        key=Email.objects.get().key,
        kind=EmailKind.ESCALATION,
        recipient=leader,
        template="obstacles/emails/escalation",
        context={"obstacle": escalation, "by": pm, "url": escalation.full_url()},
    )

    assert again is None
    assert Email.objects.count() == 1
    assert len(jobs()) == 1
