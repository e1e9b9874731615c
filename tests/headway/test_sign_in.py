import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["home", "objectives:teams", "password_change"])
def test_every_page_but_sign_in_requires_it(client, name):
    assert client.get(reverse(name)).status_code == 302


def test_sign_in_page_is_open_to_anonymous_visitors(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in to Headway" in response.content


def test_signing_in_lands_on_home(client):
    UserFactory(username="sam")
    response = client.post(reverse("login"), {"username": "sam", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_password_is_refused_with_a_message_and_the_username_kept(client):
    UserFactory(username="sam")
    response = client.post(reverse("login"), {"username": "sam", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert b'value="sam"' in response.content


def test_sign_out_is_a_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_sends_an_email(client, mailoutbox):
    UserFactory(username="sam", email="sam@example.com")
    response = client.post(reverse("password_reset"), {"email": "sam@example.com"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_page_carries_csrf_token_for_htmx(client_for, leader):
    response = client_for(leader).get(reverse("home"))
    assert b'hx-headers=\'{"X-CSRFToken": "' in response.content
    assert b"django_htmx/htmx-2.min.js" in response.content


def test_page_titles_name_the_page_then_headway(client):
    response = client.get(reverse("login"))
    assert b"<title>Sign in \xc2\xb7 Headway</title>" in response.content
