"""Deactivating a person: their sign-in stops at once, everything they wrote stays."""

import pytest
from django.test import Client
from django.urls import reverse

from headway.models import Session
from tests.factories import PASSWORD, ObstacleFactory

pytestmark = pytest.mark.django_db


def signed_in_browser(user):
    """A browser of its own, signed in through the sign-in form."""
    browser = Client()
    response = browser.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_a_leader_deactivates_a_member_who_is_signed_out_everywhere_at_once(client_for, pm, leader):
    laptop, phone = signed_in_browser(pm), signed_in_browser(pm)
    assert Session.objects.filter(user=pm).count() == 2

    response = client_for(leader).post(reverse("people:deactivate", args=[pm.pk]), follow=True)

    assert b"Sam Rivera is deactivated and signed out (2 sessions ended)." in response.content
    assert not Session.objects.filter(user=pm).exists()
    for browser in (laptop, phone):
        assert browser.get(reverse("home")).status_code == 302
    assert signed_in_browser_fails(pm)


def signed_in_browser_fails(user):
    response = Client().post(reverse("login"), {"username": user.username, "password": PASSWORD})
    return response.status_code == 200


def test_what_they_wrote_stays_with_their_name(client_for, pm, team, leader):
    obstacle = ObstacleFactory(team=team, created_by=pm, title="Blocked by legal")
    obstacle.comment(pm, "Still waiting")
    client_for(leader).post(reverse("people:deactivate", args=[pm.pk]))

    page = client_for(leader).get(obstacle.get_absolute_url()).content.decode()

    assert "Blocked by legal" in page and "Still waiting" in page and "Sam Rivera" in page


def test_the_admin_action_deactivates_and_points_to_the_handover(
    client_for, admin_user, pm, tech_lead
):
    browser = signed_in_browser(pm)

    response = client_for(admin_user).post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate", "_selected_action": [pm.pk, tech_lead.pk, admin_user.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "Sam Rivera is deactivated (1 session ended)." in page
    assert reverse("people:handover", args=[pm.pk]) in page
    assert "You cannot deactivate yourself." in page
    pm.refresh_from_db(), tech_lead.refresh_from_db(), admin_user.refresh_from_db()
    assert not pm.is_active and not tech_lead.is_active and admin_user.is_active
    assert browser.get(reverse("home")).status_code == 302


def test_deactivating_twice_says_so(client_for, leader, pm):
    client = client_for(leader)
    client.post(reverse("people:deactivate", args=[pm.pk]))

    response = client.post(reverse("people:deactivate", args=[pm.pk]), follow=True)

    assert b"was already deactivated" in response.content


def test_deactivation_is_a_post(client_for, leader, pm):
    assert client_for(leader).get(reverse("people:deactivate", args=[pm.pk])).status_code == 405
