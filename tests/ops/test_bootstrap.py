"""bin/bootstrap: the system programs `make run` and `make test` call, checked in one place.

A missing program is simulated by pointing its variable (NGINX, XGETTEXT...) at a path that
does not exist, as CHROMIUM=/path points at another Chromium. `--check` never installs, so
no test here installs anything, whoever runs it.
"""

import os
import pwd
import subprocess
import time

import pytest

from tests.programs import BOOTSTRAP, locate, system_program

NOWHERE = "/nonexistent/program"
EVERY_NEED = ["db", "run", "test", "cluster", "backup"]


def bootstrap(*arguments, env=None, user=None):
    command = [str(BOOTSTRAP), *arguments]
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(
        command, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )


def test_with_everything_there_it_says_nothing_and_costs_milliseconds():
    started = time.monotonic()
    result = bootstrap("--check", *EVERY_NEED)
    seconds = time.monotonic() - started

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert seconds < 1


def test_a_missing_program_is_named_by_its_package_in_one_line():
    result = bootstrap("--check", "test", env={"NGINX": NOWHERE})

    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert "missing: nginx." in line
    assert "apt-get update && apt-get install --no-install-recommends nginx " in line


def test_packages_are_named_once_and_only_for_the_needs_asked():
    missing = {"MSGFMT": NOWHERE, "XGETTEXT": NOWHERE, "NGINX": NOWHERE}

    for_run = bootstrap("--check", "run", env=missing)
    for_test = bootstrap("--check", "test", env=missing)

    assert "missing: gettext. " in for_run.stderr
    assert "missing: gettext nginx. " in for_test.stderr


def test_someone_other_than_root_is_told_what_to_install_and_nothing_is_installed():
    """As root, the script is run as `nobody` (never with installing allowed, as root)."""
    if os.geteuid() == 0:
        result = bootstrap("test", env={"CURL": NOWHERE}, user=pwd.getpwuid(65534).pw_name)
    else:
        result = bootstrap("test", env={"CURL": NOWHERE})

    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert "missing: curl." in line
    assert "Installing" not in result.stderr


def test_a_test_that_needs_a_missing_program_fails_with_the_same_line(monkeypatch):
    monkeypatch.setenv("ENVSUBST", NOWHERE)
    locate.cache_clear()
    try:
        with pytest.raises(pytest.fail.Exception) as failure:
            system_program("envsubst")
    finally:
        locate.cache_clear()

    [line] = bootstrap("--check", "cluster", env={"ENVSUBST": NOWHERE}).stderr.splitlines()
    assert failure.value.msg == line
    assert not failure.value.pytrace


def test_postgresql_programs_come_from_the_server_bin_dir_the_local_database_uses():
    local_database = subprocess.run(
        [str(BOOTSTRAP.parent / "localdb"), "bindir"], capture_output=True, text=True, check=True
    )
    bindir = local_database.stdout.strip()

    for program in ("initdb", "pg_ctl", "pg_dump", "pg_restore", "createdb", "psql"):
        assert system_program(program) == f"{bindir}/{program}"


def test_an_unknown_program_asks_for_its_line_in_the_list():
    result = bootstrap("--find", "gimp")

    assert result.returncode == 2
    assert "add its line to PROGRAMS" in result.stderr
