"""Password guessing: after a few failures, sign-in is paused with a clear message."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth.signals import user_login_failed
from django.urls import reverse
from django.utils import timezone

from headway.models import SignInFailureCount
from tests.factories import PASSWORD, UserFactory
from tests.ops.conftest import CSRF_FIELD, Browser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.SIGNIN_FAILURE_LIMIT = 3
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 10
    settings.SIGNIN_LOCKOUT_MINUTES = 15


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
    expiries = SignInFailureCount.objects.values_list("expires_at", flat=True)

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


def test_a_missing_password_checks_nothing_and_counts_nothing(client):
    UserFactory(username="sam")
    for _ in range(5):
        sign_in(client, "sam", "")

    assert not SignInFailureCount.objects.filter(count__gt=0).exists()
    assert sign_in(client, "sam", PASSWORD).status_code == 302


def test_a_missing_password_does_not_forgive_earlier_mistakes(client):
    UserFactory(username="sam")
    for password in ("wrong", "wrong", "", "wrong"):
        sign_in(client, "sam", password)

    assert b"Too many failed" in sign_in(client, "sam", PASSWORD).content


GUESSES = 10


@pytest.mark.django_db(transaction=True)
def test_guesses_sent_at_the_same_moment_are_checked_no_more_than_the_limit(live_server):
    """Ten wrong passwords at once (as many as the test server takes at the same moment),
    each on its own connection and server thread, as a guessing script sends them: only
    three passwords are ever checked."""
    UserFactory(username="sam")
    checked = []
    count = threading.Lock()

    def password_checked(**kwargs):
        with count:
            checked.append(kwargs["credentials"]["username"])

    start = threading.Barrier(GUESSES)

    def guess(number):
        browser = Browser(live_server.url)
        token = CSRF_FIELD.search(browser.get(reverse("login")).text).group(1)
        start.wait(timeout=60)
        wrong = {"username": "sam", "password": f"guess {number}", "csrfmiddlewaretoken": token}
        return browser.post(reverse("login"), wrong)

    user_login_failed.connect(password_checked)
    try:
        with ThreadPoolExecutor(max_workers=GUESSES) as pool:
            answers = list(pool.map(guess, range(GUESSES)))
    finally:
        user_login_failed.disconnect(password_checked)

    assert [answer.status for answer in answers] == [200] * GUESSES
    assert len(checked) == 3
    assert sum("Too many failed sign-in attempts" in answer.text for answer in answers) == 7
