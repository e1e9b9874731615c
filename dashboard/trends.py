"""The quarter review's trends across quarters: obstacles logged and removed by kind, the
median and 90th-percentile time to remove them, and the teams most waited on, for the
TREND_QUARTERS quarters up to the one reviewed, for the organization or one team.

Each figure is one grouped query whatever the number of quarters: counts per quarter with
FILTER clauses, or rows grouped by the quarter they fall in. This module then lays out the
marks of each SVG chart (the template only draws them), as the dashboard's waiting graph does.
"""

import functools
import math
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote_plus

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.utils.translation import gettext as _

from headway.links import url_of
from obstacles.models import (
    Obstacle,
    in_the_way_during,
    start_of,
)

from .review import TIME_TO_REMOVE, ScopedQuery, in_days, median_and_p90

ONE_DAY = timedelta(days=1)

# How far back the trends go, the quarter reviewed included.
TREND_QUARTERS = 8
# The teams most waited on, in each quarter, that the bottleneck chart names.
BOTTLENECKS_PER_QUARTER = 3


def trend_quarters(quarters, quarter):
    """The last TREND_QUARTERS of `quarters` (in the order they start) up to `quarter`."""
    return [other for other in quarters if other.start <= quarter.start][-TREND_QUARTERS:]


def bounds(quarters):
    """The first and the last moment (excluded) of `quarters`, in the order they start."""
    return start_of(quarters[0].start), start_of(quarters[-1].end + ONE_DAY)


def log_url(scope, **filters):
    """The obstacle log filtered to the rows behind a figure (of the review's teams): the
    scope's filters, written once (Scope.query), after the figure's own. The charts link
    some 110 marks, whose values (statuses, kinds, quarters, teams) repeat: each is quoted
    once per process, as urlencode quotes it (urlencode itself took 2 ms a page)."""
    query = "&".join(f"{name}={quoted(value)}" for name, value in filters.items())
    return f"{url_of('obstacles:log')}?{query}{scope.query}"


@functools.lru_cache(maxsize=4096)
def quoted(value):
    """A query string's value, as urlencode quotes it."""
    return quote_plus(str(value))


@dataclass
class QuarterTrend:
    """One quarter's figures: obstacles `logged` and `removed` by kind (every kind, in the
    order of Obstacle.Kind), and the `median` and `p90` time to remove of those removed
    (None when none was)."""

    quarter: object
    logged: dict = field(default_factory=dict)
    removed: dict = field(default_factory=dict)
    median: timedelta = None
    p90: timedelta = None

    @property
    def logged_total(self):
        return sum(self.logged.values())

    @property
    def removed_total(self):
        return sum(self.removed.values())


@dataclass
class Bottleneck:
    """A team waited on, and in each quarter how many obstacles waited on it (`counts`) and
    whether it was among the BOTTLENECKS_PER_QUARTER most waited on (`top`)."""

    name: str
    slug: str
    quarters: list
    counts: list
    top: list

    @property
    def total(self):
        return sum(self.counts)

    @property
    def cells(self):
        return [
            {"quarter": quarter, "count": count, "top": top}
            for quarter, count, top in zip(self.quarters, self.counts, self.top, strict=True)
        ]


def quarter_trends(scope, quarters, stored=None, fetched=None):
    """A QuarterTrend per quarter of `quarters`: from `stored` (review.StoredFigures of
    them) when given, else two queries, whatever their number (or their rows `fetched`
    already: `counted_reads`)."""
    trends = [
        QuarterTrend(
            quarter, {kind: 0 for kind in Obstacle.Kind}, {kind: 0 for kind in Obstacle.Kind}
        )
        for quarter in quarters
    ]
    if stored is not None:
        for trend in trends:
            for kind, row in stored.kinds.get(trend.quarter.pk, {}).items():
                trend.logged[kind], trend.removed[kind] = row["logged"], row["removed"]
            total = stored.totals[trend.quarter.pk]
            trend.median, trend.p90 = total["median"], total["p90"]
        return trends
    for row in counted(kinds_by_quarter, scope, quarters, fetched):
        logged, removed = index_of(row["logged_in"]), index_of(row["removed_in"])
        if logged is not None:
            trends[logged].logged[row["kind"]] += row["count"]
        if removed is not None:
            trends[removed].removed[row["kind"]] += row["count"]
    for row in counted(removal_times, scope, quarters, fetched):
        removed = index_of(row["removed_in"])
        if removed is not None:
            trends[removed].median, trends[removed].p90 = row["median"], row["p90"]
    return trends


def quarter_of(moment, quarters):
    """Which of `quarters` (in the order they start) the expression `moment` falls in, as
    PostgreSQL's width_bucket over their bounds: 2i + 1 within the i-th, an even number
    before, between or after them (`index_of` reads it). One comparison per bound, however
    many quarters: cheaper to build and to run than a condition per quarter."""
    bounds = [
        start_of(day) for quarter in quarters for day in (quarter.start, quarter.end + ONE_DAY)
    ]
    return Func(
        moment,
        Value(bounds, output_field=ArrayField(DateTimeField())),
        function="WIDTH_BUCKET",
        output_field=IntegerField(),
    )


def index_of(bucket):
    """The index of the quarter a `quarter_of` bucket stands for (None outside them all)."""
    return None if bucket is None or bucket % 2 == 0 else bucket // 2


def kinds_by_quarter(scope, quarters):
    """The obstacles logged or removed during `quarters`, counted (`count`) by kind and by
    the quarters they were logged in and removed in (`logged_in`, `removed_in`:
    `quarter_of` buckets, `removed_in` NULL for those not removed)."""
    start, end = bounds(quarters)
    in_window = Q(opened_at__gte=start, opened_at__lt=end) | Q(
        status=Obstacle.Status.RESOLVED, closed_at__gte=start, closed_at__lt=end
    )
    removed_in = Case(
        When(status=Obstacle.Status.RESOLVED, then=quarter_of(F("closed_at"), quarters)),
        output_field=IntegerField(),
    )
    return (
        scope.obstacles()
        .filter(in_window)
        .annotate(logged_in=quarter_of(F("opened_at"), quarters), removed_in=removed_in)
        .values("kind", "logged_in", "removed_in")
        .annotate(count=Count("pk"))
        .order_by()
    )


def removal_times(scope, quarters):
    """One row per quarter of `quarters` in which obstacles were removed (`removed_in`, a
    `quarter_of` bucket), with the `median` and `p90` time from logged to removed."""
    start, end = bounds(quarters)
    return (
        scope.obstacles()
        .filter(status=Obstacle.Status.RESOLVED, closed_at__gte=start, closed_at__lt=end)
        .annotate(removed_in=quarter_of(F("closed_at"), quarters))
        .values("removed_in")
        .annotate(**median_and_p90(TIME_TO_REMOVE))
        .order_by()
    )


def waiting_counts(scope, quarters, stored=None, fetched=None):
    """One row per team waited on during `quarters`, by name: (name, slug, counts), `counts`
    how many obstacles waited on it while they stood in the way during each quarter. From
    `stored` (review.StoredFigures of them) when given, else one query grouped by the team
    waited on."""
    if stored is not None:
        teams = {}
        for i, quarter in enumerate(quarters):
            for row in stored.teams.get(quarter.pk, []):
                name = row["blocking_team__name"]
                team = teams.get(name)
                if team is None:
                    team = teams[name] = (name, row["blocking_team__slug"], [0] * len(quarters))
                team[2][i] = row["waiting"]
        return [teams[name] for name in sorted(teams)]
    rows = counted(waiting_by_team, scope, quarters, fetched)
    return [(name, slug, list(counts)) for name, slug, *counts in rows]


def waiting_by_team(scope, quarters):
    """`waiting_counts` counted from the obstacles, as tuples."""
    start, end = bounds(quarters)
    counts = {
        f"waiting_{i}": Count("pk", filter=in_the_way_during(quarter))
        for i, quarter in enumerate(quarters)
    }
    return (
        scope.obstacles()
        .filter(blocking_team__isnull=False, opened_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .values("blocking_team__name", "blocking_team__slug")
        .annotate(**counts)
        .values_list("blocking_team__name", "blocking_team__slug", *counts)
        .order_by("blocking_team__name")
    )


# The trends' queries counted from the obstacles (a leader's review, or quarters with no
# figures stored), compiled once per process for each set of trend quarters (their bounds,
# the queries' constants, are many) and for each kind of review (review.ScopedQuery).
COUNTED = {}


def counted(build, scope, quarters, fetched=None):
    """The rows `build(scope, quarters)` gives, from a query compiled once per process, or
    from `fetched` (`counted_reads`' results, by name) when it holds them."""
    if fetched and build.__name__ in fetched:
        return fetched[build.__name__]
    return counted_query(build, quarters)(scope)


def counted_query(build, quarters):
    """`build`'s ScopedQuery for `quarters`, compiled once per process."""
    key = (build.__name__, tuple((quarter.pk, quarter.start, quarter.end) for quarter in quarters))
    query = COUNTED.get(key)
    if query is None:
        query = COUNTED[key] = ScopedQuery(lambda scope: build(scope, quarters), uses=[])
    return query


def counted_reads(scope, quarters):
    """The trends' three queries counted from the obstacles, as Reads (headway.stored) by
    name: a review without stored figures (a leader's) reads them with its other sections,
    in one round trip, and gives their results to `review_trends` as `fetched`."""
    return {
        build.__name__: counted_query(build, quarters).read_instances(scope)
        for build in (kinds_by_quarter, removal_times, waiting_by_team)
    }


def bottlenecks(scope, quarters, stored=None, fetched=None):
    """The teams most waited on: in each quarter of `quarters`, the BOTTLENECKS_PER_QUARTER
    teams the most obstacles waited on while they stood in the way (ties by name); each
    team with its counts in every quarter (`waiting_counts`), the most waited on over the
    quarters first."""
    rows = waiting_counts(scope, quarters, stored, fetched)
    chosen = {}
    for i in range(len(quarters)):
        # By name already: the sort keeps that order among equal counts.
        ranked = sorted(rows, key=lambda row: -row[2][i])
        for _name, slug, counts in ranked[:BOTTLENECKS_PER_QUARTER]:
            if counts[i]:
                chosen.setdefault(slug, set()).add(i)
    teams = [
        Bottleneck(
            name,
            slug,
            quarters,
            counts=counts,
            top=[i in chosen[slug] for i in range(len(quarters))],
        )
        for name, slug, counts in rows
        if slug in chosen
    ]
    return sorted(teams, key=lambda team: (-team.total, team.name))


# The charts, in SVG user units: a plot area within margins for the axis and quarter labels.
WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 16, 30
BAR_SHARE, BAR_WIDEST = 0.32, 36
ROW, LABEL_WIDTH, DISC_WIDEST = 30, 170, 12
# Half the width of the band a point of the time chart answers a click or a tap in.
HIT = 9


def scale(highest, steps=4, whole=True):
    """A scale from 0 to a round number at or above `highest`, and its ticks: about
    `steps` of 1, 2 or 5 times a power of ten (whole numbers with `whole`)."""
    if highest <= 0:
        return 1, [0, 1]
    raw = highest / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1, round(step))
    top = step * math.ceil(highest / step - 1e-9)
    return top, [round(step * i, 6) for i in range(round(top / step) + 1)]


@dataclass
class Frame:
    """The plot area of a chart of `count` quarters, and its vertical scale."""

    count: int
    top: float
    ticks: list
    height: int = HEIGHT
    left: int = LEFT

    @property
    def width(self):
        return WIDTH

    @property
    def right(self):
        return WIDTH - RIGHT

    @property
    def axis_x(self):
        """Where the vertical scale's numbers end, left of the plot."""
        return self.left - 6

    @property
    def label_y(self):
        """The baseline of the quarters' labels, under the plot."""
        return self.bottom + 20

    @property
    def plot_height(self):
        return self.height - TOP - BOTTOM

    @property
    def slot(self):
        return (WIDTH - self.left - RIGHT) / self.count

    @property
    def bottom(self):
        return self.height - BOTTOM

    def x(self, i):
        """The middle of the i-th quarter's slot."""
        return round(self.left + self.slot * (i + 0.5), 1)

    def y(self, value):
        return round(TOP + self.plot_height * (1 - value / self.top), 1)

    def gridlines(self):
        return [
            {"value": tick, "y": self.y(tick), "text_y": self.y(tick) + 4} for tick in self.ticks
        ]

    def labels(self, quarters):
        return [{"label": q.label, "x": self.x(i)} for i, q in enumerate(quarters)]


def kinds_chart(scope, trends):
    """Two stacked bars per quarter, obstacles logged and removed, a segment per kind, each
    segment a link to the log's rows behind it."""
    highest = max((max(t.logged_total, t.removed_total) for t in trends), default=0)
    frame = Frame(len(trends), *scale(highest))
    bar = round(min(frame.slot * BAR_SHARE, BAR_WIDEST), 1)
    bars = []
    for i, trend in enumerate(trends):
        label = trend.quarter.label
        for removed, counts, x in [
            (False, trend.logged, frame.x(i) - bar - 1),
            (True, trend.removed, frame.x(i) + 1),
        ]:
            y, segments = frame.bottom, []
            for kind, count in counts.items():
                if not count:
                    continue
                height = frame.plot_height * count / frame.top
                y -= height
                if removed:
                    url = log_url(scope, status="resolved", kind=kind, removed=label)
                else:
                    url = log_url(scope, status="all", kind=kind, logged=label)
                segments.append(
                    {
                        "kind": kind,
                        "count": count,
                        "y": round(y, 1),
                        "height": round(height, 1),
                        "url": url,
                    }
                )
            bars.append(
                {
                    "quarter": label,
                    "removed": removed,
                    "x": round(x, 1),
                    "width": bar,
                    "segments": segments,
                    "total": sum(counts.values()),
                    "total_y": round(y - 4, 1),
                    "text_x": round(x + bar / 2, 1),
                }
            )
    return {
        "frame": frame,
        "gridlines": frame.gridlines(),
        "labels": frame.labels([t.quarter for t in trends]),
        "bars": bars,
    }


def days(duration):
    return None if duration is None else duration.total_seconds() / 86400


def times_chart(scope, trends):
    """The median and the 90th-percentile time to remove, in days, a line each across the
    quarters; each point a link to the obstacles removed in its quarter."""
    highest = max((days(t.p90) or 0 for t in trends), default=0)
    frame = Frame(len(trends), *scale(highest, whole=False))
    points = []
    for i, trend in enumerate(trends):
        if trend.median is None:
            continue
        label = trend.quarter.label
        median_y, p90_y = frame.y(days(trend.median)), frame.y(days(trend.p90))
        points.append(
            {
                "quarter": label,
                "x": frame.x(i),
                "median": trend.median,
                "p90": trend.p90,
                "median_y": median_y,
                "p90_y": p90_y,
                # The link's target: a band from one point to the other, wider than both.
                "hit_x": frame.x(i) - HIT,
                "hit_y": round(p90_y - HIT, 1),
                "hit_width": 2 * HIT,
                "hit_height": round(median_y - p90_y + 2 * HIT, 1),
                "removed": trend.removed_total,
                "url": log_url(scope, status="resolved", removed=label, sort="oldest"),
            }
        )
    return {
        "frame": frame,
        "gridlines": frame.gridlines(),
        "labels": frame.labels([t.quarter for t in trends]),
        "points": points,
        "median_line": " ".join(f"{p['x']},{p['median_y']}" for p in points),
        "p90_line": " ".join(f"{p['x']},{p['p90_y']}" for p in points),
    }


def bottleneck_chart(scope, quarters, teams):
    """A row per team most waited on, a column per quarter: a disc as large as the number of
    obstacles waiting on the team then, darker where it was among the most waited on; each
    disc a link to those obstacles in the log."""
    if not teams:
        return None
    highest = max(max(team.counts) for team in teams)
    frame = Frame(len(quarters), 1, [], height=TOP + len(teams) * ROW + BOTTOM, left=LABEL_WIDTH)
    rows = []
    for r, team in enumerate(teams):
        y = TOP + r * ROW + ROW / 2
        cells = [
            {
                "quarter": quarter.label,
                "count": count,
                "top": top,
                # The disc left of the slot's middle, its count written right of it.
                "x": round(frame.x(i) - DISC_WIDEST, 1),
                "text_x": round(frame.x(i) + 1, 1),
                "radius": round(3 + (DISC_WIDEST - 3) * math.sqrt(count / highest), 1),
                "url": log_url(scope, status="all", blocking=team.slug, quarter=quarter.label),
            }
            for i, (quarter, count, top) in enumerate(
                zip(quarters, team.counts, team.top, strict=True)
            )
            if count
        ]
        rows.append({"team": team, "y": y, "text_y": y + 5, "cells": cells})
    return {
        "frame": frame,
        "labels": frame.labels(quarters),
        "rows": rows,
    }


def review_trends(scope, quarters, stored=None, fetched=None):
    """Everything the review's trends section shows: from `stored` (review.StoredFigures of
    the trend_quarters) when given, else from three queries (their rows `fetched` already
    when given: `counted_reads`)."""
    quarters = trend_quarters(quarters, scope.quarter)
    trends = quarter_trends(scope, quarters, stored, fetched)
    teams = bottlenecks(scope, quarters, stored, fetched)
    return {
        "quarters": quarters,
        "rows": trends,
        "kinds": [(kind.value, kind.label) for kind in Obstacle.Kind],
        "per_quarter": BOTTLENECKS_PER_QUARTER,
        "bottlenecks": teams,
        "kinds_chart": kinds_chart(scope, trends),
        "times_chart": times_chart(scope, trends),
        "bottleneck_chart": bottleneck_chart(scope, quarters, teams),
    }


def csv_rows(scope, quarters, stored=None, fetched=None):
    """The trends as rows of the review's CSV (section, row, measure, value), after its own:
    per quarter, obstacles logged and removed by kind, the median and 90th-percentile days
    to remove, and the obstacles waiting on each team most waited on. From `stored`
    (review.StoredFigures of the trend_quarters) when given, else counted (their rows
    `fetched` already when given: `counted_reads`)."""
    quarters = trend_quarters(list(quarters), scope.quarter)
    # Translated once, not each time a row's label is written.
    kinds = {kind: str(label) for kind, label in Obstacle.Kind.choices}
    rows = quarter_trends(scope, quarters, stored, fetched)
    for section, counts in [
        (_("Trends: obstacles logged, by kind"), lambda trend: trend.logged),
        (_("Trends: obstacles removed, by kind"), lambda trend: trend.removed),
    ]:
        for trend in rows:
            for kind, count in counts(trend).items():
                yield [section, trend.quarter.label, kinds[kind], count]
    section, removed = _("Trends: time to remove"), _("Removed")
    median, p90 = _("Median days to remove"), _("90th percentile days to remove")
    for trend in rows:
        label = trend.quarter.label
        yield [section, label, removed, trend.removed_total]
        yield [section, label, median, in_days(trend.median)]
        yield [section, label, p90, in_days(trend.p90)]
    section, waiting = _("Trends: obstacles waiting on the teams most waited on"), _("Waiting")
    for team in bottlenecks(scope, quarters, stored, fetched):
        for cell in team.cells:
            yield [section, f"{cell['quarter'].label} · {team.name}", waiting, cell["count"]]
