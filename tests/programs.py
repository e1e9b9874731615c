"""The system programs tests run (nginx, PostgreSQL's, Chromium...), found by bin/bootstrap.

bin/bootstrap holds the one list of them with their Debian packages. A test that needs one
that is missing fails with bin/bootstrap's line naming the package to install, never with a
traceback from deep inside whatever called the program.
"""

import subprocess
from functools import cache
from pathlib import Path

import pytest

BOOTSTRAP = Path(__file__).resolve().parents[1] / "bin" / "bootstrap"


@cache
def locate(program):
    """`(path, None)`, or `(None, the line that says which package to install)`."""
    found = subprocess.run(
        [str(BOOTSTRAP), "--find", program], capture_output=True, text=True, check=False
    )
    if found.returncode == 0:
        return found.stdout.strip(), None
    return None, found.stderr.strip()


def system_program(program):
    """The path of `program`; fails the test, naming the package to install, when it is missing."""
    path, missing = locate(program)
    if path is None:
        pytest.fail(missing, pytrace=False)
    return path
