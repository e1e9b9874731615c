"""The home page's figures: a leader's dashboard and a team member's home.

The page composes the three apps, so it lives here, at the root, and reads each app through
its queryset API (`Team.objects.with_stored_standing`, `with_stored_obstacle_counts`,
`with_stored_bottleneck`, `Obstacle.objects.needing_leader`...). Every figure is computed by
the database, most of them once, when what they count changes (the stored signals:
TeamStanding, TeamObstacleCounts, WaitingPair); this module chooses the teams, the order and
the panels, and lays out the waiting graph's boxes.
"""

from collections import namedtuple
from dataclasses import dataclass, field
from datetime import date, datetime
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
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, RowNumber

from coaching.models import ActionItem, Learning, OneOnOne, latest_shared_with, with_cadence
from headway.links import url_of
from headway.lists import Shortlist, first_of_each, page_read, with_full_count
from headway.people import NAME_ORDER
from headway.stored import CompiledQuery
from objectives.models import (
    RATIO,
    KeyResult,
    Membership,
    Objective,
    Problem,
    Quarter,
    Team,
    aggregate_subquery,
    days_between,
    pace_for,
    team_page_url,
)
from obstacles.models import (
    DECISION_DUE_SOON,
    Obstacle,
    WaitingPair,
    open_count_names,
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


# The dashboard's page of team rows, read as plain rows by a query compiled once per process
# for each scope and order: what dashboard.rows draws of each team, not model instances.
TEAM_ROW_COLUMNS = (
    "pk",
    "name",
    "slug",
    "is_platform",
    "leader_id",
    "progress",
    "latest_confidence",
    "latest_checked_at",
    *(name for name in open_count_names() if name != "oldest_open_obstacle_at"),
    "oldest_open_obstacle_age",
    "last_one_on_one_at",
    "days_since_one_on_one",
    "one_on_one_overdue",
    "latest_one_on_one_id",
    "full_count",
)


class TeamRow:
    """A team's row of the dashboard as read (TEAM_ROW_COLUMNS), with `expected` (the share
    of the quarter elapsed, the same for every team) and `pm_memberships` (ProductManager):
    what `team_rows` gives of a team, as dashboard.rows draws it."""

    def __init__(self, row, expected):
        self.__dict__.update(zip(TEAM_ROW_COLUMNS, row, strict=True))
        self.expected = expected
        self.pm_memberships = []

    @property
    def pace(self):
        return pace_for(self.progress, self.expected)

    def get_absolute_url(self):
        return url_of("team", self.slug)


# A team's PM as a team row reads its memberships: their person.
ProductManager = namedtuple("ProductManager", "user")


def team_row_query(scope, sort):
    """The query of `team_rows` for `scope` and `sort`, as TEAM_ROW_COLUMNS, built from ids,
    days and moments (for CompiledQuery): the quarter, today, now and, for the leader's own
    teams, the leader."""

    def build(quarter, today, now, **leader):
        teams = teams_in_scope(leader.get("leader"), scope)
        # Only its id goes into the SQL: `expected`, computed from its days, is not read.
        quarter = Quarter(pk=quarter, start=today, end=today)
        return with_full_count(team_rows(teams, quarter, now, today, sort)).values_list(
            *TEAM_ROW_COLUMNS
        )

    return CompiledQuery(build)


TEAM_ROWS = {(scope, sort): team_row_query(scope, sort) for scope in Scope for sort in SORTS}


def product_managers_of(**teams):
    """(team, first name, last name, username) of the PMs of `teams` (ids), in the order of
    `with_product_managers`."""
    return (
        Membership.objects.product_managers()
        .filter(team__in=teams.values())
        .values_list("team", *(f"user__{name}" for name in NAME_ORDER))
    )


PRODUCT_MANAGERS = CompiledQuery(product_managers_of)


def page_of_team_rows(user, scope, quarter, now, today, sort, number):
    """Page `number` of `team_rows` for the teams in `scope` (as seen by `user`), in
    `quarter`, as TeamRow: two queries, compiled once."""
    arguments = {"quarter": quarter.pk, "today": today, "now": now}
    if scope != Scope.ALL:
        arguments["leader"] = user.pk
    query = TEAM_ROWS[scope, sort if sort in SORTS else DEFAULT_SORT]
    expected = quarter.expected_share(today)

    def read(offset, limit):
        return [TeamRow(row, expected) for row in query.rows_from(offset, limit, **arguments)]

    page = page_read(read, number, TEAMS_PER_PAGE)
    if page.object_list:
        by_team = {row.pk: row for row in page.object_list}
        ids = ids_as_arguments("team", by_team, TEAMS_PER_PAGE)
        for team, *name in PRODUCT_MANAGERS.rows(**ids):
            by_team[team].pm_memberships.append(ProductManager(Person(*name)))
    return page


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


# "Needs you", read as plain rows by queries compiled once per process: what the panel draws
# of each obstacle (dashboard.needs_you) and of each overdue action item, not model instances.
Person = namedtuple("Person", NAME_ORDER)


def person(first_name, last_name, username):
    """A person's name columns as `display_name` reads them; None for nobody."""
    return None if username is None else Person(first_name, last_name, username)


@dataclass
class PressingObstacle:
    """An obstacle of "Needs you", as read: what dashboard.needs_you draws of it."""

    pk: int
    title: str
    kind: str
    is_urgent: bool
    help_wanted: str
    help_detail: str
    status: str
    version: int
    opened_at: datetime
    owner_id: int | None
    team_name: str
    blocking_team_name: str | None
    owner: Person | None
    decision_due: bool = False
    decision_days_left: int | None = None
    decision_days_overdue: int | None = None

    def get_absolute_url(self):
        return url_of("obstacles:obstacle", self.pk)

    def get_kind_display(self):
        return Obstacle.Kind(self.kind).label

    def get_help_wanted_display(self):
        return Obstacle.Help(self.help_wanted).label


PRESSING_COLUMNS = (
    "pk",
    "title",
    "kind",
    "is_urgent",
    "help_wanted",
    "help_detail",
    "status",
    "version",
    "opened_at",
    "owner",
    "team__name",
    "blocking_team__name",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)
DECISION_COLUMNS = ("decision_due", "decision_days_left", "decision_days_overdue")


def first_rows(queryset, columns, limit):
    """The first `limit` rows of `queryset` as tuples of `columns`, each ending with how many
    rows there are in all."""
    return with_full_count(queryset).values_list(*columns, "full_count")[:limit]


def pressing_obstacles(rows):
    """A Shortlist of PressingObstacle from rows of `first_rows` (PRESSING_COLUMNS, then
    perhaps DECISION_COLUMNS)."""
    obstacles = [PressingObstacle(*row[:12], person(*row[12:15]), *row[15:-1]) for row in rows]
    return Shortlist(obstacles, rows[0][-1] if rows else 0)


ASKING = CompiledQuery(
    lambda leader, today: first_rows(
        obstacles_needing(leader, today), PRESSING_COLUMNS + DECISION_COLUMNS, NEEDS_YOU_SHOWN
    )
)
WAITING = CompiledQuery(
    lambda leader, today: first_rows(
        obstacles_waiting_on(leader, today), PRESSING_COLUMNS, NEEDS_YOU_SHOWN
    )
)


def asking(leader, today):
    """The first NEEDS_YOU_SHOWN of `obstacles_needing(leader, today)`, as a Shortlist of
    PressingObstacle."""
    return pressing_obstacles(ASKING.rows(leader=leader.pk, today=today))


def waiting_on(leader, today):
    """The first NEEDS_YOU_SHOWN of `obstacles_waiting_on(leader, today)`, as a Shortlist of
    PressingObstacle."""
    return pressing_obstacles(WAITING.rows(leader=leader.pk, today=today))


@dataclass
class OverdueItem:
    """An action item of "Needs you", as read: the 1:1 it comes from, its PM and team, the
    obstacle it is about (if any)."""

    pk: int
    text: str
    due_date: date
    days_late: int
    team_name: str
    pm: Person
    one_on_one_id: int
    obstacle_id: int | None
    obstacle_title: str | None

    def one_on_one_url(self):
        return url_of("coaching:one_on_one", self.one_on_one_id)

    def obstacle_url(self):
        return url_of("obstacles:obstacle", self.obstacle_id)


OVERDUE = CompiledQuery(
    lambda owner, today: first_rows(
        overdue_action_items(owner, today),
        (
            "pk",
            "text",
            "due_date",
            "days_late",
            "one_on_one__team__name",
            "one_on_one__pm__first_name",
            "one_on_one__pm__last_name",
            "one_on_one__pm__username",
            "one_on_one",
            "obstacle",
            "obstacle__title",
        ),
        OVERDUE_SHOWN,
    )
)


def overdue(owner, today):
    """The first OVERDUE_SHOWN of `overdue_action_items(owner, today)`, as a Shortlist of
    OverdueItem."""
    rows = OVERDUE.rows(owner=owner.pk, today=today)
    items = [OverdueItem(*row[:5], Person(*row[5:8]), *row[8:-1]) for row in rows]
    return Shortlist(items, rows[0][-1] if rows else 0)


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


# The latest learnings of the teams in each scope, read by a query compiled once per process
# (for the leader's own teams, from the leader's id), made into the Learning instances the
# shared learning template draws, with their team's name and leader.
LEARNING_FIELDS = (
    "id",
    "title",
    "body",
    "body_html",
    "source_team_id",
    "for_everyone",
    "one_on_one_id",
    "author_id",
    "created_at",
)
LEARNING_TEAM_FIELDS = ("id", "name", "slug", "leader_id")


def learning_query(scope):
    def build(**leader):
        teams = teams_in_scope(leader.get("leader"), scope)
        return latest_learnings(teams).values_list(
            *LEARNING_FIELDS, *(f"source_team__{name}" for name in LEARNING_TEAM_FIELDS)
        )

    return CompiledQuery(build)


LATEST_LEARNINGS = {scope: learning_query(scope) for scope in Scope}


def latest_learnings_of(user, scope):
    """`latest_learnings` of the teams in `scope` (as seen by `user`), as Learning instances
    with their source team and their teams (two queries, the first compiled once)."""
    arguments = {} if scope == Scope.ALL else {"leader": user.pk}
    learnings = []
    for row in LATEST_LEARNINGS[scope].rows(**arguments):
        learning = Learning.from_db(None, LEARNING_FIELDS, row[: len(LEARNING_FIELDS)])
        team = row[len(LEARNING_FIELDS) :]
        learning.source_team = Team.from_db(None, LEARNING_TEAM_FIELDS, team)
        learnings.append(learning)
    prefetch_related_objects(learnings, "teams")
    return learnings


@dataclass
class WaitingObstacle:
    """An obstacle waiting on a bottleneck: its title, its team's name, and the objectives it
    threatens as (URL, title)."""

    pk: int
    title: str
    team_name: str
    objectives: list = field(default_factory=list)

    def get_absolute_url(self):
        return url_of("obstacles:obstacle", self.pk)


@dataclass
class Bottleneck:
    """A team other teams wait on, with what it holds up (as `with_stored_bottleneck`
    counts it), its `rank` and the first obstacles waiting on it (`waiting`)."""

    pk: int
    slug: str
    name: str
    is_platform: bool
    bottleneck_team_count: int
    bottleneck_objective_count: int
    bottleneck_obstacle_count: int
    rank: int = 1
    waiting: list = field(default_factory=list)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_of("team", self.slug)


BOTTLENECK_ORDER = [
    F("bottleneck_team_count").desc(),
    F("bottleneck_objective_count").desc(),
    F("bottleneck_obstacle_count").desc(),
    "name",
]


def bottleneck_ranking():
    """The first BOTTLENECKS_SHOWN teams other teams' active obstacles wait on, as rows:
    `Bottleneck`'s fields but the last two, then how many such teams there are in all."""
    # Waited on by at least one obstacle: a stored pair that counts one (rather than the sum
    # of its pairs' counts, a third subquery for every team).
    pairs = WaitingPair.objects.filter(obstacle_count__gt=0)
    waited_on = Team.objects.active().filter(pk__in=pairs.values("blocking_team"))
    return (
        with_full_count(with_stored_bottleneck(waited_on))
        .order_by(*BOTTLENECK_ORDER)
        .values_list(
            "pk",
            "slug",
            "name",
            "is_platform",
            "bottleneck_team_count",
            "bottleneck_objective_count",
            "bottleneck_obstacle_count",
            "full_count",
        )[:BOTTLENECKS_SHOWN]
    )


def first_waiting_on(**teams):
    """(blocking team, pk, title, team's name) of the first WAITS_SHOWN active obstacles of
    other teams waiting on each of `teams` (ids), by team name and age."""
    first = Window(
        RowNumber(), partition_by=F("blocking_team"), order_by=[F("team__name"), F("opened_at")]
    )
    return (
        Obstacle.objects.waiting_on_another_team()
        .filter(blocking_team__in=teams.values())
        .annotate(place=first)
        .filter(place__lte=WAITS_SHOWN)
        .order_by("team__name", "opened_at")
        .values_list("blocking_team", "pk", "title", "team__name")
    )


def objectives_threatened_by(**obstacles):
    """(obstacle, objective's pk, title, team's slug, quarter's label) of each objective
    each of `obstacles` (ids) threatens, in the objectives' order."""
    return (
        Obstacle.threatened_objectives.through.objects.filter(obstacle__in=obstacles.values())
        .order_by(
            "objective__team__name", "objective__quarter__start", "objective__order", "objective"
        )
        .values_list(
            "obstacle",
            "objective",
            "objective__title",
            "objective__team__slug",
            "objective__quarter__label",
        )
    )


# The bottlenecks' three queries, compiled once per process (headway.stored.CompiledQuery).
# The last two take the ids of the rows before them as arguments, as many as can be shown
# (those missing are NO_ROW, an id no row has).
RANKING = CompiledQuery(bottleneck_ranking)
FIRST_WAITING = CompiledQuery(first_waiting_on)
THREATENED = CompiledQuery(objectives_threatened_by)
NO_ROW = 0


def ids_as_arguments(name, ids, count):
    """`ids` as the arguments {name_0: id, …} of a compiled query taking `count` of them."""
    ids = [*ids, *[NO_ROW] * (count - len(ids))]
    return {f"{name}_{i}": pk for i, pk in enumerate(ids)}


def bottlenecks():
    """The teams other teams' open obstacles name as blocking (case 4 of the article),
    ranked by how many teams, then objectives, they hold up (then by how many obstacles,
    then by name): the first BOTTLENECKS_SHOWN, as a Shortlist of `Bottleneck`. Teams tied
    on both share a `rank`. Each carries `waiting`: the first WAITS_SHOWN of the obstacles,
    with their team and objectives (the log lists them all). Three queries, compiled once."""
    rows = RANKING.rows()
    teams = [Bottleneck(*row[:-1]) for row in rows]
    for i, team in enumerate(teams):
        # The rank of a row is one more than the rows ranked strictly before it, which are
        # all shown: those shown are the first.
        ahead = teams[i - 1] if i else None
        if ahead and ranked_alike(ahead, team):
            team.rank = ahead.rank
        else:
            team.rank = i + 1
    if teams:
        by_team = {team.pk: team for team in teams}
        arguments = ids_as_arguments("team", by_team, BOTTLENECKS_SHOWN)
        waiting = {}
        for team, pk, title, team_name in FIRST_WAITING.rows(**arguments):
            waiting[pk] = obstacle = WaitingObstacle(pk, title, team_name)
            by_team[team].waiting.append(obstacle)
        arguments = ids_as_arguments("obstacle", waiting, BOTTLENECKS_SHOWN * WAITS_SHOWN)
        for obstacle, pk, title, slug, quarter in THREATENED.rows(**arguments):
            url = team_page_url(slug, quarter, f"objective-{pk}")
            waiting[obstacle].objectives.append((url, title))
    return Shortlist(teams, rows[0][-1] if rows else 0)


def ranked_alike(one, other):
    return (one.bottleneck_team_count, one.bottleneck_objective_count) == (
        other.bottleneck_team_count,
        other.bottleneck_objective_count,
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


WAITING_PAIR_COLUMNS = ("team__name", "blocking_team__name", "count")
HEAVIEST_WAITS = CompiledQuery(
    lambda: waiting_pairs().values_list(*WAITING_PAIR_COLUMNS)[: GRAPH_PAIRS + 1]
)


def heaviest_waits():
    """The GRAPH_PAIRS + 1 first `waiting_pairs()`, by a query compiled once: enough for
    `waiting_graph` to draw and to tell that there are more."""
    return [dict(zip(WAITING_PAIR_COLUMNS, row, strict=True)) for row in HEAVIEST_WAITS.rows()]


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
