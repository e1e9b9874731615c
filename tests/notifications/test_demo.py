"""The demo has notification settings, and the week's e-mails in the admin (sent, and one
refused by the mail server), written in each person's language; seeding sends nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from headway.models import Email, EmailKind, Preference, Weekday
from tests.queue import jobs

pytestmark = pytest.mark.django_db


def test_the_demo_has_settings_and_the_weeks_emails_without_sending_any(client):
    call_command("seed_demo")

    assert Preference.objects.get(user__username="leader2").digest_day == Weekday.FRIDAY
    assert Preference.objects.get(user__username="lucas").time_zone == "America/New_York"
    assert not Preference.objects.get(user__username="zoe").wants(EmailKind.LEARNINGS_DIGEST)
    statuses = dict(Email.objects.values_list("key", "status"))
    assert statuses["demo:escalation:leader"] == Email.Status.SENT
    # This week's escalation, not one of the past quarters' (long resolved).
    assert Email.objects.get(key="demo:escalation:leader").subject == (
        "Urgent obstacle on Checkout: Card payments from our largest agency partner fail at "
        "checkout"
    )
    assert statuses["demo:one_on_one_preparation:pm"] == Email.Status.SENT
    assert statuses["demo:one_on_one_preparation:aisha"] == Email.Status.FAILED
    assert jobs() == []

    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get(reverse("admin:headway_email_changelist")).content.decode()
    assert "aisha@headway.example" in page
    assert "Failed" in page


def test_seeding_again_adds_no_email():
    call_command("seed_demo")
    count = Email.objects.count()

    call_command("seed_demo")

    assert Email.objects.count() == count


def test_the_french_demos_emails_are_in_french():
    call_command("seed_demo", lang="fr")

    escalation = Email.objects.get(key="demo:escalation:leader")
    assert escalation.subject.startswith("Obstacle urgent pour ")
    assert escalation.language == "fr"
