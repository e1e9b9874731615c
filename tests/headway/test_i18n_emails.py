"""E-mails are written in the language their recipient chose (headway.models.Preference),
whoever triggers them and in whatever language: the escalation of an urgent obstacle to the
team's leader, and the password reset."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from headway.emails import send_again
from headway.models import Email, Preference
from obstacles.models import Obstacle
from tests.mail import text_of
from tests.queue import RETRIES_DUE_AT_ONCE, run_workers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_clock")]

FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}
ENGLISH = {"accept-language": "en-GB,en;q=0.9"}


def escalate(team, pm, smtp_server):
    """The PM, using Headway in French, logs an urgent stakeholder concern; a worker sends
    the escalation."""
    with translation.override("fr"):
        Obstacle.log(
            team=team,
            by=pm,
            title="Le juridique bloque la nouvelle offre",
            kind="stakeholder",
            severity=Obstacle.Severity.HIGH,
            decide_by=date(2026, 12, 3),
            help_wanted=Obstacle.Help.DECISION,
            is_urgent=True,
        )
    run_workers()
    [message] = smtp_server.messages
    message.body = text_of(message)
    message.subject = message["Subject"]
    return message


@pytest.mark.django_db(transaction=True)
def test_a_french_leader_gets_the_escalation_in_french(team, pm, leader, smtp_server):
    Preference.remember_language(leader, "fr")

    message = escalate(team, pm, smtp_server)

    assert (
        message.subject
        == "Obstacle urgent pour Checkout\u00a0: Le juridique bloque la nouvelle offre"
    )
    assert message.body.startswith("Bonjour Maya Chen,\n\nSam Rivera a signalé comme urgent")
    assert "Type\u00a0: Réserve d’une partie prenante" in message.body
    assert "Gravité\u00a0: Élevée" in message.body
    assert "Décision nécessaire avant le\u00a0: 3 décembre 2026" in message.body
    assert "Aide demandée\u00a0: Une décision" in message.body


@pytest.mark.django_db(transaction=True)
def test_an_english_leader_gets_it_in_english_though_the_pm_works_in_french(
    team, pm, leader, smtp_server
):
    Preference.remember_language(leader, "en")

    message = escalate(team, pm, smtp_server)

    assert message.subject == "Urgent obstacle on Checkout: Le juridique bloque la nouvelle offre"
    assert message.body.startswith("Hello Maya Chen,\n\nSam Rivera marked an obstacle")
    assert "Kind: Stakeholder concern" in message.body
    assert "Decision needed by: Dec. 3, 2026" in message.body


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "Urgent obstacle on Checkout: The platform's API & <the> SDK"),
        ("fr", "Obstacle urgent pour Checkout\u00a0: The platform's API & <the> SDK"),
    ],
)
def test_a_subject_is_plain_text_not_html_escaped_in_each_language(
    team, pm, leader, smtp_server, language, subject
):
    Preference.remember_language(leader, language)
    Obstacle.log(
        team=team, by=pm, title="The platform's API & <the> SDK", kind="other", is_urgent=True
    )

    run_workers()

    [message] = smtp_server.messages
    assert message["Subject"] == subject


@pytest.mark.django_db(transaction=True)
def test_without_a_choice_the_escalation_is_in_the_sites_language(
    team, pm, leader, smtp_server, settings
):
    settings.LANGUAGE_CODE = "en"

    message = escalate(team, pm, smtp_server)

    assert message.subject.startswith("Urgent obstacle on Checkout")


@pytest.mark.django_db(transaction=True)
def test_a_retried_escalation_keeps_the_leaders_language(
    team, pm, leader, smtp_server, time_machine
):
    """The e-mail is written once, in the leader's language, when it is queued: a retry
    sends the same words whatever language the worker runs in."""
    time_machine.move_to(RETRIES_DUE_AT_ONCE)
    Preference.remember_language(leader, "fr")
    smtp_server.refuse("421 4.3.2 Service not available")
    with translation.override("en"):
        Obstacle.log(team=team, by=pm, title="Refunds fail", kind="customer", is_urgent=True)
    run_workers()
    smtp_server.accept()
    send_again(Email.objects.all())

    with translation.override("en"):
        run_workers()

    [message] = smtp_server.messages
    assert message["Subject"] == "Obstacle urgent pour Checkout\u00a0: Refunds fail"


def reset_password(client, user, headers):
    client.post(reverse("password_reset"), {"email": user.email}, headers=headers)
    [message] = mail.outbox
    return message


def test_the_password_reset_is_in_the_language_the_person_chose(client, pm):
    Preference.remember_language(pm, "fr")

    message = reset_password(client, pm, ENGLISH)

    assert message.subject == "Réinitialisation de votre mot de passe Headway"
    assert "Pour choisir un nouveau mot de passe, ouvrez ce lien\u00a0:" in message.body


def test_an_english_choice_wins_over_a_french_browser(client, pm):
    Preference.remember_language(pm, "en")

    message = reset_password(client, pm, FRENCH)

    assert message.subject == "Reset your Headway password"
    assert "To choose a new password, open this link:" in message.body


def test_without_a_choice_the_reset_follows_the_page_it_was_asked_from(client, pm):
    message = reset_password(client, pm, FRENCH)

    assert message.subject == "Réinitialisation de votre mot de passe Headway"
    assert "Si vous n’êtes pas à l’origine de cette demande" in message.body


def test_the_reset_page_itself_stays_in_the_browsers_language(client, pm):
    Preference.remember_language(pm, "fr")

    response = client.post(
        reverse("password_reset"), {"email": pm.email}, headers=ENGLISH, follow=True
    )

    assert "Check your e-mail" in response.text
