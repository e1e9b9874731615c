"""PostgreSQL's own programs (pg_dump, pg_restore) run against Headway's database settings."""

import os
import shutil
import subprocess
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings
from django.core.management.base import CommandError

# Connection options libpq understands; Django's OPTIONS may hold others of its own.
LIBPQ_OPTIONS = {
    "connect_timeout",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "application_name",
    "options",
    "target_session_attrs",
}


def database_settings(url=None):
    """Django's settings for the database at `url`, or for Headway's own."""
    return dj_database_url.parse(url) if url else settings.DATABASES["default"]


def connection_params(database, name=None):
    """libpq keywords for `database` (Django settings), optionally another database name."""
    params = {
        "dbname": name or database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": str(database["PORT"]) if database.get("PORT") else None,
    }
    options = database.get("OPTIONS", {})
    params.update((key, str(options[key])) for key in LIBPQ_OPTIONS if key in options)
    return {key: value for key, value in params.items() if value is not None}


def connect(database, name=None, **kwargs):
    return psycopg.connect(**connection_params(database, name), **kwargs)


def run_program(program, database, *arguments):
    """Run a PostgreSQL program against `database`; its CompletedProcess, output captured.

    The password travels in PGPASSWORD, never on a command line other users can read.
    """
    params = connection_params(database)
    env = {**os.environ, "PGCONNECT_TIMEOUT": params.pop("connect_timeout", "10")}
    if "password" in params:
        env["PGPASSWORD"] = params.pop("password")
    conninfo = psycopg.conninfo.make_conninfo(**params)
    command = [find_program(program), "--dbname", conninfo, *arguments]
    # No shell; the arguments come from settings and the operator's command line.
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603


def find_program(name):
    """PG_BINDIR/name when set (make sets it to the local cluster's), else from PATH."""
    bindir = os.environ.get("PG_BINDIR")
    path = Path(bindir) / name if bindir else shutil.which(name)
    if not path or not Path(path).is_file():
        raise CommandError(
            f"{name} was not found. Install PostgreSQL's client programs (Debian: "
            f"postgresql-client) or set PG_BINDIR to the folder that holds them."
        )
    return str(path)
