"""Choosing the language: the browser's Accept-Language until the person picks one with the
switcher; a signed-in person's pick is kept (Preference) and applied again when they sign in
from another browser."""

import pytest
from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse

from headway.models import Preference
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FRENCH = {"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"}
COOKIE = settings.LANGUAGE_COOKIE_NAME


def switch(client, language, next_url="/", **headers):
    return client.post(
        reverse("set_language"), {"language": language, "next": next_url}, headers=headers
    )


def test_a_french_browser_gets_the_sign_in_page_in_french(client):
    response = client.get(reverse("login"), headers=FRENCH)
    assert response.headers["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.text
    assert "Se connecter à Headway" in response.text


def test_an_anonymous_visitor_switches_back_to_english_for_this_browser_only(client):
    response = switch(client, "en", reverse("login") + "?next=/teams/", **FRENCH)

    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=/teams/"
    assert client.cookies[COOKIE].value == "en"
    assert "Sign in to Headway" in client.get(reverse("login"), headers=FRENCH).text
    assert not Preference.objects.exists()


def test_the_switcher_keeps_a_signed_in_persons_choice(client_for, pm):
    client = client_for(pm)

    response = switch(client, "fr", reverse("objectives:teams"))

    assert response.url == reverse("objectives:teams")
    assert client.cookies[COOKIE].value == "fr"
    assert Preference.objects.language_of(pm) == "fr"
    assert "Équipes" in client.get(reverse("objectives:teams")).text


def test_switching_again_replaces_the_choice(client_for, pm):
    client = client_for(pm)
    switch(client, "fr")
    switch(client, "en")
    assert Preference.objects.get(user=pm).language == "en"


def test_the_switcher_is_in_the_user_menu_as_a_plain_form(client_for, pm):
    page = client_for(pm).get(reverse("objectives:teams"), headers=FRENCH).text
    assert f'action="{reverse("set_language")}"' in page
    assert 'name="next" value="/teams/"' in page
    assert 'value="en" lang="en" class="link-button" aria-pressed="false">English' in page
    assert 'value="fr" lang="fr" class="link-button" aria-pressed="true">Français' in page


def test_a_language_not_offered_is_refused(client_for, pm):
    client = client_for(pm)
    response = switch(client, "de")
    assert response.status_code == 400
    assert COOKIE not in client.cookies
    assert not Preference.objects.exists()


def test_switching_is_a_post(client):
    response = client.get(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 405


def test_the_switcher_never_sends_to_another_site(client):
    response = switch(client, "fr", "https://evil.example/")
    assert response.url == "/"


def test_signing_in_on_another_browser_brings_back_the_chosen_language(client):
    user = UserFactory(username="sam")
    Preference.remember_language(user, "fr")

    response = client.post(reverse("login"), {"username": "sam", "password": PASSWORD})

    assert response.url == reverse("home")
    assert client.cookies[COOKIE].value == "fr"
    assert "Tableau de bord" in client.get(reverse("home")).text


def test_the_chosen_language_wins_over_the_browsers(client):
    user = UserFactory(username="sam")
    Preference.remember_language(user, "en")
    client.post(reverse("login"), {"username": "sam", "password": PASSWORD}, headers=FRENCH)
    assert "Dashboard" in client.get(reverse("home"), headers=FRENCH).text


def test_a_language_picked_on_the_sign_in_page_becomes_the_persons_choice(client):
    user = UserFactory(username="sam")
    switch(client, "fr", reverse("login"))

    client.post(reverse("login"), {"username": "sam", "password": PASSWORD})

    assert Preference.objects.language_of(user) == "fr"


def test_signing_in_without_any_choice_keeps_following_the_browser(client):
    user = UserFactory(username="sam")
    client.post(reverse("login"), {"username": "sam", "password": PASSWORD})
    assert COOKIE not in client.cookies
    assert Preference.objects.language_of(user) is None
    assert "Tableau de bord" in client.get(reverse("home"), headers=FRENCH).text


def test_a_failed_sign_in_sets_no_language(client):
    user = UserFactory(username="sam")
    Preference.remember_language(user, "fr")
    response = client.post(reverse("login"), {"username": "sam", "password": "wrong"})
    assert response.status_code == 200
    assert COOKIE not in client.cookies


def test_the_database_refuses_a_language_not_offered(pm):
    with pytest.raises(IntegrityError):
        Preference.objects.create(user=pm, language="de")


def test_the_language_cookie_is_kept_from_scripts_and_travels_like_the_session(client):
    switch(client, "fr")
    assert client.cookies[COOKIE]["httponly"]
    assert settings.LANGUAGE_COOKIE_SECURE == settings.SESSION_COOKIE_SECURE


def test_the_language_cookie_is_same_site_lax_like_the_others(client):
    """Set by the switcher or on sign-in, it is not sent along with other sites' requests."""
    user = UserFactory(username="sam")
    Preference.remember_language(user, "fr")

    switch(client, "fr")
    assert client.cookies[COOKIE]["samesite"] == "Lax"
    client.cookies.clear()
    client.post(reverse("login"), {"username": "sam", "password": PASSWORD})
    assert client.cookies[COOKIE]["samesite"] == "Lax"
    assert client.cookies[settings.SESSION_COOKIE_NAME]["samesite"] == "Lax"
