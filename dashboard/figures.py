"""The home page's figures: a leader's dashboard and a team member's home.

The page composes the three apps, so it lives here, at the root, and reads each app through
its queryset API (`Team.objects.with_stored_standing`, `with_stored_obstacle_counts`,
`with_stored_bottleneck`, `Obstacle.objects.needing_leader`...). Every figure is computed by
the database, most of them once, when what they count changes (the stored signals:
TeamStanding, TeamObstacleCounts, WaitingPair); this module chooses the teams, the order and
the panels, and lays out the waiting graph's boxes.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Rank

from coaching.models import ActionItem, Learning, OneOnOne, latest_shared_with, with_cadence
from headway.lists import first_of_each
from headway.stored import CompiledQuery
from objectives.models import (
    RATIO,
    KeyResult,
    Objective,
    Problem,
    Team,
    aggregate_subquery,
    days_between,
)
from obstacles.models import (
    DECISION_DUE_SOON,
    Obstacle,
    WaitingPair,
    with_open_threat_counts,
    with_stored_bottleneck,
    with_stored_obstacle_counts,
)


class Scope(StrEnum):
    """Whose teams the dashboard shows: the leader's own, or the whole organization's."""

    MINE = "mine"
    ALL = "all"


def teams_in_scope(user, scope):
    teams = Team.objects.active()
    return teams if scope == Scope.ALL else teams.led_by(user)


# The orders a leader can put the rows in: the biggest worry first, then by name.
SORTS = {
    # Furthest behind pace first: every team has the same share of the quarter elapsed, so
    # the least progress is the widest gap (and no SQL repeats the progress subquery).
    "pace": [F("progress").asc(nulls_last=True), F("name")],
    "obstacles": [
        F("open_obstacle_count").desc(),
        F("urgent_obstacle_count").desc(),
        F("oldest_open_obstacle_at").asc(nulls_last=True),
        F("name"),
    ],
    # Never met comes first: it is the longest wait of all.
    "one_on_one": [F("last_one_on_one_at").asc(nulls_first=True), F("name")],
}
DEFAULT_SORT = "pace"
# How much of each list the dashboard shows: the rest is a link or a page away.
TEAMS_PER_PAGE = 20
NEEDS_YOU_SHOWN = 10
OVERDUE_SHOWN = 5
TEAM_HOME_OBSTACLES = 10
BOTTLENECKS_SHOWN = 5
WAITS_SHOWN = 5
GRAPH_PAIRS = 12


def team_rows(teams, quarter, now, today, sort=DEFAULT_SORT):
    """One row per team: its pace in `quarter`, its open obstacles, how long the oldest
    has been open, and the 1:1 cadence of its leader and PM, with the team's PMs
    prefetched; in the order `sort` names.

    Adds to `Team.objects.with_stored_standing` (what `with_pace` computes, as stored),
    `with_stored_obstacle_counts` (`with_obstacle_counts`, as stored) and `with_cadence`:
    `oldest_open_obstacle_age` (a duration) and `latest_one_on_one_id` (the pair's coming
    1:1, else their last one: where the series is read).
    """
    series = OneOnOne.objects.filter(team=OuterRef("pk"), leader=OuterRef("leader"))
    rows = teams.with_stored_standing(quarter, today)
    rows = with_cadence(with_stored_obstacle_counts(rows), today).annotate(
        latest_one_on_one_id=Subquery(series.order_by("-scheduled_for").values("pk")[:1]),
        oldest_open_obstacle_age=ExpressionWrapper(
            Value(now) - F("oldest_open_obstacle_at"), output_field=DurationField()
        ),
    )
    return (
        rows.select_related("leader")
        .with_product_managers()
        .order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    )


def obstacles_needing(leader, today):
    """What asks for `leader` now (`Obstacle.objects.needing_leader`), urgent first, then
    decisions by their date, then the most severe; each with `decision_due` (a stakeholder
    decision due soon or overdue), `decision_days_left` and `decision_days_overdue`
    (negative of each other; NULL without a decide-by date)."""
    due_soon = Q(kind=Obstacle.Kind.STAKEHOLDER, decide_by__lte=today + DECISION_DUE_SOON)
    return (
        Obstacle.objects.needing_leader(leader, today)
        .annotate(
            decision_days_left=days_between(F("decide_by"), Value(today)),
            decision_days_overdue=days_between(Value(today), F("decide_by")),
            decision_due=Case(
                When(due_soon, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .select_related("team", "owner", "blocking_team")
        .most_pressing_first()
    )


def obstacles_waiting_on(leader, today):
    """`Obstacle.objects.waiting_on_teams_led_by(leader)`, most pressing first. Those already
    in `obstacles_needing` (the leader leads the waiting team too) are listed there only."""
    asking = Obstacle.objects.needing_leader(leader, today).values("pk")
    return (
        Obstacle.objects.waiting_on_teams_led_by(leader)
        .exclude(pk__in=asking)
        .select_related("team", "owner", "blocking_team")
        .most_pressing_first()
    )


def overdue_action_items(owner, today):
    """The action items `owner` said they would do in their 1:1s and are late with."""
    return ActionItem.objects.overdue_for(owner, today)


def latest_learnings(teams, limit=5):
    """The latest learnings that concern any of `teams`: shared with everyone, with one of
    them, or learned by one of them (`Learning.objects.shared_with`, for several teams)."""
    shared = Learning.objects.filter(
        Q(for_everyone=True) | Q(teams__in=teams) | Q(source_team__in=teams)
    )
    return (
        Learning.objects.filter(pk__in=shared.values("pk"))
        .select_related("source_team", "author")
        .prefetch_related("teams")[:limit]
    )


def waiting_obstacles():
    """Active obstacles that wait on another team, with what they threaten: only what the
    bottlenecks show of them (their titles and links), so that ranking them by team moves
    narrow rows."""
    objectives = Objective.objects.select_related("team", "quarter").only(
        "title", "team__slug", "quarter__label"
    )
    return (
        Obstacle.objects.waiting_on_another_team()
        .select_related("team")
        .only("title", "opened_at", "blocking_team", "team__name")
        .prefetch_related(Prefetch("threatened_objectives", queryset=objectives))
        .order_by("team__name", "opened_at")
    )


def bottlenecks():
    """The teams other teams' open obstacles name as blocking (case 4 of the article),
    ranked by how many teams, then objectives, they hold up; teams tied on both share a
    `rank`. Each carries `waiting`: the first WAITS_SHOWN of the obstacles, with their team
    and objectives (the log lists them all)."""
    ranking = [F("bottleneck_team_count").desc(), F("bottleneck_objective_count").desc()]
    waited_on = Team.objects.active().filter(pk__in=WaitingPair.objects.values("blocking_team"))
    return (
        with_stored_bottleneck(waited_on)
        .filter(bottleneck_obstacle_count__gt=0)
        .annotate(rank=Window(Rank(), order_by=ranking))
        .prefetch_related(
            Prefetch(
                "blocking_obstacles",
                queryset=waiting_obstacles()[:WAITS_SHOWN],
                to_attr="waiting",
            )
        )
        .order_by(*ranking, F("bottleneck_obstacle_count").desc(), "name")
    )


# The waiting graph: waiting teams in a column on the left, the teams they wait on on the
# right, one arrow per pair, thicker for more obstacles. Sizes in SVG user units.
GRAPH_WIDTH, GRAPH_ROW, GRAPH_BOX_W, GRAPH_BOX_H, GRAPH_PAD = 400, 34, 150, 26, 4


@dataclass
class GraphBox:
    name: str
    x: float
    y: float

    @property
    def text_x(self):
        return self.x + 8

    @property
    def text_y(self):
        return self.y + GRAPH_BOX_H / 2 + 5


@dataclass
class GraphArrow:
    x1: float
    y1: float
    x2: float
    y2: float
    count: int
    width: float
    waiting: str
    blocking: str


def waiting_pairs():
    """(waiting team, blocking team, obstacle count) for every pair, as stored (WaitingPair),
    the heaviest first."""
    return (
        WaitingPair.objects.values("team__name", "blocking_team__name")
        .annotate(count=F("obstacle_count"))
        .order_by("-count", "blocking_team__name", "team__name")
    )


def waiting_graph(pairs, limit=GRAPH_PAIRS):
    """Boxes and arrows for the SVG of who waits on whom, from `waiting_pairs()`: the `limit`
    heaviest pairs (`more` says whether there are others), so that it stays readable."""
    pairs = list(pairs[: limit + 1])
    more, pairs = len(pairs) > limit, pairs[:limit]
    if not pairs:
        return None
    left = sorted({p["team__name"] for p in pairs})
    right = sorted({p["blocking_team__name"] for p in pairs})

    def column(names, x):
        return {
            name: GraphBox(name, x, GRAPH_PAD + i * GRAPH_ROW + offset)
            for i, name in enumerate(names)
            # Centre the shorter column against the longer one.
            for offset in [(max(len(left), len(right)) - len(names)) * GRAPH_ROW / 2]
        }

    waiting = column(left, GRAPH_PAD)
    blocking = column(right, GRAPH_WIDTH - GRAPH_BOX_W - GRAPH_PAD)
    arrows = [
        GraphArrow(
            x1=waiting[p["team__name"]].x + GRAPH_BOX_W,
            y1=waiting[p["team__name"]].y + GRAPH_BOX_H / 2,
            x2=blocking[p["blocking_team__name"]].x - 4,
            y2=blocking[p["blocking_team__name"]].y + GRAPH_BOX_H / 2,
            count=p["count"],
            width=min(1.5 + p["count"], 6),
            waiting=p["team__name"],
            blocking=p["blocking_team__name"],
        )
        for p in pairs
    ]
    return {
        "width": GRAPH_WIDTH,
        "height": 2 * GRAPH_PAD
        + max(len(left), len(right)) * GRAPH_ROW
        - (GRAPH_ROW - GRAPH_BOX_H),
        "box_width": GRAPH_BOX_W,
        "box_height": GRAPH_BOX_H,
        "waiting": list(waiting.values()),
        "blocking": list(blocking.values()),
        "arrows": arrows,
        "more": more,
    }


# What a team member's home shows of each of their teams, each compiled once per process:
# the team's active obstacles and other teams' waiting on it (the first TEAM_HOME_OBSTACLES
# of each team), and the member's coming 1:1s. Their teams are the active ones they are in.
HOME_OBSTACLES = CompiledQuery(
    lambda user: first_of_each(
        Obstacle.objects.active()
        .filter(team__in=Team.objects.active().with_member(user))
        .select_related("owner", "blocking_team"),
        "team",
        TEAM_HOME_OBSTACLES,
    )
)
HOME_WAITING = CompiledQuery(
    lambda user: first_of_each(
        Obstacle.objects.active()
        .filter(blocking_team__in=Team.objects.active().with_member(user))
        .select_related("team")
        .most_pressing_first(),
        "blocking_team",
        TEAM_HOME_OBSTACLES,
    )
)
HOME_ONE_ON_ONES = CompiledQuery(
    lambda user: (
        OneOnOne.objects.filter(pm=user, team__in=Team.objects.active().with_member(user))
        .upcoming()
        .select_related("leader")
        .order_by("scheduled_for")
    )
)


def team_homes(user, teams, quarter, now, today):
    """A team member's teams (`teams`: the active ones they are in) as `team_rows`, each with
    its active obstacles (`open_obstacles`: the first TEAM_HOME_OBSTACLES, urgent and severe
    first) and the user's coming 1:1s with its leader (`upcoming_one_on_ones`); and what
    other teams' active obstacles wait on it (`waiting_on_team`: the most pressing
    TEAM_HOME_OBSTACLES, `bottleneck_obstacle_count` in all)."""
    rows = list(with_stored_bottleneck(team_rows(teams, quarter, now, today)))
    for row in rows:
        row.open_obstacles, row.waiting_on_team, row.upcoming_one_on_ones = [], [], []
    by_pk = {row.pk: row for row in rows}
    for obstacle in HOME_OBSTACLES(user=user.pk):
        obstacle.team = by_pk[obstacle.team_id]
        obstacle.team.open_obstacles.append(obstacle)
    for obstacle in HOME_WAITING(user=user.pk):
        obstacle.blocking_team = by_pk[obstacle.blocking_team_id]
        obstacle.blocking_team.waiting_on_team.append(obstacle)
    for one_on_one in HOME_ONE_ON_ONES(user=user.pk):
        one_on_one.team = by_pk[one_on_one.team_id]
        one_on_one.team.upcoming_one_on_ones.append(one_on_one)
    return rows


# The key results a member owns in a quarter: compiled once per process.
OWNED_KEY_RESULTS = CompiledQuery(
    lambda user, quarter: (
        KeyResult.objects.filter(owner=user, objective__quarter=quarter)
        .exclude(objective__status=Objective.Status.DROPPED)
        .with_latest_check_in_joined()
        .select_related("objective__team", "objective__quarter")
        .order_by("objective__team__name", "objective__order", "order", "pk")
    )
)


def key_results_owned_by(user, quarter):
    """The key results `user` owns in `quarter` (not of dropped objectives), with their
    latest check-in, team by team: theirs to check in on."""
    return OWNED_KEY_RESULTS(user=user.pk, quarter=quarter.pk)


def with_learnings(rows, limit=5):
    """Each team row with `shared_learnings`: the latest shared with it (a member has one team or
    two, so one query each is fine here)."""
    rows = list(rows)
    for team in rows:
        team.shared_learnings = latest_shared_with(team, limit)
    return rows


# The "by problem" view: each of the organization's problems with the objectives serving it.
PROBLEM_OBJECTIVES_SHOWN = 8
UNALIGNED_SHOWN = 10
PROBLEM_THREATS_SHOWN = 10


def objectives_in(quarter, today):
    """The quarter's objectives that count (not dropped), with their progress, pace,
    `pace_gap` and `open_threat_count`, the furthest behind pace first."""
    objectives = with_open_threat_counts(
        Objective.objects.filter(quarter=quarter).counted().with_progress(today)
    )
    return (
        objectives.annotate(
            pace_gap=ExpressionWrapper(F("expected") - F("progress"), output_field=RATIO)
        )
        .select_related("team", "quarter")
        .order_by(F("pace_gap").desc(nulls_last=True), "team__name", "order", "pk")
    )


def threats_to(problems, quarter):
    """Active obstacles threatening objectives of `quarter` that serve one of `problems`,
    each once."""
    serving = Objective.objects.filter(quarter=quarter, serves__in=problems)
    return Obstacle.objects.active().threatening(serving)


def problems_with_standing(quarter, today):
    """Every problem with its standing in `quarter` (`Problem.objects.with_progress`) and
    `open_threat_count`: the active obstacles threatening its objectives of the quarter."""
    threats = Obstacle.objects.active().filter(
        threatened_objectives__quarter=quarter, threatened_objectives__serves=OuterRef("pk")
    )
    return (
        Problem.objects.with_progress(quarter, today)
        .annotate(
            open_threat_count=Coalesce(
                aggregate_subquery(
                    threats, "threatened_objectives__serves", Count("pk", distinct=True)
                ),
                0,
            )
        )
        .select_related("owner", "first_quarter", "last_quarter")
    )


def problem_rows(quarter, today):
    """The problems of `quarter`, as `problems_with_standing`, each with `shown_objectives`
    (the PROBLEM_OBJECTIVES_SHOWN furthest behind pace of its objectives)."""
    return (
        problems_with_standing(quarter, today)
        .filter(pk__in=Problem.objects.in_quarter(quarter))
        .prefetch_related(
            Prefetch(
                "objectives",
                queryset=objectives_in(quarter, today)[:PROBLEM_OBJECTIVES_SHOWN],
                to_attr="shown_objectives",
            )
        )
        .order_by("title", "pk")
    )


def problem_waits(problems, quarter):
    """{problem pk: [(blocking team name, slug, count)]}: the teams that the active obstacles
    threatening each problem's objectives wait on, the most waited on first; counted by the
    database, arranged here."""
    pairs = (
        Obstacle.objects.active()
        .filter(threatened_objectives__quarter=quarter, threatened_objectives__serves__in=problems)
        .filter(blocking_team__isnull=False)
        .values("threatened_objectives__serves", "blocking_team__name", "blocking_team__slug")
        .annotate(count=Count("pk", distinct=True))
        .order_by("-count", "blocking_team__name")
    )
    waits = {}
    for pair in pairs:
        waits.setdefault(pair["threatened_objectives__serves"], []).append(
            {
                "name": pair["blocking_team__name"],
                "slug": pair["blocking_team__slug"],
                "count": pair["count"],
            }
        )
    return waits


def alignment(quarter):
    """How many of the quarter's objectives (not dropped) there are, and how many serve one
    of the organization's problems."""
    return (
        Objective.objects.filter(quarter=quarter)
        .counted()
        .aggregate(total=Count("pk"), aligned=Count("pk", filter=Q(serves__isnull=False)))
    )
