"""One-click unsubscribe: the signed link in each e-mail, and the List-Unsubscribe-Post
request a mail client sends from its button (RFC 8058), without signing in."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from headway.emails import unsubscribe_token
from headway.models import EmailKind, Preference

pytestmark = pytest.mark.django_db


def link(user, kind=EmailKind.CHECK_IN_REMINDER):
    return reverse("unsubscribe", args=[unsubscribe_token(user.pk, kind)])


def test_opening_the_link_asks_first_and_changes_nothing(client, pm):
    response = client.get(link(pm))

    assert response.status_code == 200
    assert "Stop sending “Check-in reminder” e-mails to pm@example.com?" in (
        response.content.decode()
    )
    assert Preference.of(pm).wants(EmailKind.CHECK_IN_REMINDER)


def test_the_pages_button_unsubscribes_without_signing_in_and_can_undo(client, pm):
    response = client.post(link(pm), {"action": "turn_off"})

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    preference = Preference.of(pm)
    assert not preference.wants(EmailKind.CHECK_IN_REMINDER)
    assert preference.wants(EmailKind.LEADER_DIGEST)

    client.post(link(pm), {"action": "turn_on"})

    assert Preference.of(pm).wants(EmailKind.CHECK_IN_REMINDER)


def test_a_mail_clients_one_click_post_unsubscribes(pm):
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        link(pm, EmailKind.LEARNINGS_DIGEST),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert Preference.of(pm).emails_off == [EmailKind.LEARNINGS_DIGEST]


def test_unsubscribing_twice_keeps_one_entry(client, pm):
    client.post(link(pm))
    client.post(link(pm))

    assert Preference.of(pm).emails_off == [EmailKind.CHECK_IN_REMINDER]


def test_a_changed_token_is_refused(client, pm, leader):
    token = unsubscribe_token(pm.pk, EmailKind.CHECK_IN_REMINDER)
    # The leader's id with the PM's signature.
    forged = (
        unsubscribe_token(leader.pk, EmailKind.CHECK_IN_REMINDER).split(":")[0]
        + ":"
        + (token.split(":")[1])
    )

    for url in (reverse("unsubscribe", args=[forged]), reverse("unsubscribe", args=["nonsense"])):
        response = client.post(url)
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert not Preference.objects.exists()


def test_a_token_for_another_kind_of_email_is_refused(client, pm):
    token = signing.Signer(salt="headway.emails.unsubscribe").sign_object([pm.pk, "spam"])

    assert client.post(reverse("unsubscribe", args=[token])).status_code == 400


def test_other_methods_are_not_allowed(client, pm):
    assert client.put(link(pm)).status_code == 405
