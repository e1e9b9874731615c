"""`make serve`: gunicorn with DEBUG off, compressed static files cached for good."""

import multiprocessing
import re
import runpy
from pathlib import Path

import pytest
from django.db import connection

from .conftest import ROOT, AppServer, Browser, database_url, free_ports, manage, production_env

GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


@pytest.fixture(scope="module")
def app_server(django_db_setup, django_db_blocker, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    env = production_env(
        DATABASE_URL=url,
        STATIC_ROOT=tmp_path / "static",
        WORKERS=2,
    )
    manage(env, "collectstatic", "--no-input", "-v", "0")
    server = AppServer(env, free_ports(1)[0], tmp_path / "gunicorn.log")
    yield server
    server.stop()


def children_of(pid):
    return [stat for stat in Path("/proc").glob("[0-9]*/stat") if _parent(stat) == pid]


def _parent(stat):
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_static_files_are_hashed_compressed_and_cached_for_good(app_server):
    browser = Browser(app_server.url)
    page = browser.get("/accounts/login/")
    stylesheet = re.search(r'href="(/static/css/headway\.[0-9a-f]{12}\.css)"', page.text).group(1)

    css = browser.get(stylesheet, headers={"Accept-Encoding": "gzip"})

    assert css.status == 200
    assert css.headers["cache-control"] == "max-age=315360000, public, immutable"
    assert css.headers["content-encoding"] == "gzip"


def test_debug_is_off_and_errors_show_no_detail(app_server):
    browser = Browser(app_server.url)

    missing = browser.get("/no-such-page/")

    assert missing.status == 404
    assert "URLconf" not in missing.text and "Traceback" not in missing.text
    assert "x-served-by" not in browser.get("/healthz").headers


def test_workers_follow_the_workers_variable(app_server):
    assert len(children_of(app_server.process.pid)) == 2


def test_workers_default_to_the_cpu_count(monkeypatch):
    monkeypatch.delenv("WORKERS", raising=False)

    config = runpy.run_path(str(GUNICORN_CONFIG))

    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["accesslog"] is None
