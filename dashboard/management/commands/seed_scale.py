import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dashboard.scale import PASSWORD, seed_scale
from objectives.models import Team


class Command(BaseCommand):
    help = "Load a large, deterministic organization to measure Headway with."

    def add_arguments(self, parser):
        parser.add_argument("--teams", type=int, default=200, help="number of teams (200)")
        parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
        parser.add_argument(
            "--force", action="store_true", help="add to a database that already holds teams"
        )

    def handle(self, *args, teams, seed, force, **options):
        if Team.objects.exists() and not force:
            raise CommandError(
                "This database already holds teams. seed_scale is for a database of its own; "
                "run it on an empty one, or add --force to add to this one."
            )
        if teams < 1:
            raise CommandError("--teams must be at least 1.")
        started = time.monotonic()
        with transaction.atomic():
            counts = seed_scale(teams=teams, seed=seed, prefix=f"s{seed}")
        self.stdout.write(
            f"Scale organization loaded in {time.monotonic() - started:.0f} s: "
            + ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in vars(counts).items())
            + f". Sign in as s{seed}-leader0 (a leader) or s{seed}-t0-0 (a PM), "
            f"password {PASSWORD}."
        )
