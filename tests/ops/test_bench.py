"""`make bench` end to end on a tiny organization: it loads, serves, loads and reports.

The figures of a two-team organization for a few seconds mean nothing; this checks that the
benchmark still runs (generator, probe, gunicorn, locust, report) so that `make bench` works
on a fresh clone. Its results files are left as they are (--no-report). It needs locust, the
`bench` extra: skipped without it, it runs in CI (.ci/run installs the extra).
"""

import os
import subprocess

import psycopg
import pytest

from .conftest import PYTHON, ROOT

TEAMS = 2
# The load generator, beside the Python that runs bench/run.py.
LOCUST = PYTHON.parent / "locust"
PAGES = [
    "healthz",
    "dashboard (all teams)",
    "obstacle log (filter)",
    "obstacle log (search)",
    "obstacle log (filter, htmx)",
    "obstacle log (search, htmx)",
    "admin obstacles (filter)",
    "team page",
    "PM home",
    "teams",
    "learnings",
    "1:1 page",
    "quarter review (organization)",
    "quarter review (team)",
    "quarter review (leader)",
    "quarter review CSV",
    "check-in save",
]


@pytest.fixture
def server_url():
    if not LOCUST.exists():
        pytest.skip("locust is not installed: `make bench` installs the bench extra that has it")
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.skip("DATABASE_URL is not set: run through `make test`")
    yield url
    with psycopg.connect(url, autocommit=True) as server:
        for (name,) in server.execute(
            "SELECT datname FROM pg_database WHERE datname ~ %s", [f"^headway_bench_{TEAMS}_"]
        ).fetchall():
            server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_the_benchmark_runs_every_page_and_checks_the_targets(server_url):
    finished = subprocess.run(
        [PYTHON, "bench/run.py", "--sizes", str(TEAMS), "--seconds", "5", "--users", "2",
         "--timed-requests", "3", "--no-report"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": server_url}, capture_output=True,
        text=True, timeout=600,
    )  # fmt: skip

    assert finished.returncode == 0, finished.stderr[-3000:]
    table = finished.stdout
    for page in PAGES:
        assert f"| {page} | {TEAMS} |" in table
    # Each page timed alone too, beside the signed-in floor view it is compared with.
    assert f"| signed-in floor | {TEAMS} |" in table
    assert f"| dashboard (all teams), htmx fragment | {TEAMS} |" in table
    assert "| no failed request | yes | 0 |" in table
    # Whether each page answered within a few seconds is a figure like the others: on a
    # busy machine a slow page may not have, and the report says so. That it is checked is
    # what this test asserts.
    assert "| every page answered within the run |" in table


def test_hotspots_profiles_a_page_and_its_fragment(server_url):
    """bench/hotspots.py on the benchmark's own database: where a page's time goes."""
    prepare = "import sys; sys.path.insert(0, 'bench'); import run; "
    prepare += f"print(run.prepared_database(sys.argv[1], {TEAMS}, False))"
    prepared = subprocess.run(
        [PYTHON, "-c", prepare, server_url],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    database = prepared.stdout.strip().splitlines()[-1]
    subprocess.run(
        [ROOT / "bin" / "prodenv", PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": database}, check=True, timeout=300,
    )  # fmt: skip
    for page in ["1:1 page", "dashboard (all teams), htmx fragment"]:
        profiled = subprocess.run(
            [ROOT / "bin" / "prodenv", PYTHON, "bench/hotspots.py", page, "2", "5"],
            cwd=ROOT, env={**os.environ, "DATABASE_URL": database}, capture_output=True,
            text=True, timeout=300,
        )  # fmt: skip

        assert profiled.returncode == 0, profiled.stderr[-3000:]
        assert profiled.stdout.startswith(f"{page}: ")
        assert "Headway's own functions, by cumulative time, per request:" in profiled.stdout
