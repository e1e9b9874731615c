"""The quarter review's figures: how each team's objectives ended, and how fast the
obstacles in their way were removed and the escalations answered.

Every figure is one query whatever the number of teams or obstacles: counts with FILTER,
medians and 90th percentiles with PostgreSQL's percentile_cont.
"""

import csv
import functools
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.postgres.aggregates import BoolOr
from django.core.paginator import Paginator
from django.db.models import (
    Aggregate,
    Avg,
    BooleanField,
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from coaching.models import Learning, OneOnOne
from headway.lists import page_read, with_full_count
from headway.people import display_name, in_name_order
from headway.stored import CompiledQuery, Read, any_of, read_together
from objectives.models import KeyResult, Membership, Objective, Quarter, Team
from obstacles.export import spreadsheet_safe
from obstacles.models import (
    Decision,
    LeaderRequest,
    Obstacle,
    ObstacleEvent,
    QuarterObstacleFigures,
    during,
    logged_during,
    removed_during,
    start_of,
)

# The longest-open obstacles the review lists: the log has every one.
LONGEST_SHOWN = 10
# The escalations listed, slowest answered first.
ESCALATIONS_SHOWN = 10
# The objectives shown with their final key-result values, a page at a time.
OBJECTIVES_PER_PAGE = 20
# The organization's long tables, a page at a time: its teams' objectives by outcome, the
# teams waited on, and its leaders' figures (each leader's review has them all on one page).
TEAMS_PER_PAGE = 20
LEADERS_PER_PAGE = 5


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY expression): the
    value below which `fraction` of the rows fall, interpolated (a median at 0.5)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    arity = 1

    def __init__(self, expression, fraction, **extra):
        # A number of our own, never user input: written into the SQL as a literal.
        super().__init__(expression, fraction=float(fraction), **extra)


def median_and_p90(duration, **extra):
    return {
        "median": PercentileCont(duration, 0.5, output_field=DurationField(), **extra),
        "p90": PercentileCont(duration, 0.9, output_field=DurationField(), **extra),
    }


TIME_TO_REMOVE = ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField())


@dataclass
class Scope:
    """What a review covers: a quarter, and one team, the teams one leader leads, or (both
    None) the organization."""

    quarter: object
    team: object = None
    # Whether the viewer may read the organization's review (and so any team's).
    sees_organization: bool = False
    # A leader's review: their teams' figures and their own leadership.
    leader: object = None
    # Whether the viewer may read leaders' figures (Action.READ_LEADERSHIP).
    sees_leadership: bool = False

    @property
    def filters(self):
        """The review's teams as filters of the obstacle log its figures link to."""
        if self.team:
            return {"team": self.team.slug}
        if self.leader:
            return {"leader": self.leader.pk}
        return {}

    @cached_property
    def query(self):
        """`filters` to append to a link's query string: "&team=…", "&leader=…" or ""."""
        return "".join(f"&{urlencode({name: value})}" for name, value in self.filters.items())

    @cached_property
    def leader_teams(self):
        """The ids of the teams the leader of a leader's review leads, archived ones too.
        Obstacles are narrowed to them as a list: PostgreSQL plans an obstacle's team
        against a list far better than against a join on the team's leader (at 200 teams,
        the quarter's escalations of one leader's teams in 2 ms instead of 25). Read with the
        leader when get_review_scope finds them (`led_team_ids`), else here."""
        led = getattr(self.leader, "led_team_ids", None)
        if led is not None:
            return led
        return list(Team.objects.filter(leader=self.leader).values_list("pk", flat=True))

    def of_teams(self, rows, team="team"):
        """`rows` narrowed to the review's teams, reached through the `team` path."""
        if self.team:
            return rows.filter(**{team: self.team})
        if self.leader:
            return rows.filter(any_of(team, self.leader_teams))
        return rows

    def objectives(self):
        return self.of_teams(Objective.objects.filter(quarter=self.quarter))

    def obstacles(self):
        return self.of_teams(Obstacle.objects.all())

    def end(self, now):
        """The moment the review is taken at: the quarter's end, or now while it runs."""
        return min(now, start_of(self.quarter.end + timedelta(days=1)))


class ScopedQuery:
    """A query of a review's rows, `build(scope, **more)` (a queryset), compiled once per
    process (headway.stored.CompiledQuery) for the organization's review, for a team's and
    for a leader's: built from a stand-in scope whose quarter holds the arguments its fields
    given in `uses` stand for (its id "quarter", its "start" and "end" days), whose team
    holds the team's id, or whose leader's teams are a list of ids (one array argument);
    `more` are arguments of its own (a moment; named otherwise than "quarter", "start",
    "end", "team" and "teams"). Building and compiling the review's queries cost more CPU
    than running them (some 1-1.5 ms each at 200 teams)."""

    def __init__(self, build, uses):
        self.build, self.uses = build, uses
        self.organization = CompiledQuery(lambda **arguments: self.stand_in(arguments))
        self.team = CompiledQuery(lambda team, **arguments: self.stand_in(arguments, team=team))
        self.leader = CompiledQuery(
            lambda teams, **arguments: self.stand_in(arguments, teams=teams)
        )

    def stand_in(self, arguments, team=None, teams=None):
        fields = {"pk": "quarter", "start": "start", "end": "end"}
        quarter = Quarter(**{field: arguments.pop(name, None) for field, name in fields.items()})
        scope = Scope(quarter, Team(pk=team) if team is not None else None)
        if teams is not None:
            scope.leader = get_user_model()()
            scope.leader_teams = teams
        return self.build(scope, **arguments)

    def compiled(self, scope, more):
        """The compiled query of `scope`, and its arguments."""
        quarter = scope.quarter
        values = {"quarter": quarter.pk, "start": quarter.start, "end": quarter.end}
        arguments = {name: values[name] for name in self.uses} | more
        if scope.team:
            return self.team, arguments | {"team": scope.team.pk}
        if scope.leader:
            return self.leader, arguments | {"teams": scope.leader_teams}
        return self.organization, arguments

    def __call__(self, scope, **more):
        """Its rows for `scope` as the queryset gives them (model instances)."""
        query, arguments = self.compiled(scope, more)
        return query(**arguments)

    def rows(self, scope, **more):
        """Its rows for `scope` as tuples (the queryset is a values_list)."""
        query, arguments = self.compiled(scope, more)
        return query.rows(**arguments)

    def slice(self, scope, offset, limit, **more):
        """The `limit` rows from `offset` on for `scope`, as calling it gives them."""
        query, arguments = self.compiled(scope, more)
        return query.slice(offset, limit, **arguments)

    def read(self, scope, make=list, **more):
        """Its rows for `scope` as tuples, made into `make(rows)`: a headway.stored.Read, to
        read with the page's other sections in one round trip (read_together)."""
        query, arguments = self.compiled(scope, more)
        return query.read(make, **arguments)

    def read_instances(self, scope, **more):
        """Its rows for `scope` as calling it gives them, as a Read."""
        query, arguments = self.compiled(scope, more)
        return query.read_instances(**arguments)

    def read_within(self, scope, statement, make=list, **more):
        """The rows of `statement`, SQL that reads this query's rows for `scope` where it
        says {rows} (our own SQL around the ORM's), made into `make(rows)`, as a Read."""
        query, arguments = self.compiled(scope, more)
        sql, params = query.bound(arguments)
        return Read(statement.format(rows=sql), params, make)


def page_of_rows(rows, number, per_page):
    """Page `number` (a query string value: anything invalid means the first page, past the
    end the last) of `rows`, read whole: rows aggregated by team or leader, a few hundred at
    most, whose reading costs little beside drawing them."""
    return Paginator(list(rows), per_page).get_page(number)


def outcome_counts():
    """Objectives by outcome, as aggregates: `achieved`, `missed`, `dropped`, `active` for
    those not graded yet, `carried_over` (into the next quarter, whatever their grade),
    `total` and `mean_score` (the mean final score of those graded with one, NULL without
    any)."""
    status = Objective.Status
    return {
        "total": Count("pk"),
        "achieved": Count("pk", filter=Q(status=status.ACHIEVED)),
        "missed": Count("pk", filter=Q(status=status.MISSED)),
        "dropped": Count("pk", filter=Q(status=status.DROPPED)),
        "active": Count("pk", filter=Q(status=status.ACTIVE)),
        "carried_over": Count("carried_into"),
        "mean_score": Avg("final_score"),
    }


# The names of `outcome_counts`, in its order.
OUTCOMES = list(outcome_counts())


def outcome_rows_of(query, names, scope):
    """The rows of `query` (a ScopedQuery of objectives grouped by `names`, then
    `outcome_counts`) for `scope`, as dicts: a Read."""
    keys = [*names, *OUTCOMES]
    return query.read(scope, lambda rows: [dict(zip(keys, row, strict=True)) for row in rows])


def objectives_grouped(scope, names):
    """The quarter's objectives of `scope` grouped by `names`, by outcome, as tuples."""
    return (
        scope.objectives()
        .values(*names)
        .annotate(**outcome_counts())
        .values_list(*names, *OUTCOMES)
    )


BY_TEAM = ["team__name", "team__slug"]
OUTCOMES_BY_TEAM = ScopedQuery(
    lambda scope: objectives_grouped(scope, BY_TEAM).order_by("team__name"), uses=["quarter"]
)
BY_PROBLEM = ["serves", "serves__title"]
OUTCOMES_BY_PROBLEM = ScopedQuery(
    lambda scope: objectives_grouped(scope, BY_PROBLEM).order_by(
        F("serves__title").asc(nulls_last=True)
    ),
    uses=["quarter"],
)


def objective_outcomes(scope):
    """One row per team: its objectives of the quarter by outcome (`outcome_counts`), by
    team name."""
    return outcomes_of_teams(scope)()


def outcomes_of_teams(scope):
    """`objective_outcomes`, as a Read."""
    return outcome_rows_of(OUTCOMES_BY_TEAM, BY_TEAM, scope)


def outcomes_by_problem(scope):
    """One row per organization problem the quarter's objectives serve, then one for those
    serving none (`serves` NULL): their objectives by outcome (`outcome_counts`)."""
    return outcomes_of_problems(scope)()


def outcomes_of_problems(scope):
    """`outcomes_by_problem`, as a Read."""
    return outcome_rows_of(OUTCOMES_BY_PROBLEM, BY_PROBLEM, scope)


@dataclass
class StoredFigures:
    """The obstacle figures of the organization or of one team stored for some quarters
    (QuarterObstacleFigures), by quarter id: `totals` (their row for every obstacle),
    `kinds` ({kind: row}) and `teams` (the rows of the teams waited on, by name); each row a
    dict of the figures."""

    totals: dict
    kinds: dict
    teams: dict


def stored_rows(first, last, team=None):
    """The obstacle figures stored (QuarterObstacleFigures) for the quarters that start from
    day `first` to day `last`: the organization's rows, and those of `team` (an id) if any,
    as tuples."""
    organization = Q(team=None, kind="", blocking_team=None)
    return (
        QuarterObstacleFigures.objects.of(Quarter.objects.filter(start__range=(first, last)))
        .filter(Q(team=team) | organization)
        .values_list(
            "quarter",
            "team",
            "kind",
            "blocking_team__name",
            "blocking_team__slug",
            "logged",
            "removed",
            "waiting",
            "median",
            "p90",
        )
        .order_by("blocking_team__name")
    )


# Compiled once per process: the organization's, a team's.
STORED_ROWS = CompiledQuery(stored_rows), CompiledQuery(stored_rows)


def stored_figures(scope, quarters):
    """The StoredFigures of `quarters` (consecutive, in the order they start) for the review
    of the organization or of a team, in one query: None for a leader's review (their teams
    change with the leaders), or when any of the quarters has none stored (its figures are
    then computed from the obstacles)."""
    read = stored_read(scope, quarters)
    return None if read is None else read()


def stored_read(scope, quarters):
    """`stored_figures` as a Read; None for a leader's review, which has none."""
    if scope.leader:
        return None
    team = scope.team.pk if scope.team else None
    first, last = quarters[0].start, quarters[-1].start
    make = functools.partial(stored_of, team, quarters)
    if team is None:
        return STORED_ROWS[0].read(make, first=first, last=last)
    return STORED_ROWS[1].read(make, first=first, last=last, team=team)


def stored_of(team, quarters, rows):
    """The StoredFigures of `quarters` for `team` (an id, or None for the organization) in
    `rows` (STORED_ROWS'), or None if any of the quarters has none stored."""
    stored, counted = StoredFigures({}, {}, {}), set()
    teams, kinds = stored.teams, stored.kinds
    for quarter, owner, kind, name, slug, logged, removed, waiting, median, p90 in rows:
        if owner is None and kind == "" and name is None:
            # The organization's, stored whenever the quarter's figures are.
            counted.add(quarter)
        if owner != team:
            continue
        if name is not None:
            row = {
                "blocking_team__name": name,
                "blocking_team__slug": slug,
                "waiting": waiting,
                "removed": removed,
                "median": median,
                "p90": p90,
            }
            if quarter in teams:
                teams[quarter].append(row)
            else:
                teams[quarter] = [row]
        elif kind:
            row = {"kind": kind, "logged": logged, "removed": removed, "median": median, "p90": p90}
            kinds.setdefault(quarter, {})[kind] = row
        else:
            stored.totals[quarter] = {
                "logged": logged,
                "removed": removed,
                "median": median,
                "p90": p90,
            }
    if any(quarter.pk not in counted for quarter in quarters):
        return None
    for quarter in quarters:
        # A team with no obstacle in the way during a quarter has no row in it.
        stored.totals.setdefault(
            quarter.pk, {"logged": 0, "removed": 0, "median": None, "p90": None}
        )
    return stored


def obstacles_by_kind(scope, stored=None):
    """One row per kind with any obstacle logged or removed in the quarter: `logged`,
    `removed`, and the `median` and `p90` time from logged to removed of those removed
    (NULL when none was). From `stored` (StoredFigures of the quarter) when given."""
    quarter = scope.quarter
    if stored is not None:
        kinds = stored.kinds.get(quarter.pk, {})
        return [row for kind, row in sorted(kinds.items()) if row["logged"] or row["removed"]]
    return KINDS_COUNTED(scope)


def kinds_counted(scope):
    """`obstacles_by_kind` counted from the obstacles."""
    logged, removed = logged_during(scope.quarter), removed_during(scope.quarter)
    return (
        scope.obstacles()
        .filter(logged | removed)
        .values("kind")
        .annotate(
            logged=Count("pk", filter=logged),
            removed=Count("pk", filter=removed),
            **median_and_p90(TIME_TO_REMOVE, filter=removed),
        )
        .order_by("kind")
    )


KINDS_COUNTED = ScopedQuery(kinds_counted, uses=["start", "end"])


WAITED_ON_FIGURES = ["blocking_team__name", "blocking_team__slug", "removed", "median", "p90"]


def removal_by_blocking_team(scope, stored=None):
    """One row per team waited on (the blocking team) by obstacles removed in the quarter:
    `removed`, and the `median` and `p90` time from logged to removed; slowest first. From
    `stored` (StoredFigures of the quarter) when given."""
    if stored is not None:
        teams = [
            {name: row[name] for name in WAITED_ON_FIGURES}
            for row in stored.teams.get(scope.quarter.pk, [])
            if row["removed"]
        ]
        # By name first (as stored), then the slowest: the same order as the query's.
        return sorted(teams, key=lambda row: row["median"], reverse=True)
    return WAITED_ON_COUNTED(scope)


WAITED_ON_COUNTED = ScopedQuery(
    lambda scope: (
        scope.obstacles()
        .removed_in(scope.quarter)
        .filter(blocking_team__isnull=False)
        .values("blocking_team__name", "blocking_team__slug")
        .annotate(removed=Count("pk"), **median_and_p90(TIME_TO_REMOVE))
        .order_by(F("median").desc(), "blocking_team__name")
    ),
    uses=["start", "end"],
)


def longest_open(scope, now):
    """The LONGEST_SHOWN obstacles that stood in the way during the quarter, the longest
    open first: `open_for` runs from logging to removal, or to the quarter's end (now, while
    it runs) for those still standing then; `still_open` says which. Compiled once per
    process (LONGEST)."""
    return LONGEST(scope, until=scope.end(now))


def longest_read(scope, now):
    """`longest_open` as a Read."""
    return LONGEST.read_instances(scope, until=scope.end(now))


def longest_until(scope, until):
    """`longest_open`, measured up to the moment `until`. One query: the longest are chosen
    from the narrow columns alone (the obstacle_review index), then only those rows are read
    whole with their teams.

    No obstacle is open longer than since it was logged, and those still standing at
    `until` are open exactly that long: none logged after the LONGEST_SHOWN-th earliest of
    those (`opened_by`) can be among the longest. The organization's review reads only the
    index entries up to it (at 200 teams some hundred, not the 38,000 obstacles logged before
    the quarter's end); without that many standing, every obstacle in the way is a
    candidate. A team's or a leader's obstacles are found by their team, not in the order
    they were logged: theirs are not bounded so."""
    end = Value(until, output_field=DateTimeField())
    until = Least(Coalesce(F("closed_at"), end), end)
    open_for = ExpressionWrapper(until - F("opened_at"), output_field=DurationField())
    in_the_way = scope.obstacles().for_quarter(scope.quarter).filter(opened_at__lt=end)
    if not (scope.team or scope.leader):
        standing = in_the_way.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        opened_by = standing.order_by("opened_at").values("opened_at")
        opened_by = opened_by[LONGEST_SHOWN - 1 : LONGEST_SHOWN]
        in_the_way = in_the_way.filter(opened_at__lte=Coalesce(Subquery(opened_by), end))
    longest = (
        in_the_way.annotate(open_for=open_for)
        .order_by("-open_for", "pk")
        .values("pk")[:LONGEST_SHOWN]
    )
    return (
        Obstacle.objects.filter(pk__in=Subquery(longest))
        .annotate(
            open_for=open_for,
            still_open=ExpressionWrapper(
                Q(closed_at__isnull=True) | Q(closed_at__gte=end), output_field=BooleanField()
            ),
        )
        .select_related("team", "blocking_team")
        .order_by("-open_for", "pk")
    )


LONGEST = ScopedQuery(longest_until, uses=["start", "end"])


def escalations(scope):
    """The escalations of the quarter (an obstacle marked urgent, at logging or later), each
    with `answered_at`: the first later event on the obstacle by someone other than who
    escalated it (a comment, a change of status, owner or details), NULL while unanswered;
    and `time_to_answer`."""
    quarter = scope.quarter
    events = ObstacleEvent.objects.filter(
        kind=ObstacleEvent.Kind.ESCALATED,
        created_at__gte=start_of(quarter.start),
        created_at__lt=start_of(quarter.end + timedelta(days=1)),
    )
    return with_answer(scope.of_teams(events, "obstacle__team"))


def with_answer(events):
    """`events` (escalations) with `answered_at` and `time_to_answer` (`escalations`)."""
    answers = ObstacleEvent.objects.filter(
        obstacle=OuterRef("obstacle"), created_at__gt=OuterRef("created_at")
    ).exclude(actor=OuterRef("actor"))
    return events.annotate(
        answered_at=Subquery(answers.order_by("created_at").values("created_at")[:1])
    ).annotate(
        time_to_answer=ExpressionWrapper(
            F("answered_at") - F("created_at"), output_field=DurationField()
        )
    )


ESCALATED = ScopedQuery(
    lambda scope: escalations(scope).order_by().values_list("answered_at", "time_to_answer"),
    uses=["start", "end"],
)


def escalation_figures(scope):
    """How many escalations of the quarter (`escalations`), how many answered, and the
    median and 90th-percentile time to the first answer: one query, each escalation's first
    answer looked up once for the three."""
    return escalation_read(scope)()


def escalation_read(scope):
    """`escalation_figures` as a Read."""
    return ESCALATED.read_within(
        scope,
        "SELECT COUNT(*), COUNT(answered_at), "
        "PERCENTILE_CONT(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY time_to_answer) "
        "FROM ({rows}) AS escalated (answered_at, time_to_answer)",
        escalation_counts,
    )


def escalation_counts(rows):
    ((count, answered, percentiles),) = rows
    median, p90 = percentiles or (None, None)
    return {"count": count, "answered": answered, "median": median, "p90": p90}


def slowest_answered(events):
    """The escalations, unanswered first, then the slowest answered."""
    return events.select_related("obstacle__team", "actor").order_by(
        F("time_to_answer").desc(nulls_first=True), "pk"
    )


def slowest_of(scope):
    """`slowest_answered`'s first ESCALATIONS_SHOWN, chosen from the escalations' own narrow
    rows, then only those read whole with their obstacle, its team and who escalated: at 200
    teams the organization's 500 escalations of a quarter were joined to their wide
    obstacles (4.5 ms) to show ten."""
    order = [F("time_to_answer").desc(nulls_first=True), "pk"]
    shown = escalations(scope).order_by(*order).values("pk")[:ESCALATIONS_SHOWN]
    return slowest_answered(with_answer(ObstacleEvent.objects.filter(pk__in=Subquery(shown))))


SLOWEST = ScopedQuery(slowest_of, uses=["start", "end"])


def slowest_escalations(scope):
    """The ESCALATIONS_SHOWN escalations of the quarter unanswered, then the slowest
    answered (`slowest_answered`): compiled once per process."""
    return SLOWEST(scope)


def sections(scope, quarters, now, counted=None):
    """What the review's page reads of its quarter, in one round trip: the obstacle figures
    `stored` for `quarters` (stored_figures), the objectives by outcome by team (`outcomes`)
    and by problem (`by_problem`), the `longest` open, the `escalation` figures and the
    `slowest` escalations; and the team picker's `teams` (slug, name) for a viewer who may
    read any team's (else none). Read one query each, they were seven of the page's
    sixteen. Then the obstacles `kinds` and those removed by the team `waited_on`
    (`obstacles_by_kind`, `removal_by_blocking_team`): from the stored figures, else
    counted from the obstacles, in the same round trip for a leader's review (which has
    none stored), with the `counted` Reads given (by name: the trends'), whose results
    come by their names too."""
    reads = {
        "teams": TEAM_PICKER.read() if scope.sees_organization else None,
        "stored": stored_read(scope, quarters),
        "outcomes": outcomes_of_teams(scope),
        "by_problem": outcomes_of_problems(scope),
        "longest": longest_read(scope, now),
        "escalation": escalation_read(scope),
        "slowest": SLOWEST.read_instances(scope),
    }
    return with_obstacles_counted(scope, reads, counted)


def with_obstacles_counted(scope, reads, counted):
    """What each of `reads` ({name: Read, or None for none}) makes of its rows, by name, read
    in one round trip, with the obstacles `kinds` and those removed by the team `waited_on`:
    from the figures `stored` (read among them), else counted from the obstacles, in the
    same round trip for a leader's review (with the `counted` Reads, by name)."""
    if scope.leader:
        reads["kinds"] = KINDS_COUNTED.read_instances(scope)
        reads["waited_on"] = WAITED_ON_COUNTED.read_instances(scope)
        reads |= counted or {}
    reads = {name: read for name, read in reads.items() if read is not None}
    read = {"teams": (), "stored": None}
    read |= dict(zip(reads, read_together(*reads.values()), strict=True))
    if "kinds" not in read:
        read["kinds"] = obstacles_by_kind(scope, read["stored"])
        read["waited_on"] = removal_by_blocking_team(scope, read["stored"])
    return read


def csv_sections(scope, quarters, counted=None):
    """What the review's CSV reads of its quarter, in one round trip: what `sections` reads
    but the page's picker and lists (the longest open, the slowest escalations), and every
    objective's `grades` and its key results' `final_values` (`final_values_read`). Read
    one query each, they were six of its thirteen."""
    reads = {
        "stored": stored_read(scope, quarters),
        "outcomes": outcomes_of_teams(scope),
        "by_problem": outcomes_of_problems(scope),
        "grades": GRADES.read(scope),
        "final_values": final_values_read(scope),
        "escalation": escalation_read(scope),
    }
    return with_obstacles_counted(scope, reads, counted)


# Every active team as (slug, name), by name: 200 of them at 200 teams.
TEAM_PICKER = CompiledQuery(
    lambda: Team.objects.active().order_by("name").values_list("slug", "name")
)


OBJECTIVES_PAGE = ScopedQuery(
    lambda scope: with_full_count(
        scope.objectives()
        .select_related("team", "quarter", "serves", "carried_into__team", "carried_into__quarter")
        .order_by("team__name", "order", "pk")
    ),
    uses=["quarter"],
)


def key_results_of(end, **objectives):
    """The key results of `objectives` (ids), with their final values at the moment `end`."""
    return (
        KeyResult.objects.with_progress(as_of=end)
        .filter(objective__in=objectives.values())
        .order_by("order", "pk")
    )


# The key results of a page of objectives, its ids always OBJECTIVES_PER_PAGE of them (the
# last repeated on a shorter page): one query compiled once for every page.
FINAL_KEY_RESULTS = CompiledQuery(key_results_of)


def objectives_with_final_values(scope, number):
    """Page `number` (a query string value) of the quarter's objectives, by team and in their
    team's order, with their team, the problem they serve and the objective they were
    carried into (if any), and their key results in `final_key_results`, each with its
    final value: `latest_value`, its latest check-in made in the quarter (NULL without one),
    and `progress` (0..1) from it. Two queries, whatever the number of objectives (one for
    the page and its length, one for its key results), compiled once per process."""
    page = page_read(
        lambda offset, limit: OBJECTIVES_PAGE.slice(scope, offset, limit),
        number,
        OBJECTIVES_PER_PAGE,
    )
    if not page.object_list:
        return page
    ids = [objective.pk for objective in page.object_list]
    ids += ids[-1:] * (OBJECTIVES_PER_PAGE - len(ids))
    key_results = FINAL_KEY_RESULTS(
        end=start_of(scope.quarter.end + timedelta(days=1)),
        **{f"objective_{i}": pk for i, pk in enumerate(ids)},
    )
    for objective in page.object_list:
        objective.final_key_results = []
    of = {objective.pk: objective for objective in page.object_list}
    for key_result in key_results:
        # As a prefetch leaves it: its objective the one already read.
        key_result.objective = of[key_result.objective_id]
        key_result.objective.final_key_results.append(key_result)
    return page


# Leadership: how each leader answered what their teams asked of them.


@dataclass
class Leadership:
    """One leader's figures for the quarter (`leadership`)."""

    leader: object
    # One dict per LeaderRequest: `request`, `asked`, `acted`, `waiting` (asked, not acted
    # on yet), and the `median` and `p90` time to the leader's first action.
    requests: list
    # Decisions due in the quarter by where they stand: a count per Decision value.
    decisions: dict
    # One dict per (team, PM) pair: `team`, `pm`, `held` (1:1s held in the quarter).
    pairs: list
    learnings: int
    teams_reached: int


def weeks_in(quarter, today):
    """The weeks of `quarter` up to `today` (all of them once it ended): the 1:1s a weekly
    cadence would have held. A calendar quarter has 13."""
    days = (min(today, quarter.end) - quarter.start).days + 1
    return max(1, round(days / 7))


def leaders_reviewed(scope, every_leader):
    """The leaders whose figures the review shows: the one of a leader's review, none in a
    team's, else `every_leader` (`leaders_of_active_teams`)."""
    if scope.leader:
        return [scope.leader]
    return [] if scope.team else list(every_leader)


def leaders_of_active_teams():
    """Everyone who leads an active team, in name order."""
    leads = get_user_model().objects.filter(pk__in=Team.objects.active().values("leader"))
    return in_name_order(leads)


# The leadership figures' queries, compiled once per process (headway.stored.CompiledQuery)
# for each quarter reviewed: a quarter's bounds are moments in the time zone (whose offset
# changes with the date, which no stand-in shifted by a constant gives), so they are each
# query's constants; the leaders, or the teams, are one array argument (`any_of`), so that
# each query is one statement whatever their number, prepared once per connection.
LEADERSHIP_QUERIES = {}


def leadership_query(name, quarter, queryset_of):
    """The query `name` of `quarter`'s leadership figures, `queryset_of` compiled once."""
    key = (name, quarter.start, quarter.end)
    query = LEADERSHIP_QUERIES.get(key)
    if query is None:
        query = LEADERSHIP_QUERIES[key] = CompiledQuery(queryset_of, literal_constants=True)
    return query


@dataclass
class LeadersObstacles:
    """The obstacles of the teams the reviewed leaders lead: in a leader's review, its
    teams' by their ids (Scope.leader_teams: at 200 teams, one leader's requests, decisions
    and escalations in 38 ms instead of 81); otherwise through their teams' leader (as fast
    for a page of leaders, without a query more). `ids` are the teams' or the leaders'."""

    by_team: bool
    ids: list

    def of(self, ids):
        """The obstacles, for `ids` as a compiled query's argument."""
        if self.by_team:
            return Obstacle.objects.filter(any_of("team", ids))
        return Obstacle.objects.filter(any_of("team__leader", ids))


def leaders_obstacles(scope, leaders):
    """The obstacles of the teams `leaders` lead (LeadersObstacles)."""
    if scope.leader:
        return LeadersObstacles(by_team=True, ids=scope.leader_teams)
    return LeadersObstacles(by_team=False, ids=[leader.pk for leader in leaders])


# The rows of `leader_figures` that count a leader's learnings (the others are a
# LeaderRequest's or a Decision's).
LEARNINGS = "learnings"


def leader_figures(scope, obstacles, leaders, today):
    """The Read of the leaders' figures, {(leader pk, what): (count, second count,
    percentiles)}, in one statement, a row for each leader and `what`:

    - a LeaderRequest: how many of `obstacles` (leaders_obstacles) asked it of their team's
      leader in the quarter (Obstacle.objects.asking_leader), how many the leader acted on,
      and the median and 90th percentile of the time to their first action. The obstacles of
      each request, with their first action, are a materialized CTE (the querysets' own SQL)
      aggregated per request and leader: an aggregate over a queryset itself would have
      PostgreSQL look up each obstacle's first action once per aggregate that reads it.
    - a Decision: how many of the decisions due in the quarter on `obstacles` stand so
      `today` (Obstacle.objects.decisions).
    - LEARNINGS: how many learnings the leader recorded in the quarter, and how many teams
      they were shared with (every active team, for one shared with everyone).

    `leaders` are the leaders' ids (see `leadership` for how it is planned)."""
    quarter, asked, params = scope.quarter, [], []
    for request in LeaderRequest:
        sql, asked_params = leadership_query(
            ("asked", request, obstacles.by_team),
            quarter,
            lambda ids, request=request: (
                obstacles.of(ids)
                .asking_leader(request, quarter)
                .values_list("team__leader", "time_to_act")
                .order_by()
            ),
        ).bound({"ids": obstacles.ids})
        asked.append(f"SELECT %s, * FROM ({sql}) AS asked")  # noqa: S608 - the ORM's SQL
        params += [request.value, *asked_params]
    decided, decided_params = leadership_query(
        ("decisions", obstacles.by_team),
        quarter,
        lambda ids, today: (
            obstacles.of(ids)
            .decisions(quarter, today)
            .values_list("decision", "team__leader")
            .annotate(count=Count("pk"))
            .order_by()
        ),
    ).bound({"ids": obstacles.ids, "today": today})
    every_team = Team.objects.active().order_by().annotate(n=Func("pk", function="COUNT"))
    learned, learned_params = leadership_query(
        "learnings",
        quarter,
        lambda leaders: (
            Learning.objects.filter(during("created_at", quarter), any_of("author", leaders))
            .values_list("author")
            .annotate(
                recorded=Count("pk", distinct=True),
                teams=Count("teams", distinct=True),
                everyone=BoolOr("for_everyone"),
            )
            .annotate(
                reached=Case(
                    When(everyone=True, then=Subquery(every_team.values("n")[:1])),
                    default=F("teams"),
                )
            )
            .values_list("author", "recorded", "reached")
            .order_by()
        ),
    ).bound({"leaders": leaders})
    asked = " UNION ALL ".join(asked)
    return Read(
        f"WITH asked (request, leader, time_to_act) AS MATERIALIZED ({asked}) "  # noqa: S608 - the ORM's SQL and our own
        "SELECT request, leader, COUNT(*), COUNT(time_to_act), "
        "PERCENTILE_CONT(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY time_to_act) "
        "FROM asked GROUP BY request, leader "
        f"UNION ALL SELECT *, NULL, NULL FROM ({decided}) AS decided "
        f"UNION ALL SELECT %s, *, NULL FROM ({learned}) AS learned",
        [*params, *decided_params, LEARNINGS, *learned_params],
        lambda rows: {(leader, what): figures for what, leader, *figures in rows},
    )


def as_read(model, **values):
    """An instance of `model` with just `values`, its other fields deferred, made as a query
    of those columns makes it (Model.from_db: no default computed for the others)."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(None, names, [values[name] for name in names])


def one_on_one_pairs(scope, leaders):
    """The Read of each leader's 1:1 pairs, {leader pk: [{team, pm, held}]}: those of their
    active teams' product managers today and any other they held a 1:1 with in the quarter,
    with the number held in it; by team, then PM. One statement whatever the number of
    pairs, with what the review shows of the pairs' people and teams (their names, a team's
    slug), from which they are made."""
    names = ["first_name", "last_name", "username"]
    quarter = scope.quarter

    def pairs_of(leaders):
        held = (
            OneOnOne.objects.held()
            .filter(during("held_at", quarter), any_of("leader", leaders))
            .values_list(
                "leader", "pm", *(f"pm__{n}" for n in names), "team", "team__name", "team__slug"
            )
            .annotate(held=Count("pk"))
            .order_by()
        )
        current = (
            Membership.objects.product_managers()
            .filter(any_of("team__leader", leaders), team__archived=False)
            .exclude(user=F("team__leader"))
            .values_list(
                "team__leader",
                "user",
                *(f"user__{n}" for n in names),
                "team",
                "team__name",
                "team__slug",
                Value(0),
            )
            .order_by()
        )
        return held.union(current, all=True).order_by()

    sql, params = leadership_query("pairs", quarter, pairs_of).bound(
        {"leaders": [leader.pk for leader in leaders]}
    )
    return Read(sql, params, pairs_of_leaders)


def pairs_of_leaders(rows):
    """{leader pk: [{team, pm, held}]} from the rows of `one_on_one_pairs`."""
    # Each person and team made once, as read (their other fields deferred): at 200 teams
    # the 400 rows' 800 instances made whole cost some 5 ms of CPU.
    User, counts, people, teams = get_user_model(), {}, {}, {}
    for leader, pm, first, last, username, team, name, slug, count in rows:
        if pm not in people:
            people[pm] = as_read(User, id=pm, first_name=first, last_name=last, username=username)
        if team not in teams:
            teams[team] = as_read(Team, id=team, name=name, slug=slug)
        counts[leader, pm, team] = counts.get((leader, pm, team), 0) + count
    pairs = {}
    for (leader, pm, team), count in counts.items():
        pairs.setdefault(leader, []).append({"team": teams[team], "pm": people[pm], "held": count})
    for rows in pairs.values():
        rows.sort(key=lambda row: (row["team"].name, display_name(row["pm"])))
    return pairs


def leadership(scope, today, every_leader):
    """The leadership figures of each leader the review shows (`leaders_reviewed`): one
    query, their figures and their 1:1 pairs read in one round trip.

    Both statements are planned once per connection (a generic plan): PostgreSQL took
    longer to plan the figures' than to run it for one leader (7-10 ms, for some 4), and no
    value changes its plan (the leaders, or their teams, are one array; the quarter's
    bounds constants of its own). Its cost, as PostgreSQL estimates it, could have it
    JIT-compiled (some 100 ms at 200 teams, for a query that runs in 20): JIT is off."""
    leaders = leaders_reviewed(scope, every_leader)
    if not leaders:
        return []
    ids = [leader.pk for leader in leaders]
    figures, pairs = read_together(
        leader_figures(scope, leaders_obstacles(scope, leaders), ids, today),
        one_on_one_pairs(scope, leaders),
        jit=False,
        generic_plan=True,
    )
    shown = []
    for leader in leaders:
        requests = []
        for request in LeaderRequest:
            asked, acted, percentiles = figures.get((leader.pk, request), (0, 0, None))
            median, p90 = percentiles or (None, None)
            requests.append(
                {
                    "request": request,
                    "asked": asked,
                    "acted": acted,
                    "median": median,
                    "p90": p90,
                    "waiting": asked - acted,
                }
            )
        decisions = {state: figures.get((leader.pk, state), (0,))[0] for state in Decision.values}
        recorded, reached, _none = figures.get((leader.pk, LEARNINGS), (0, 0, None))
        shown.append(
            Leadership(
                leader=leader,
                requests=requests,
                decisions=decisions,
                pairs=pairs.get(leader.pk, []),
                learnings=recorded,
                teams_reached=reached,
            )
        )
    return shown


def in_days(duration):
    """A duration as a number of days, to two places ("" for none): what a spreadsheet sums."""
    return "" if duration is None else f"{duration.total_seconds() / 86400:.2f}"


def scope_suffix(scope):
    """What names the review's scope in its file name: "-<team slug>", "-<leader's
    username>" or nothing for the organization's."""
    if scope.team:
        return f"-{scope.team.slug}"
    return f"-{scope.leader.username}" if scope.leader else ""


class QuotedTexts(dict):
    """{text: the text as a CSV field}, each quoted the first time it is asked for, as
    csv.writer quotes it (its default dialect: when it holds a comma, a quote or a line
    break), a text a spreadsheet would take for a formula kept as text (`spreadsheet_safe`);
    None is written as "", as csv.writer writes it."""

    def __init__(self):
        super().__init__()
        self.quoting = csv.writer(self)

    def write(self, line):
        # csv.writer's file: `__missing__` has it write one row.
        self.line = line

    def __missing__(self, key):
        if key is None:
            return ""
        # A text a spreadsheet would run as a formula (a name or title starting with "=",
        # "+", "-" or "@") is written as text, as the obstacle log's export writes it.
        text = spreadsheet_safe(key) if isinstance(key, str) else str(key)
        if QUOTED_FOR.search(text) is None:
            # Written as it is: at 200 teams, some 3,500 texts of the CSV's 3,540.
            quoted = text
        else:
            # The text as the first of two fields: a lone empty field is written quoted.
            self.quoting.writerow((text, ""))
            quoted = self.line[:-3]
        self[key] = quoted
        return quoted


# What csv.writer's default dialect quotes a field for (QUOTE_MINIMAL): its delimiter, its
# quote character, and the line breaks.
QUOTED_FOR = re.compile('[,"\r\n]')


def csv_text(*sections):
    """The review's CSV rows of (section, row, measure, value) in `sections` (iterables of
    them, or of lines already written, as text), written as csv.writer writes them, but each
    text quoted once: csv.writer looks at every character of every field, and at 200 teams
    the CSV is some 1 MB, most of it the names of the final key results, each written in
    three rows. Numbers are written as they are (str()), which never needs quoting."""
    quoted = QuotedTexts()
    return "".join(
        [
            row
            if isinstance(row, str)
            else f"{quoted[row[0]]},{quoted[row[1]]},{quoted[row[2]]},"
            f"{row[3] if isinstance(row[3], int | Decimal) else quoted[row[3]]}\r\n"
            for rows in sections
            for row in rows
        ]
    )


def csv_rows(scope, read, today=None):
    """The review's figures as rows of (section, row, measure, value), with a header, for
    `csv_text`, from what `csv_sections` `read`; the final key results as their lines
    already written; the leaders' figures only for a viewer who may read them. Each label is
    translated once, not once a row: at 200 teams the CSV has some 10,000 rows."""
    yield [_("Section"), _("Row"), _("Measure"), _("Value")]
    measures = outcome_measures()
    section = _("Objectives")
    for row in read["outcomes"]:
        yield from outcome_rows(section, row["team__name"], row, measures)
    section, no_problem = _("Objectives by problem"), _("Serving no problem")
    for row in read["by_problem"]:
        yield from outcome_rows(section, row["serves__title"] or no_problem, row, measures)
    yield final_values_text(read["grades"], read["final_values"])
    # Translated once, not each time a row's label is written.
    kinds = {kind: str(label) for kind, label in Obstacle.Kind.choices}
    removal = _("Median days to remove"), _("90th percentile days to remove")
    section, logged, removed = _("Obstacles by kind"), _("Logged"), _("Removed")
    for row in read["kinds"]:
        yield [section, kinds[row["kind"]], logged, row["logged"]]
        yield [section, kinds[row["kind"]], removed, row["removed"]]
        yield from timings(section, kinds[row["kind"]], row, *removal)
    section = _("Removed, by team waited on")
    for row in read["waited_on"]:
        team = row["blocking_team__name"]
        yield [section, team, removed, row["removed"]]
        yield from timings(section, team, row, *removal)
    figures = read["escalation"]
    section = _("Escalations")
    yield [section, "", _("Escalated"), figures["count"]]
    yield [section, "", _("Answered"), figures["answered"]]
    yield from timings(
        section, "", figures, _("Median days to answer"), _("90th percentile days to answer")
    )
    if scope.sees_leadership:
        yield from leadership_rows(scope, today or timezone.localdate())


def leadership_rows(scope, today):
    """Each leader's figures, as CSV rows (section "Leadership", row the leader's name); the
    measures are translated once, not once a leader."""
    weeks = weeks_in(scope.quarter, today)
    section = _("Leadership")
    held_with = _("1:1s held with %(pm)s (%(team)s), of %(weeks)s weeks")
    asked = {
        request: [
            message % {"request": request.label}
            for message in (
                _("%(request)s: asked"),
                _("%(request)s: acted on"),
                _("%(request)s: median days to first action"),
                _("%(request)s: 90th percentile days to first action"),
            )
        ]
        for request in LeaderRequest
    }
    decided = {state: _("Decisions: %(state)s") % {"state": state.label} for state in Decision}
    recorded, reached = _("Learnings recorded"), _("Teams the learnings reached")
    for figures in leadership(scope, today, leaders_of_active_teams()):
        name = display_name(figures.leader)
        for row in figures.requests:
            measures = asked[row["request"]]
            yield [section, name, measures[0], row["asked"]]
            yield [section, name, measures[1], row["acted"]]
            yield [section, name, measures[2], in_days(row["median"])]
            yield [section, name, measures[3], in_days(row["p90"])]
        for state in Decision:
            yield [section, name, decided[state], figures.decisions[state]]
        for pair in figures.pairs:
            held = held_with % {
                "pm": display_name(pair["pm"]),
                "team": pair["team"].name,
                "weeks": weeks,
            }
            yield [section, name, held, pair["held"]]
        yield [section, name, recorded, figures.learnings]
        yield [section, name, reached, figures.teams_reached]


FINAL_VALUES = ScopedQuery(
    lambda scope, until: (
        KeyResult.objects.with_progress(as_of=until)
        .filter(objective__in=scope.objectives())
        .order_by("order", "pk")
        .values_list(
            "objective", "description", "latest_value", "start_value", "target_value", "progress"
        )
    ),
    uses=["quarter"],
)
GRADES = ScopedQuery(
    lambda scope: (
        scope.objectives()
        .order_by("team__name", "order", "pk")
        .values_list("pk", "team__name", "title", "status", "final_score")
    ),
    uses=["quarter"],
)


def final_values_read(scope):
    """{objective pk: [(description, final value, target, progress)]}: the final values of
    the key results of the quarter's objectives (`objectives_with_final_values`), in their
    objective's order, read as plain rows: the CSV has those of every team (at 200 teams,
    some 2,400 objects fewer to make). One query, compiled once per process: a Read."""
    end = start_of(scope.quarter.end + timedelta(days=1))
    return FINAL_VALUES.read(scope, final_values_by_objective, until=end)


def final_values_by_objective(rows):
    values = {}
    for objective, description, latest, start, target, progress in rows:
        # KeyResult.current_value: the latest checked-in value, else the start.
        final = start if latest is None else latest
        values.setdefault(objective, []).append((description, final, target, progress))
    return values


def final_values_text(grades, values):
    """Each objective's grade and final score (`grades`, GRADES' rows), and its key results'
    final values against their targets (`values`, `final_values_read`'s; progress a 0..1
    ratio), the figures a spreadsheet reads as numbers, as the CSV's lines (`csv_text`): at
    200 teams they are 6,600 of its 9,400 rows, written here three at a time for a key
    result (two for an objective), its name quoted once. The objectives in the order of
    `objectives_with_final_values`."""
    quoted = QuotedTexts()
    section, outcome = quoted[_("Final key results")], quoted[_("Outcome")]
    final_score, final_value = quoted[_("Final score")], quoted[_("Final value")]
    target, progress = quoted[_("Target")], quoted[_("Progress")]
    outcomes = {status: quoted[str(label)] for status, label in Objective.Status.choices}
    lines = []
    for pk, team, title, status, score in grades:
        name = f"{team} · {title}"
        row = quoted[name]
        lines.append(
            f"{section},{row},{outcome},{outcomes[status]}\r\n"
            f"{section},{row},{final_score},{'' if score is None else f'{score:.2f}'}\r\n"
        )
        for description, final, goal, share in values.get(pk, []):
            row = quoted[f"{name} · {description}"]
            lines.append(
                f"{section},{row},{final_value},{final}\r\n"
                f"{section},{row},{target},{goal}\r\n"
                f"{section},{row},{progress},{'' if share is None else share}\r\n"
            )
    return "".join(lines)


def timings(section, row, figures, median, p90):
    yield [section, row, median, in_days(figures["median"])]
    yield [section, row, p90, in_days(figures["p90"])]


def outcome_measures():
    """The objectives' outcome figures, a CSV row each: (key, translated label)."""
    return [
        ("total", _("Objectives")),
        ("achieved", _("Achieved")),
        ("missed", _("Missed")),
        ("dropped", _("Dropped")),
        ("active", _("Not graded yet")),
        ("carried_over", _("Carried over")),
        ("mean_score", _("Mean final score")),
    ]


def outcome_rows(section, name, row, measures):
    for key, label in measures:
        value = row[key]
        if key == "mean_score":
            value = "" if value is None else f"{value:.2f}"
        yield [section, name, label, value]
