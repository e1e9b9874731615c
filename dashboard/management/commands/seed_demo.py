from django.core.management.base import BaseCommand
from django.db import transaction

from coaching.demo import seed_coaching
from headway.models import Preference
from notifications.demo import seed_notifications
from objectives.demo import (
    DEMO_PASSWORD,
    LANGUAGES,
    seed_objectives,
    seed_organization,
    seed_problems,
)
from objectives.models import TeamStanding
from obstacles.demo import seed_obstacles
from obstacles.models import recompute_signals

# The operator reads the command's output in English, whatever the demo's language.
LANGUAGE_NAMES = {"en": "English", "fr": "French"}


class Command(BaseCommand):
    help = "Load the demo organization (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--lang",
            choices=LANGUAGES,
            default="en",
            help="The language of the demo's names and texts, and of its people's interface. "
            "It applies when the demo is first loaded into an empty database.",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            org = seed_organization(options["lang"])
            if org.language != "en":
                # Someone who switched to another language since keeps it.
                for user in org.users.values():
                    Preference.objects.get_or_create(user=user, defaults={"language": org.language})
            # objectives: this quarter's and the two before (closed by each team, graded, the
            # last one's unfinished carried over), with weekly check-ins
            seed_objectives(org)
            # the organization's three important problems, and the objectives serving them
            seed_problems(org)
            # obstacles: every kind, the platform team as a bottleneck, no e-mail sent; those of
            # the two quarters before, whose review tells how the platform got faster
            obstacles = seed_obstacles(org)
            # coaching: six weeks of 1:1s with the demo leader's PMs, the next one prepared; each
            # leader's weekly 1:1s of the two quarters before, with action items and learnings
            one_on_ones = seed_coaching(org)
            # notifications: a few people's settings, and the week's e-mails as sent
            emails = seed_notifications(org)
            # The demo writes some rows in bulk: the stored signals are computed from all.
            TeamStanding.objects.recompute()
            recompute_signals()
        if org.language != options["lang"]:
            self.stdout.write(
                self.style.WARNING(
                    f"The demo organization was loaded in {LANGUAGE_NAMES[org.language]} and "
                    "stays so: --lang applies to an empty database."
                )
            )
        self.stdout.write(f"Obstacles: {obstacles} logged.")
        self.stdout.write(f"1:1s: {one_on_ones} created.")
        self.stdout.write(f"E-mails: {emails} recorded as sent this week (none sent).")
        self.stdout.write(
            f"Demo organization ready in {LANGUAGE_NAMES[org.language]}: "
            f"{len(org.users)} people, {len(org.teams)} teams, "
            f"quarters {org.earlier_quarter}, {org.previous_quarter}, {org.current_quarter}, "
            f"{org.next_quarter}. "
            f"Sign in as leader or leader2 (product leaders), pm (product manager) or admin "
            f"(password: {DEMO_PASSWORD})."
        )
