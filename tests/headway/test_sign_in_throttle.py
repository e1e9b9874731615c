"""Password guessing: after a few failures, sign-in is paused with a clear message."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    settings.SIGNIN_FAILURE_LIMIT = 3
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 10
    settings.SIGNIN_LOCKOUT_MINUTES = 15
    cache.clear()
    yield
    cache.clear()


def sign_in(client, username, password, address="192.0.2.1", path=None):
    return client.post(
        path or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_a_few_mistakes_are_forgiven(client):
    UserFactory(username="sam")
    for _ in range(2):
        sign_in(client, "sam", "wrong")

    response = sign_in(client, "sam", PASSWORD)

    assert response.status_code == 302


def test_too_many_failures_pause_sign_in_even_with_the_right_password(client):
    UserFactory(username="sam")
    for _ in range(3):
        sign_in(client, "sam", "wrong")

    response = sign_in(client, "sam", PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"Too many failed sign-in attempts" in response.content
    assert b"wait 15 minutes and try again, or reset your password" in response.content
    assert b'value="sam"' in response.content


def test_the_pause_counts_usernames_whatever_their_case(client):
    UserFactory(username="sam")
    for username in ("sam", "SAM", " Sam "):
        sign_in(client, username, "wrong")

    assert b"Too many failed" in sign_in(client, "sam", PASSWORD).content


def test_the_pause_lasts_the_window_from_the_last_failure(client):
    UserFactory(username="sam")
    for _ in range(3):
        sign_in(client, "sam", "wrong")
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM headway_cache")
        expiries = [expires for (expires,) in cursor.fetchall()]

    window_end = timezone.now() + timedelta(minutes=15)
    assert len(expiries) == 2  # the username's counter and the address's
    assert all(abs(expires - window_end) < timedelta(seconds=30) for expires in expiries)


def test_other_accounts_still_sign_in_from_elsewhere(client):
    UserFactory(username="sam")
    UserFactory(username="maya")
    for _ in range(3):
        sign_in(client, "sam", "wrong")

    assert sign_in(client, "maya", PASSWORD, address="198.51.100.7").status_code == 302


def test_one_address_guessing_many_accounts_is_paused(client):
    UserFactory(username="maya")
    for n in range(10):
        sign_in(client, f"someone{n}", "wrong")

    response = sign_in(client, "maya", PASSWORD)

    assert b"Too many failed" in response.content
    assert sign_in(client, "maya", PASSWORD, address="198.51.100.7").status_code == 302


def test_a_success_forgets_the_accounts_earlier_mistakes(client):
    UserFactory(username="sam")
    for _ in range(2):
        sign_in(client, "sam", "wrong")
    sign_in(client, "sam", PASSWORD)
    client.logout()

    for _ in range(2):
        sign_in(client, "sam", "wrong")

    assert sign_in(client, "sam", PASSWORD).status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(client, settings):
    settings.NUM_PROXIES = 1
    UserFactory(username="maya")
    for n in range(10):
        client.post(
            reverse("login"),
            {"username": f"someone{n}", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.9",
        )

    from_the_guesser = client.post(
        reverse("login"),
        {"username": "maya", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    from_a_colleague = client.post(
        reverse("login"),
        {"username": "maya", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.10",
    )

    assert b"Too many failed" in from_the_guesser.content
    assert from_a_colleague.status_code == 302


def test_the_admin_sign_in_is_throttled_too(client):
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    for _ in range(3):
        sign_in(client, "admin", "wrong", path=reverse("admin:login"))

    response = sign_in(client, "admin", PASSWORD, path=reverse("admin:login"))

    assert response.status_code == 200
    assert b"Too many failed sign-in attempts" in response.content
