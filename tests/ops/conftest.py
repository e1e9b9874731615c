"""Helpers for tests that run Headway as in production: real gunicorn, nginx and PostgreSQL.

They talk HTTP to real processes, like a browser without JavaScript would: cookies kept,
the CSRF token read from each form, redirects not followed so that every hop can be checked.
"""

import http.cookiejar
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.programs import system_program

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_ports(count):
    """`count` consecutive loopback ports that nothing listens on, for servers another
    process starts. Taken below the range the system hands out to outgoing connections: a
    port of that range, free when probed, can become the local end of some connection
    before the server binds it (gunicorn then fails with "Address already in use")."""
    below = outgoing_ports()[0]
    for _ in range(200):
        first = random.randrange(10_000, below - count)
        if all(port_is_free(first + n) for n in range(count)):
            return list(range(first, first + count))
    raise RuntimeError("no free range of ports")


def outgoing_ports():
    """The (first, last) ports the system gives outgoing connections (Linux's default
    when it does not say)."""
    try:
        first, last = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(first), int(last)
    except (OSError, ValueError):
        return 32768, 60999


def port_is_free(port):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def database_url(database):
    """A DATABASE_URL for Django database settings (e.g. the test database's)."""
    credentials = urllib.parse.quote(database["USER"] or "", safe="")
    if database.get("PASSWORD"):
        credentials += ":" + urllib.parse.quote(database["PASSWORD"], safe="")
    host = database.get("HOST") or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{database.get('PORT') or 5432}/{database['NAME']}"


# Set by `make test` or by test fixtures; never part of a production environment.
TEST_RUN_ONLY = {"DEBUG", "TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def production_env(**variables):
    """This environment without what the test run added, plus `variables`."""
    env = {key: value for key, value in os.environ.items() if key not in TEST_RUN_ONLY}
    env.update({key: str(value) for key, value in variables.items()})
    return env


def manage(env, *arguments):
    """Run a management command with production settings; fail the test with its output."""
    result = subprocess.run(
        [str(ROOT / "bin" / "prodenv"), str(PYTHON), "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(arguments)}:\n{result.stderr}"
    return result


@dataclass
class Answer:
    status: int
    headers: dict
    text: str
    seconds: float

    @property
    def served_by(self):
        return self.headers.get("x-served-by")

    @property
    def location(self):
        return self.headers.get("location", "")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client that submits forms with their CSRF token."""

    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects()
        )

    def get(self, path, base_url=None, headers=None):
        return self.request("GET", path, base_url=base_url, headers=headers)

    def post(self, path, data, base_url=None):
        return self.request("POST", path, data, base_url=base_url)

    def request(self, method, path, data=None, base_url=None, headers=None):
        url = (base_url or self.base_url).rstrip("/") + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=15) as response:
                status, headers, content = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, content = error.code, error.headers, error.read()
        return Answer(
            status,
            {key.lower(): value for key, value in headers.items()},
            content.decode(errors="replace") if "text" in headers.get("content-type", "") else "",
            time.monotonic() - started,
        )

    def submit(self, path, data, base_url=None, post_to=None, action=None):
        """GET the page at `path` (from `base_url`) and POST its form, CSRF token included,
        to `action` (default: the same path) on `post_to` (default: the proxy)."""
        form = self.get(path, base_url=base_url)
        assert form.status == 200, (path, form.status)
        token = CSRF_FIELD.search(form.text).group(1)
        answer = self.post(action or path, {"csrfmiddlewaretoken": token, **data}, base_url=post_to)
        return form, answer

    def sign_in(self, username, password, **where):
        form, answer = self.submit(
            "/accounts/login/", {"username": username, "password": password}, **where
        )
        assert answer.status == 302, answer.text
        return form, answer


def wait_until(check, seconds=20, interval=0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return False


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class ThrowawayPostgres:
    """A PostgreSQL cluster of the test's own, on a free port, to stop and start at will.

    As root, the server runs as the postgres system user (PostgreSQL refuses root), with its
    data in a folder that user owns.
    """

    PROGRAMS = ("initdb", "pg_ctl", "createdb")

    def __init__(self):
        for program in self.PROGRAMS:
            system_program(program)
        self.bindir = Path(system_program("initdb")).parent
        self.port = free_ports(1)[0]
        self.folder = Path(tempfile.mkdtemp(prefix="headway-outage-"))
        self.data = self.folder / "data"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "postgres")
        self.url = f"postgres://headway@127.0.0.1:{self.port}/headway"

    def run(self, program, *arguments, check=True):
        command = [str(self.bindir / program), *arguments]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check)

    def initialise(self):
        self.run("initdb", "-D", str(self.data), "-U", "headway", "--auth=trust", "--encoding=UTF8")
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "headway", "headway")

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories='{self.folder}' -c fsync=off"
        )
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self):
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self):
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def throwaway_postgres():
    postgres = ThrowawayPostgres()
    try:
        postgres.initialise()
        yield postgres
    finally:
        postgres.remove()


class AppServer:
    """One gunicorn app server with production settings (bin/prodenv), in the background."""

    def __init__(self, env, port, log_path):
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.process = subprocess.Popen(
            [
                str(ROOT / "bin" / "prodenv"),
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
            ],
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{port}"},
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
        )
        if not wait_until(lambda: answers(self.url + "/healthz") == 200):
            self.stop()
            raise AssertionError("gunicorn did not answer:\n" + log_path.read_text()[-3000:])

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
