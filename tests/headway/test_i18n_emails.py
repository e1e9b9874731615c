"""E-mails are written in the language their recipient chose (headway.models.Preference),
whoever triggers them and in whatever language: the escalation of an urgent obstacle to the
team's leader, and the password reset."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from headway.models import Preference
from obstacles.models import Notification, Obstacle

pytestmark = pytest.mark.django_db

FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}
ENGLISH = {"accept-language": "en-GB,en;q=0.9"}


def escalate(team, pm, capture):
    """The PM, using Headway in French, logs an urgent stakeholder concern."""
    with translation.override("fr"), capture(execute=True):
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
    [message] = mail.outbox
    return message


def test_a_french_leader_gets_the_escalation_in_french(
    team, pm, leader, django_capture_on_commit_callbacks
):
    Preference.remember_language(leader, "fr")

    message = escalate(team, pm, django_capture_on_commit_callbacks)

    assert (
        message.subject
        == "Obstacle urgent pour Checkout\u00a0: Le juridique bloque la nouvelle offre"
    )
    assert message.body.startswith("Bonjour Maya Chen,\n\nSam Rivera a signalé comme urgent")
    assert "Type\u00a0: Réserve d’une partie prenante" in message.body
    assert "Gravité\u00a0: Élevée" in message.body
    assert "Décision nécessaire avant le\u00a0: 3 décembre 2026" in message.body
    assert "Aide demandée\u00a0: Une décision" in message.body


def test_an_english_leader_gets_it_in_english_though_the_pm_works_in_french(
    team, pm, leader, django_capture_on_commit_callbacks
):
    Preference.remember_language(leader, "en")

    message = escalate(team, pm, django_capture_on_commit_callbacks)

    assert message.subject == "Urgent obstacle on Checkout: Le juridique bloque la nouvelle offre"
    assert message.body.startswith("Hello Maya Chen,\n\nSam Rivera marked an obstacle")
    assert "Kind: Stakeholder concern" in message.body
    assert "Decision needed by: Dec. 3, 2026" in message.body


def test_without_a_choice_the_escalation_is_in_the_sites_language(
    team, pm, leader, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"

    message = escalate(team, pm, django_capture_on_commit_callbacks)

    assert message.subject.startswith("Urgent obstacle on Checkout")


def test_a_retried_escalation_keeps_the_leaders_language(
    team, pm, leader, django_capture_on_commit_callbacks, monkeypatch
):
    Preference.remember_language(leader, "fr")
    monkeypatch.setattr(Notification, "send_by_pk", classmethod(lambda cls, pk: False))
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        Obstacle.log(team=team, by=pm, title="Refunds fail", kind="customer", is_urgent=True)
    monkeypatch.undo()

    with translation.override("en"):
        Notification.send_unsent()

    [message] = mail.outbox
    assert message.subject == "Obstacle urgent pour Checkout\u00a0: Refunds fail"


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
