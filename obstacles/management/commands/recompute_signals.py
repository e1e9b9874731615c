from django.core.management.base import BaseCommand
from django.db import transaction

from objectives.models import TeamStanding
from obstacles.models import recompute_signals


class Command(BaseCommand):
    help = (
        "Recompute every stored signal (each team's standing in each quarter, its open "
        "obstacle counts, who waits on whom, each quarter's obstacle figures for the "
        "organization's review) from its definition, and say what was wrong."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            standings = TeamStanding.objects.recompute()
            obstacles = recompute_signals()
        for label, wrong in [
            ("team standings", [f"team {t} in quarter {q}" for t, q in standings]),
            ("open obstacle counts", [f"team {t}" for t in obstacles["counts"]]),
            ("waiting pairs", [f"team {t} waiting on team {b}" for t, b in obstacles["pairs"]]),
            ("quarters' obstacle figures", [f"quarter {q}" for q in obstacles["quarters"]]),
        ]:
            if wrong:
                shown = ", ".join(wrong[:10]) + (
                    f" and {len(wrong) - 10} more" if len(wrong) > 10 else ""
                )
                self.stdout.write(f"Fixed {len(wrong)} {label}: {shown}.")
            else:
                self.stdout.write(f"All {label} were right.")
