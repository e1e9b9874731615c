"""Links in e-mails and in the obstacle log's CSV point at the address Headway is served at:
`make run PORT=8311` and `make serve PORT=8311` give the server and its job queue worker that
address as SITE_URL, and an operator's own SITE_URL wins.

The Makefile runs for real, with its Python and gunicorn swapped for a script that writes
down what each process was started with (a real server would need this test to stop it)."""

import os
import subprocess
import textwrap

import pytest

from .conftest import ROOT, free_ports

# The variables a `make test` run leaves in the environment that a `make` run inside a test
# must not inherit (the parent's job server, its settings).
NOT_INHERITED = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SITE_URL", "PORT"}

# Writes "<arguments> | <SITE_URL>" to $STARTED. The server and the worker each wait (up to
# 10 s) until the other has written its line: bin/with-worker stops one as soon as the other
# exits.
RECORDER = textwrap.dedent(
    """\
    #!/bin/sh
    echo "$* | $SITE_URL" >>"$STARTED"
    case "$*" in *runserver*|*gunicorn.conf.py*|*"procrastinate worker"*)
        tries=0
        until { grep -q "procrastinate worker" "$STARTED" &&
                grep -q -e runserver -e gunicorn.conf.py "$STARTED"; } || [ $tries -ge 100 ]; do
            sleep 0.1; tries=$((tries + 1))
        done ;;
    esac
    """
)


@pytest.fixture
def make(tmp_path):
    """Run a Makefile target with its programs recorded; returns {program's arguments:
    the SITE_URL it got}."""
    recorder = tmp_path / "bin" / "python"
    recorder.parent.mkdir()
    recorder.write_text(RECORDER)
    recorder.chmod(0o755)
    (tmp_path / "bin" / "gunicorn").symlink_to(recorder)
    # A virtualenv stamp newer than pyproject.toml: nothing is installed.
    installed = tmp_path / "installed"
    installed.touch()
    started = tmp_path / "started"

    def run(*arguments, **variables):
        env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
        env.update(
            STARTED=str(started),
            # Set, so that the Makefile neither starts nor asks the local database.
            DATABASE_URL="postgres://unused@127.0.0.1:1/unused",
            **variables,
        )
        subprocess.run(
            [
                "make",
                "--no-print-directory",
                *arguments,
                f"PY={recorder}",
                f"BIN={recorder.parent}",
                f"INSTALLED={installed}",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        lines = started.read_text().splitlines()
        return dict(line.rsplit(" | ", 1) for line in lines)

    return run


def started_with(started, program):
    [site_url] = [site_url for arguments, site_url in started.items() if program in arguments]
    return site_url


@pytest.mark.parametrize("target", ["run", "serve"])
def test_the_server_and_its_worker_get_the_port_served_as_site_url(make, target):
    [port] = free_ports(1)

    started = make(target, f"PORT={port}")

    if target == "run":
        assert started_with(started, f"runserver 127.0.0.1:{port}") == f"http://127.0.0.1:{port}"
    else:
        assert started_with(started, "gunicorn.conf.py") == f"http://127.0.0.1:{port}"
    assert started_with(started, "procrastinate worker") == f"http://127.0.0.1:{port}"


def test_an_operators_site_url_wins(make):
    started = make("serve", "PORT=8311", SITE_URL="https://headway.example.com")

    assert started_with(started, "gunicorn.conf.py") == "https://headway.example.com"
    assert started_with(started, "procrastinate worker") == "https://headway.example.com"
