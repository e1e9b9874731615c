"""PostgreSQL stops under load: pages answer 503 at once, then every worker recovers alone.

Runs against a throwaway PostgreSQL of its own (never the shared development database), with
one gunicorn app server of two workers started as `make serve` would. `make outage-check`
runs only this file.
"""

import threading
import time

import psycopg
import pytest

from tests.factories import PASSWORD

from .conftest import AppServer, Browser, answers, free_ports, manage, production_env, wait_until

FAST_ENOUGH = 5  # seconds: connect_timeout is 3, and a refused connection fails at once


class Load:
    """A signed-in user who keeps reading the home page and saving a new group."""

    def __init__(self, browser):
        self.browser = browser
        self.results = []
        self.saved = []
        self.running = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def start(self):
        self.running.set()
        self.thread.start()

    def stop(self):
        self.running.clear()
        self.thread.join(timeout=30)

    def run(self):
        number = 0
        while self.running.is_set():
            number += 1
            self.results.append(self.browser.get("/"))
            form = self.browser.get("/admin/auth/group/add/")
            self.results.append(form)
            if form.status == 200:
                token = form.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
                name = f"load {number}"
                answer = self.browser.post(
                    "/admin/auth/group/add/", {"csrfmiddlewaretoken": token, "name": name}
                )
                self.results.append(answer)
                if answer.status == 302:
                    self.saved.append(name)
            time.sleep(0.05)


@pytest.fixture
def app_server(throwaway_postgres, tmp_path):
    env = production_env(
        DATABASE_URL=throwaway_postgres.url,
        STATIC_ROOT=tmp_path / "static",
        WORKERS=2,
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createcachetable", "-v", "0")
    manage(
        env,
        "createsuperuser",
        "--no-input",
        "--username",
        "ops-admin",
        "--email",
        "ops@example.com",
    )
    manage(env, "collectstatic", "--no-input", "-v", "0")
    server = AppServer(env, free_ports(1)[0], tmp_path / "gunicorn.log")
    yield server
    server.stop()


def test_an_outage_answers_503_then_heals_without_a_restart(throwaway_postgres, app_server):
    browser = Browser(app_server.url)
    browser.sign_in("ops-admin", PASSWORD)
    load = Load(browser)
    load.start()
    time.sleep(2)

    throwaway_postgres.stop()
    time.sleep(3)
    page = browser.get("/")
    health = answers(app_server.url + "/healthz")
    throwaway_postgres.start()
    recovered = wait_until(lambda: answers(app_server.url + "/healthz") == 200, seconds=20)
    time.sleep(2)
    load.stop()
    after = [browser.get("/") for _ in range(10)]

    assert page.status == 503
    assert "Headway is briefly unavailable" in page.text
    assert "Traceback" not in page.text and "OperationalError" not in page.text
    assert page.headers["retry-after"] == "30"
    assert page.seconds < FAST_ENOUGH
    assert health == 503
    assert recovered
    assert {answer.status for answer in load.results} >= {200, 302, 503}
    assert max(answer.seconds for answer in load.results) < FAST_ENOUGH
    # Both workers serve again, and the session saved before the outage still signs in.
    assert [answer.status for answer in after] == [200] * 10
    with psycopg.connect(throwaway_postgres.url) as connection:
        groups = {name for (name,) in connection.execute("SELECT name FROM auth_group")}
    assert load.saved and set(load.saved) <= groups
    # The stack goes to the log, never to the page.
    log = app_server.log_path.read_text()
    assert "Traceback" in log and "OperationalError" in log
