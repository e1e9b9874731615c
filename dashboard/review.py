"""The quarter review's figures: how each team's objectives ended, and how fast the
obstacles in their way were removed and the escalations answered.

Every figure is one query whatever the number of teams or obstacles: counts with FILTER,
medians and 90th percentiles with PostgreSQL's percentile_cont.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Aggregate,
    Avg,
    BooleanField,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext as _

from objectives.models import KeyResult, Objective
from obstacles.models import (
    Obstacle,
    ObstacleEvent,
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
    """What a review covers: a quarter, and one team or (team None) the organization."""

    quarter: object
    team: object = None
    # Whether the viewer may read the organization's review (and so any team's).
    sees_organization: bool = False

    def objectives(self):
        objectives = Objective.objects.filter(quarter=self.quarter)
        return objectives.filter(team=self.team) if self.team else objectives

    def obstacles(self):
        obstacles = Obstacle.objects.all()
        return obstacles.filter(team=self.team) if self.team else obstacles

    def end(self, now):
        """The moment the review is taken at: the quarter's end, or now while it runs."""
        return min(now, start_of(self.quarter.end + timedelta(days=1)))


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


def objective_outcomes(scope):
    """One row per team: its objectives of the quarter by outcome (`outcome_counts`), by
    team name."""
    return (
        scope.objectives()
        .values("team__name", "team__slug")
        .annotate(**outcome_counts())
        .order_by("team__name")
    )


def outcomes_by_problem(scope):
    """One row per organization problem the quarter's objectives serve, then one for those
    serving none (`serves` NULL): their objectives by outcome (`outcome_counts`)."""
    return (
        scope.objectives()
        .values("serves", "serves__title")
        .annotate(**outcome_counts())
        .order_by(F("serves__title").asc(nulls_last=True))
    )


def obstacles_by_kind(scope):
    """One row per kind with any obstacle logged or removed in the quarter: `logged`,
    `removed`, and the `median` and `p90` time from logged to removed of those removed
    (NULL when none was)."""
    quarter = scope.quarter
    logged, removed = logged_during(quarter), removed_during(quarter)
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


def removal_by_blocking_team(scope):
    """One row per team waited on (the blocking team) by obstacles removed in the quarter:
    `removed`, and the `median` and `p90` time from logged to removed; slowest first."""
    return (
        scope.obstacles()
        .removed_in(scope.quarter)
        .filter(blocking_team__isnull=False)
        .values("blocking_team__name", "blocking_team__slug")
        .annotate(removed=Count("pk"), **median_and_p90(TIME_TO_REMOVE))
        .order_by(F("median").desc(), "blocking_team__name")
    )


def longest_open(scope, now):
    """The obstacles that stood in the way during the quarter, the longest open first:
    `open_for` runs from logging to removal, or to the quarter's end (now, while it runs)
    for those still standing then; `still_open` says which."""
    end = Value(scope.end(now), output_field=DateTimeField())
    until = Least(Coalesce(F("closed_at"), end), end)
    return (
        scope.obstacles()
        .for_quarter(scope.quarter)
        .filter(opened_at__lt=end)
        .annotate(
            open_for=ExpressionWrapper(until - F("opened_at"), output_field=DurationField()),
            still_open=ExpressionWrapper(
                Q(closed_at__isnull=True) | Q(closed_at__gte=end), output_field=BooleanField()
            ),
        )
        .select_related("team", "blocking_team")
        .order_by("-open_for", "pk")
    )


def escalations(scope):
    """The escalations of the quarter (an obstacle marked urgent, at logging or later), each
    with `answered_at`: the first later event on the obstacle by someone other than who
    escalated it (a comment, a change of status, owner or details), NULL while unanswered;
    and `time_to_answer`."""
    quarter = scope.quarter
    answers = ObstacleEvent.objects.filter(
        obstacle=OuterRef("obstacle"), created_at__gt=OuterRef("created_at")
    ).exclude(actor=OuterRef("actor"))
    events = ObstacleEvent.objects.filter(
        kind=ObstacleEvent.Kind.ESCALATED,
        created_at__gte=start_of(quarter.start),
        created_at__lt=start_of(quarter.end + timedelta(days=1)),
    )
    if scope.team:
        events = events.filter(obstacle__team=scope.team)
    return events.annotate(
        answered_at=Subquery(answers.order_by("created_at").values("created_at")[:1])
    ).annotate(
        time_to_answer=ExpressionWrapper(
            F("answered_at") - F("created_at"), output_field=DurationField()
        )
    )


def escalation_figures(events):
    """How many escalations, how many answered, and the median and 90th-percentile time to
    the first answer: one query."""
    return events.aggregate(
        count=Count("pk"),
        answered=Count("answered_at"),
        **median_and_p90(F("time_to_answer")),
    )


def slowest_answered(events):
    """The escalations, unanswered first, then the slowest answered."""
    return events.select_related("obstacle__team", "actor").order_by(
        F("time_to_answer").desc(nulls_first=True), "pk"
    )


def objectives_with_final_values(scope):
    """The quarter's objectives, by team and in their team's order, with their team, the
    problem they serve and the objective they were carried into (if any), and their key
    results in `final_key_results`, each with its final value: `latest_value`, its latest
    check-in made in the quarter (NULL without one), and `progress` (0..1) from it. Two
    queries, whatever the number of objectives (one to page them, one for key results)."""
    end = start_of(scope.quarter.end + timedelta(days=1))
    key_results = KeyResult.objects.with_progress(as_of=end).order_by("order", "pk")
    return (
        scope.objectives()
        .select_related("team", "quarter", "serves", "carried_into__team", "carried_into__quarter")
        .prefetch_related(
            Prefetch("key_results", queryset=key_results, to_attr="final_key_results")
        )
        .order_by("team__name", "order", "pk")
    )


def in_days(duration):
    """A duration as a number of days, to two places ("" for none): what a spreadsheet sums."""
    return "" if duration is None else f"{duration.total_seconds() / 86400:.2f}"


def csv_rows(scope):
    """The review's figures as rows of (section, row, measure, value), with a header."""
    yield [_("Section"), _("Row"), _("Measure"), _("Value")]
    for row in objective_outcomes(scope):
        yield from outcome_rows(_("Objectives"), row["team__name"], row)
    for row in outcomes_by_problem(scope):
        title = row["serves__title"] or _("Serving no problem")
        yield from outcome_rows(_("Objectives by problem"), title, row)
    yield from final_value_rows(scope)
    kinds = dict(Obstacle.Kind.choices)
    for row in obstacles_by_kind(scope):
        yield [_("Obstacles by kind"), kinds[row["kind"]], _("Logged"), row["logged"]]
        yield [_("Obstacles by kind"), kinds[row["kind"]], _("Removed"), row["removed"]]
        yield from timings(_("Obstacles by kind"), kinds[row["kind"]], row)
    for row in removal_by_blocking_team(scope):
        team = row["blocking_team__name"]
        yield [_("Removed, by team waited on"), team, _("Removed"), row["removed"]]
        yield from timings(_("Removed, by team waited on"), team, row)
    figures = escalation_figures(escalations(scope))
    yield [_("Escalations"), "", _("Escalated"), figures["count"]]
    yield [_("Escalations"), "", _("Answered"), figures["answered"]]
    yield from timings(
        _("Escalations"),
        "",
        figures,
        _("Median days to answer"),
        _("90th percentile days to answer"),
    )


def final_value_rows(scope):
    """Each objective's grade and final score, and its key results' final values against
    their targets (progress a 0..1 ratio): the figures a spreadsheet reads as numbers."""
    section = _("Final key results")
    for objective in objectives_with_final_values(scope):
        name = f"{objective.team.name} · {objective.title}"
        yield [section, name, _("Outcome"), objective.get_status_display()]
        score = "" if objective.final_score is None else f"{objective.final_score:.2f}"
        yield [section, name, _("Final score"), score]
        for key_result in objective.final_key_results:
            row = f"{name} · {key_result.description}"
            yield [section, row, _("Final value"), key_result.current_value]
            yield [section, row, _("Target"), key_result.target_value]
            yield [section, row, _("Progress"), key_result.progress]


def timings(section, row, figures, median=None, p90=None):
    yield [section, row, median or _("Median days to remove"), in_days(figures["median"])]
    yield [section, row, p90 or _("90th percentile days to remove"), in_days(figures["p90"])]


def outcome_rows(section, name, row):
    measures = [
        ("total", _("Objectives")),
        ("achieved", _("Achieved")),
        ("missed", _("Missed")),
        ("dropped", _("Dropped")),
        ("active", _("Not graded yet")),
        ("carried_over", _("Carried over")),
    ]
    for key, label in measures:
        yield [section, name, label, row[key]]
    score = "" if row["mean_score"] is None else f"{row['mean_score']:.2f}"
    yield [section, name, _("Mean final score"), score]
