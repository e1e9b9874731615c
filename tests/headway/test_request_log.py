"""One log line per request: method, path, status, duration and user id, nothing more."""

import io
import json
import logging
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from headway.log import JSONFormatter
from tests.ops.conftest import database_url

pytestmark = pytest.mark.django_db


def request_lines(caplog):
    return [record for record in caplog.records if record.name == "headway.requests"]


def test_each_request_logs_one_line(client_for, leader, caplog):
    caplog.set_level(logging.INFO, logger="headway.requests")

    client_for(leader).get(reverse("home") + "?q=private+search")

    [line] = request_lines(caplog)
    assert line.getMessage().startswith("GET / 200 ")
    assert line.getMessage().endswith(f"ms user={leader.pk}")
    assert (line.method, line.path, line.status, line.user_id) == ("GET", "/", 200, leader.pk)
    assert line.duration_ms >= 0


def test_the_line_holds_no_personal_data_beyond_the_id(client_for, leader, caplog):
    caplog.set_level(logging.INFO, logger="headway.requests")

    client_for(leader).get(reverse("home") + "?q=private+search")

    text = JSONFormatter().format(request_lines(caplog)[0])
    assert "private" not in text
    assert leader.username not in text and leader.email not in text


def test_anonymous_requests_and_redirects_are_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="headway.requests")

    client.get(reverse("home"))

    [line] = request_lines(caplog)
    assert (line.status, line.user_id) == (302, None)
    assert line.getMessage().endswith("user=-")


def test_logging_costs_no_query_when_the_view_needs_no_user(
    client, caplog, django_assert_num_queries
):
    caplog.set_level(logging.INFO, logger="headway.requests")
    client.cookies["sessionid"] = "someone"

    with django_assert_num_queries(1):  # the health check's own SELECT 1
        client.get(reverse("healthz"))

    assert request_lines(caplog)[0].user_id is None


def test_log_format_json_writes_one_json_object_per_line(db):
    env = {
        **os.environ,
        "DEBUG": "1",
        "LOG_FORMAT": "json",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": database_url(connection.settings_dict),
    }
    script = (
        "import django; django.setup(); from django.test import Client; Client().get('/healthz')"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )

    [entry] = [json.loads(line) for line in result.stderr.splitlines()]
    assert entry["message"].startswith("GET /healthz 200 ")
    assert (entry["logger"], entry["path"], entry["status"]) == (
        "headway.requests",
        "/healthz",
        200,
    )


def test_errors_are_logged_with_their_stack_never_shown(leader):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    logging.getLogger("django.request").addHandler(handler)
    browser = Client(raise_request_exception=False)
    browser.force_login(leader)
    try:
        with mock.patch("dashboard.views.render", side_effect=RuntimeError("a bug")):
            response = browser.get(reverse("home"))
    finally:
        logging.getLogger("django.request").removeHandler(handler)

    entry = json.loads(stream.getvalue().splitlines()[0])
    assert entry["level"] == "ERROR"
    assert "Traceback" in entry["stack"] and "RuntimeError: a bug" in entry["stack"]
    assert response.status_code == 500
    assert b"a bug" not in response.content and b"Traceback" not in response.content
