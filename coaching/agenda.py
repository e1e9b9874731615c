"""The agenda of a 1:1, built from what happened since the pair's previous one."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from headway.stored import CompiledQuery
from objectives.models import CheckIn, KeyResult, Objective, Pace, Quarter, paced_objectives
from obstacles.models import Obstacle

from .models import ActionItem, OneOnOne

STALE_CHECK_IN = timedelta(days=7)
# Behind pace is worth a conversation, whatever confidence the team gave.
BEHIND_PACE = [Pace.AT_RISK, Pace.OFF_TRACK]


@dataclass
class Agenda:
    since: object
    obstacles: list = field(default_factory=list)
    objectives: list = field(default_factory=list)
    key_results: list = field(default_factory=list)
    action_items: list = field(default_factory=list)
    talking_points: list = field(default_factory=list)
    discussed: set = field(default_factory=set)

    @property
    def is_empty(self):
        return not (
            self.obstacles
            or self.objectives
            or self.key_results
            or self.action_items
            or self.talking_points
        )


# The agenda's reads, compiled once per process (headway.stored.CompiledQuery): every 1:1
# page and every preparation e-mail reads them.

OBSTACLES_SINCE = CompiledQuery(
    lambda team, since: (
        Obstacle.objects.filter(team_id=team)
        .filter(Q(opened_at__gte=since) | Q(last_activity_at__gte=since))
        .select_related("owner", "blocking_team")
        .order_by("-is_urgent", "-severity", "-last_activity_at")
    )
)

# The key results of a team's active objectives in the quarter of `day` (quarters never
# overlap: the one containing it), with their latest check-in and the quarter.
KEY_RESULTS_OF_THE_QUARTER = CompiledQuery(
    lambda team, day: (
        KeyResult.objects.filter(
            objective__team_id=team,
            objective__quarter__in=Quarter.objects.containing(day),
            objective__status=Objective.Status.ACTIVE,
        )
        .with_latest_check_in_joined()
        # Who to ask about it: the key result's own owner, when it has one.
        .select_related("objective__team", "objective__quarter", "owner")
        .order_by("objective__order", "objective__pk", "order", "pk")
    )
)

# The pair's open action items and those of this 1:1, overdue first on `today`.
ACTION_ITEMS = CompiledQuery(
    lambda one_on_one, leader, pm, team, today: (
        ActionItem.objects.for_agenda(
            OneOnOne(pk=one_on_one, leader_id=leader, pm_id=pm, team_id=team)
        )
        .select_related("owner", "obstacle", "one_on_one")
        .overdue_first(today)
    )
)


def obstacles_since(one_on_one, since):
    """The team's obstacles logged or changed since `since`, urgent first."""
    return OBSTACLES_SINCE(team=one_on_one.team_id, since=since)


def behind_pace(one_on_one, now, today):
    """(objectives, key results) of the team's active objectives to talk about, in the
    quarter of the day the 1:1 is scheduled for.

    The objectives behind or far behind pace, whatever the team's confidence says
    (`confidence_exceeds_pace` tells when it says better); the key results behind pace,
    given as at risk or off track, or without a recent check-in. Both come from one load of
    the key results, their objectives' figures computed from them (`paced_objectives`); the
    quarter comes with them (quarters never overlap: the one containing that day).
    """
    day = timezone.localdate(one_on_one.scheduled_for)
    key_results = KEY_RESULTS_OF_THE_QUARTER(team=one_on_one.team_id, day=day)
    if not key_results:
        return [], []
    quarter = key_results[0].objective.quarter
    objectives = paced_objectives(key_results, quarter.expected_share(today))
    worried = {CheckIn.Confidence.AT_RISK, CheckIn.Confidence.OFF_TRACK}
    stale = now - STALE_CHECK_IN
    return (
        [objective for objective in objectives if objective.pace in BEHIND_PACE],
        [
            key_result
            for key_result in key_results
            if key_result.pace in BEHIND_PACE
            or key_result.latest_confidence in worried
            or key_result.latest_checked_at is None
            or key_result.latest_checked_at < stale
        ],
    )


def _keyed(items, prefix, discussed):
    """Give each agenda item the key it is ticked by, and whether it was."""
    for item in items:
        item.agenda_key = f"{prefix}:{item.pk}"
        item.is_discussed = item.agenda_key in discussed
    return items


def build_agenda(one_on_one):
    now, today = timezone.now(), timezone.localdate()
    previous = one_on_one.previous()
    since = one_on_one.agenda_since(previous)
    objectives, key_results = behind_pace(one_on_one, now, today)
    agenda = Agenda(
        since=since,
        obstacles=obstacles_since(one_on_one, since),
        objectives=objectives,
        key_results=key_results,
        action_items=ACTION_ITEMS(
            one_on_one=one_on_one.pk,
            leader=one_on_one.leader_id,
            pm=one_on_one.pm_id,
            team=one_on_one.team_id,
            today=today,
        ),
        talking_points=list(one_on_one.talking_points.select_related("author")),
        discussed=set(one_on_one.discussed.values_list("key", flat=True)),
    )
    _keyed(agenda.obstacles, "obstacle", agenda.discussed)
    _keyed(agenda.objectives, "objective", agenda.discussed)
    _keyed(agenda.key_results, "key_result", agenda.discussed)
    _keyed(agenda.action_items, "action_item", agenda.discussed)
    _keyed(agenda.talking_points, "talking_point", agenda.discussed)
    for point in agenda.talking_points:
        # Raised before the previous 1:1 was held: not discussed there, so carried here.
        point.is_carried_over = previous is not None and point.created_at < previous.held_at
    return agenda
