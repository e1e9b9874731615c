import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from headway.postgres import database_settings, run_program


def default_directory():
    return Path(os.environ.get("BACKUP_DIR") or settings.BASE_DIR / "var" / "backups")


class Command(BaseCommand):
    help = (
        "Write a consistent dump of Headway's database (pg_dump's custom format) into a "
        "timestamped file in BACKUP_DIR (default var/backups/)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, help="where to write the dump")

    def handle(self, *args, directory=None, **options):
        directory = directory or default_directory()
        directory.mkdir(parents=True, exist_ok=True)
        database = database_settings()
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        target = directory / f"{database['NAME']}-{stamp}.dump"
        # Written under another name first: a dump cut short never looks like a backup.
        partial = target.with_suffix(".dump.partial")
        old_umask = os.umask(0o077)  # a dump holds password hashes
        try:
            result = run_program(
                "pg_dump", database, "--format=custom", "--compress=6", "--file", str(partial)
            )
        finally:
            os.umask(old_umask)
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        partial.rename(target)
        size_kib = target.stat().st_size / 1024
        self.stdout.write(
            f"Backed up database {database['NAME']} to {target} ({size_kib:.0f} KiB)."
        )
