"""A database outage answers a friendly 503; any other error the plain 500 page."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

SESSION_LOAD = "django.contrib.sessions.backends.db.SessionStore.load"


@pytest.fixture
def browser():
    """A client that gets the error page, as a browser would, instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_answers_503_when_the_database_is_unreachable(browser, error):
    browser.cookies["sessionid"] = "a-session"
    with mock.patch(SESSION_LOAD, side_effect=error("connection refused")):
        response = browser.get(reverse("home"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"Headway is briefly unavailable" in response.content
    assert b"connection refused" not in response.content
    assert b"Traceback" not in response.content


def test_the_503_page_offers_to_try_the_same_page_again(browser):
    browser.cookies["sessionid"] = "a-session"
    with mock.patch(SESSION_LOAD, side_effect=OperationalError("down")):
        response = browser.get(reverse("objectives:teams") + "?q=a")

    assert b'href="/teams/?q=a"' in response.content


def test_the_503_page_speaks_the_visitors_language(browser):
    browser.cookies["sessionid"] = "a-session"
    with mock.patch(SESSION_LOAD, side_effect=OperationalError("down")):
        response = browser.get(reverse("home"), headers={"accept-language": "fr"})

    assert response.status_code == 503
    assert b'<html lang="fr">' in response.content


def test_other_errors_answer_the_plain_500_page(browser, leader):
    browser.force_login(leader)
    with mock.patch("dashboard.views.render", side_effect=RuntimeError("a bug")):
        response = browser.get(reverse("home"))

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"a bug" not in response.content


def test_the_error_and_its_stack_go_to_the_log(browser, leader, caplog):
    browser.force_login(leader)
    with mock.patch("dashboard.views.render", side_effect=RuntimeError("a bug")):
        browser.get(reverse("home"))

    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.levelname == "ERROR"
    assert record.exc_info[0] is RuntimeError
