from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from psycopg import sql

from headway.postgres import connect, database_settings, run_program

USER_TABLES = """
    SELECT count(*) FROM pg_tables
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
"""


class Command(BaseCommand):
    help = (
        "Restore a dump written by `manage.py backup` into an empty database (created when "
        "missing). A database that already holds tables is refused unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a .dump file written by manage.py backup")
        parser.add_argument(
            "--database-url", help="restore into this database instead of DATABASE_URL's"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the objects of a database that is not empty",
        )

    def handle(self, *args, file, database_url=None, force=False, **options):
        if not file.is_file():
            raise CommandError(f"{file} does not exist.")
        database = database_settings(database_url)
        name = database["NAME"]
        created = self.create_if_missing(database)
        tables = self.count_tables(database)
        if tables and not force:
            raise CommandError(
                f"Database {name} already holds {tables} tables; restore writes only into an "
                f"empty database. Restore into a new one (DATABASE_URL=...), or pass --force "
                f"(make restore FORCE=1) to replace what it holds."
            )
        arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if tables:
            arguments += ["--clean", "--if-exists"]
        result = run_program("pg_restore", database, *arguments, str(file))
        if result.returncode != 0:
            raise CommandError(
                f"pg_restore failed and changed nothing in {name}: {result.stderr.strip()}"
            )
        self.stdout.write(
            f"Restored {file} into {'new ' if created else ''}database {name}: "
            f"{self.count_tables(database)} tables."
        )

    def create_if_missing(self, database):
        with connect(database, name="postgres", autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]
            ).fetchone()
            if exists:
                return False
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"]))
            )
            return True

    def count_tables(self, database):
        with connect(database) as connection:
            return connection.execute(USER_TABLES).fetchone()[0]
