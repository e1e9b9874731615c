"""A database outage answers a friendly 503; any other error the plain 500 page."""

from unittest import mock

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from dashboard.figures import TeamRow
from headway.postgres import connect

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


def test_an_outage_met_while_a_template_renders_answers_503(browser, leader, team, current_quarter):
    """psycopg's own error, where no Django wrapper stands between the page and it."""
    browser.force_login(leader)

    def unreachable(team):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    # A team row's link is written while the template renders.
    with mock.patch.object(TeamRow, "get_absolute_url", unreachable):
        response = browser.get(reverse("home"))

    assert response.status_code == 503
    assert b"Headway is briefly unavailable" in response.content


def test_an_error_raised_while_handling_an_outage_still_answers_503(
    browser, leader, team, current_quarter
):
    def cleanup_fails_too(team):
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            raise RuntimeError("could not clean up") from None

    browser.force_login(leader)
    with mock.patch.object(TeamRow, "get_absolute_url", cleanup_fails_too):
        response = browser.get(reverse("home"))

    assert response.status_code == 503


@pytest.mark.django_db(transaction=True)
def test_the_database_going_away_in_the_middle_of_a_page_answers_503(
    browser, leader, team, current_quarter
):
    """A real outage: PostgreSQL ends the connection while the template is being rendered
    (the problems page reads its quarter picker's quarters then; the dashboard and the team
    page read everything before)."""
    browser.force_login(leader)
    rendering = []

    def end_the_connection_once_rendering(execute, sql, params, many, context):
        if rendering and not connection.in_atomic_block:
            backend = connection.connection.info.backend_pid
            with connect(connection.settings_dict, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [backend])
        return execute(sql, params, many, context)

    def started_rendering(**kwargs):
        rendering.append(True)

    template_rendered.connect(started_rendering)
    try:
        with connection.execute_wrapper(end_the_connection_once_rendering):
            response = browser.get(reverse("problems"))
    finally:
        template_rendered.disconnect(started_rendering)
        connection.close()

    assert rendering
    assert response.status_code == 503


def test_an_export_meeting_an_outage_answers_503_rather_than_a_cut_off_file(browser, leader):
    def refuse(execute, sql, params, many, context):
        if "obstacles_obstacle" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    browser.force_login(leader)
    with connection.execute_wrapper(refuse):
        response = browser.get(reverse("obstacles:export"))

    assert response.status_code == 503
