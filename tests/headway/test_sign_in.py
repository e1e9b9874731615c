import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# The pages anyone may open: signing in, getting back into an account, the language of those
# pages, and the health check. Adding a page here is a decision, not an accident.
PUBLIC_VIEWS = {
    "healthz",
    # The job queue's figures, for a monitor.
    "queue_healthz",
    # A signed link from an e-mail, and the button mail clients show (RFC 8058).
    "unsubscribe",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    # Single sign-on: off to the identity provider and back (404 until it is configured).
    "sso_start",
    "sso_callback",
    # The API's description: it holds no data. Its root, which django-ninja routes, is shadowed
    # by a redirect to the API's reference (which asks to sign in).
    "openapi-json",
    "api-root",
}
# Views whose key is in the request instead of a session: a visitor without it is refused,
# never redirected to sign in (a script or a calendar app cannot sign in).
KEYED_VIEWS = {"/api/v1/": 401, "/calendar/": 404}


def every_url(patterns=None, prefix=""):
    """(name, path, view) of every URL Headway routes, its parameters filled with samples."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from every_url(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m[1] == "int" else "x", route)
            path = re.sub(r"[\^$]|\(\?P<\w+>[^)]*\)", "", path).replace("\\", "")
            yield entry.name, "/" + path, entry.callback


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_every_page_but_the_public_ones_sends_anonymous_visitors_to_sign_in(client):
    checked = 0
    for name, path, view in every_url():
        if path.startswith("/admin/"):
            continue  # the administration has its own sign-in, tested below
        if not getattr(view, "login_required", True):
            keyed = [status for start, status in KEYED_VIEWS.items() if path.startswith(start)]
            if keyed and name not in PUBLIC_VIEWS:
                assert client.get(path).status_code in (keyed[0], 405), path
                continue
            assert name in PUBLIC_VIEWS, f"{path} is open to anonymous visitors"
            continue
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("login")), path
        checked += 1
    assert checked > 30


def test_the_administration_sends_anonymous_visitors_to_its_sign_in(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


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
    assert b'data-hx-headers=\'{"X-CSRFToken": "' in response.content
    assert b"django_htmx/htmx-2.min.js" in response.content


def test_page_titles_name_the_page_then_headway(client):
    response = client.get(reverse("login"))
    assert b"<title>Sign in \xc2\xb7 Headway</title>" in response.content
