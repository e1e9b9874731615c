"""`make backup` and `make restore`: a dump of the demo organization restores identically."""

import re
import stat
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from headway.postgres import connect
from tests.programs import system_program

from .conftest import database_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _local_postgres_programs(monkeypatch):
    """pg_dump and pg_restore from the local server's folder, as `make backup` takes them."""
    system_program("pg_restore")
    monkeypatch.setenv("PG_BINDIR", str(Path(system_program("pg_dump")).parent))


@pytest.fixture
def restore_target():
    """The settings of a database that does not exist yet, dropped again afterwards."""
    database = {**connection.settings_dict, "NAME": connection.settings_dict["NAME"] + "_restored"}

    def drop():
        with connect(database, name="postgres", autocommit=True) as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(database["NAME"])
                )
            )

    drop()
    yield database
    drop()


def backup(directory):
    call_command("backup", directory=directory, verbosity=0)
    [dump] = directory.glob("*.dump")
    return dump


def counts_and_samples(database):
    """Each table's row count and its first and last rows, as PostgreSQL holds them."""
    samples = {}
    with psycopg.connect(database_url(database)) as db:
        tables = db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        for (table,) in tables:
            name = sql.Identifier(table)
            count = db.execute(sql.SQL("SELECT count(*) FROM {}").format(name)).fetchone()[0]
            first = db.execute(sql.SQL("SELECT * FROM {} ORDER BY 1 LIMIT 3").format(name))
            last = db.execute(sql.SQL("SELECT * FROM {} ORDER BY 1 DESC LIMIT 3").format(name))
            samples[table] = (count, first.fetchall(), last.fetchall())
    return samples


def test_backup_then_restore_reproduces_the_demo_organization(tmp_path, restore_target):
    call_command("seed_demo", stdout=None)
    dump = backup(tmp_path)

    call_command("restore", str(dump), database_url=database_url(restore_target), verbosity=0)

    original = counts_and_samples(connection.settings_dict)
    restored = counts_and_samples(restore_target)
    assert original.keys() == restored.keys()
    assert original["auth_user"][0] > 0
    assert original["objectives_team"][0] > 0
    assert restored == original


def test_a_backup_is_timestamped_and_private(tmp_path):
    dump = backup(tmp_path)

    assert re.fullmatch(r".+-\d{8}-\d{6}\.dump", dump.name)
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.partial"))


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    dump = backup(tmp_path)

    with pytest.raises(CommandError, match=r"already holds \d+ tables; restore writes only into"):
        call_command("restore", str(dump), database_url=database_url(connection.settings_dict))


def test_restore_replaces_a_database_when_forced(tmp_path, restore_target):
    call_command("seed_demo", stdout=None)
    dump = backup(tmp_path)
    call_command("restore", str(dump), database_url=database_url(restore_target), verbosity=0)
    with psycopg.connect(database_url(restore_target), autocommit=True) as db:
        db.execute("DELETE FROM django_session")
        db.execute("UPDATE auth_user SET first_name = 'Changed'")

    call_command(
        "restore", str(dump), database_url=database_url(restore_target), force=True, verbosity=0
    )

    assert counts_and_samples(restore_target) == counts_and_samples(connection.settings_dict)


def test_restore_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nothing.dump"))
