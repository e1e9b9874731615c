import zlib
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, models, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Min,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from headway.choices import ChoiceLabels
from headway.dates import days_on_calendar, moments_on_calendar, validate_on_calendar
from headway.emails import absolute_url, queue_email
from headway.links import url_of
from headway.locking import save_if_unchanged
from headway.models import EmailKind
from headway.people import display_name
from headway.permissions import Relation
from headway.stored import CountsInStored, StoredQuery
from objectives.models import Objective, Quarter, Team, aggregate_subquery

# The text search configuration: titles, descriptions and comments are written in English.
SEARCH_CONFIG = "english"
# A stakeholder decision due within this many days (or overdue) needs the leader now.
DECISION_DUE_SOON = timedelta(days=7)


def start_of(day):
    """The first moment of `day` in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def during(field, quarter):
    """The condition of the moment `field` falling within `quarter`."""
    return Q(
        **{
            f"{field}__gte": start_of(quarter.start),
            f"{field}__lt": start_of(quarter.end + timedelta(days=1)),
        }
    )


def logged_during(quarter):
    """The condition on an obstacle of being logged during `quarter`."""
    return during("opened_at", quarter)


class LeaderRequest(models.TextChoices):
    """What an obstacle asks of its team's leader, at a moment its timeline records."""

    LOGGED = "logged", _("Logged")
    URGENT = "urgent", _("Marked urgent")
    DECISION = "decision", _("A decision asked")


class Decision(models.TextChoices):
    """Where a decision asked by a date stands: made by then, made later, or not made yet
    (past its date, or not due yet)."""

    ON_TIME = "on_time", _("Made by its date")
    LATE = "late", _("Made after its date")
    OVERDUE = "overdue", _("Not made, past its date")
    PENDING = "pending", _("Not made, not due yet")


def in_the_way_during(quarter):
    """The condition on an obstacle of standing in the way at some time during `quarter`:
    logged before its end and not closed before its start."""
    return Q(opened_at__lt=start_of(quarter.end + timedelta(days=1))) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=start_of(quarter.start))
    )


def asking_decision(entry=""):
    """The condition on a timeline entry (`entry`: the path to it, if not the queryset's own
    rows) of being one that may make an obstacle ask for a decision: its logging, and the
    edits of its kind or of the help it wants (an edit's text lists the fields it changed).
    Written once: the partial indexes of ObstacleEvent match the queries by this condition."""
    kind, text = (f"{entry}__kind", f"{entry}__text") if entry else ("kind", "text")
    return Q(**{kind: "created"}) | Q(
        **{kind: "edited", f"{text}__regex": r"(^|,)(kind|help_wanted)(,|$)"}
    )


ASKING_DECISION = asking_decision()


def asked_by_entry(obstacles, condition):
    """`obstacles`, each with the timeline entry that meets `condition` (on "events") as
    `asked_at`, `asked_by` and `asked_in` (its moment, actor and id), those without one or
    whose entry is their team's leader's own left out: what asked their leader
    (`asking_leader`)."""
    return (
        obstacles.annotate(asking=FilteredRelation("events", condition=condition))
        .annotate(
            asked_at=F("asking__created_at"),
            asked_by=F("asking__actor"),
            asked_in=F("asking__pk"),
        )
        .filter(asked_at__isnull=False)
        .exclude(asked_by=F("team__leader"))
    )


def in_timeline(lookup, moment, entry):
    """The condition on a timeline entry of coming before ("lt") or after ("gt") the entry
    `entry` made at `moment`, in the timeline's order: by time, then by id."""
    return Q(**{f"created_at__{lookup}": moment}) | Q(created_at=moment, **{f"pk__{lookup}": entry})


def removed_during(quarter):
    """The condition on an obstacle of being removed (resolved) during `quarter`."""
    return Q(status=Obstacle.Status.RESOLVED) & during("closed_at", quarter)


class ObstacleQuerySet(models.QuerySet):
    @transaction.atomic
    def delete(self):
        """Delete them in bulk, storing again the signals of the teams they belonged to and
        the figures of the quarters they stood in the way during."""
        rows = list(self.order_by().values_list("team", "opened_at", "closed_at"))
        deleted = super().delete()
        store_quarter_figures(quarters_in_the_way({tuple(row[1:]) for row in rows}))
        for team in sorted({row[0] for row in rows}):
            refresh_signals_of(team)
        return deleted

    delete.alters_data = True
    delete.queryset_only = True

    def active(self):
        """Open or in progress: still standing in the way."""
        return self.filter(status__in=Obstacle.ACTIVE_STATUSES)

    def closed(self):
        return self.filter(status__in=Obstacle.CLOSED_STATUSES)

    def for_quarter(self, quarter):
        """The obstacles that stood in the way at some time during `quarter`: opened before
        its end and not closed before its start."""
        return self.filter(in_the_way_during(quarter))

    def logged_in(self, quarter):
        """The obstacles logged during `quarter`."""
        return self.filter(logged_during(quarter))

    def removed_in(self, quarter):
        """The obstacles removed (resolved) during `quarter`: neither accepted as a risk
        nor withdrawn, which leave the obstacle standing or forgotten."""
        return self.filter(removed_during(quarter))

    def needing_leader(self, leader, today=None):
        """Active obstacles of the teams `leader` leads that ask for them now: urgent ones,
        those asking for help, and stakeholder decisions due within a week or overdue."""
        today = today or timezone.localdate()
        return (
            self.active()
            .filter(team__leader=leader)
            .filter(
                Q(is_urgent=True)
                | ~Q(help_wanted=Obstacle.Help.NONE)
                | Q(kind=Obstacle.Kind.STAKEHOLDER, decide_by__lte=today + DECISION_DUE_SOON)
            )
        )

    def most_pressing_first(self):
        """Urgent first, then decisions by their date, then the most severe, then the oldest."""
        return self.order_by(
            F("is_urgent").desc(),
            F("decide_by").asc(nulls_last=True),
            F("severity").desc(),
            F("opened_at"),
        )

    def threatening(self, objectives):
        """The obstacles that threaten any of `objectives` (a queryset), each once."""
        links = Obstacle.threatened_objectives.through.objects.filter(objective__in=objectives)
        return self.filter(pk__in=links.values("obstacle"))

    def standing_at(self, moment):
        """The obstacles that stood in the way at `moment`: opened by then, not yet closed."""
        return self.filter(opened_at__lte=moment).filter(
            Q(closed_at__isnull=True) | Q(closed_at__gt=moment)
        )

    def decisions_due(self, days):
        """Active obstacles whose decide-by date is one of `days`."""
        return self.active().filter(decide_by__in=days)

    def waiting_on_another_team(self):
        """Active obstacles that wait on another team (a blocking team not their own)."""
        return self.active().filter(blocking_team__isnull=False).exclude(team=F("blocking_team"))

    def waiting_pair_counts(self):
        """(team, blocking_team, obstacle_count) rows: how many of these obstacles each team
        waits on each other team with, counted by the database (`waiting_on_another_team`
        first, for who waits on whom)."""
        return (
            self.order_by()
            .values("team", "blocking_team")
            .annotate(obstacle_count=Count("pk"))
            .values_list("team", "blocking_team", "obstacle_count")
        )

    def blocked_by(self, team):
        """Other teams' obstacles that name `team` as the one they wait on."""
        return self.filter(blocking_team=team).exclude(team=team)

    def waiting_on_teams_led_by(self, leader):
        """Other teams' active obstacles that wait on a team `leader` leads: the blocking
        side of a dependency, which that leader answers for."""
        return (
            self.active()
            .filter(blocking_team__in=Team.objects.active().led_by(leader))
            .exclude(team=F("blocking_team"))
        )

    def asking_leader(self, request, quarter=None):
        """The obstacles that asked their team's leader for `request` (LeaderRequest) during
        `quarter` (at any time without one), asked by someone other than that leader, each
        with `asked_at` and `leader_acted_at`: the leader's first entry in the obstacle's
        timeline after it (a comment, or a change of its status, owner, urgency or details),
        NULL while there is none; and `time_to_act` between the two.

        Logged: the obstacle's logging. Marked urgent: its first escalation in the quarter.
        A decision asked: for an obstacle asking for one now (help wanted: a decision, or a
        stakeholder concern), the latest entry that made it ask: its logging, or a later
        edit of its kind or of the help it wants.
        """
        # What was asked, and when, is a joined timeline entry rather than a subquery: each
        # reference to a subquery's value is a subquery PostgreSQL plans and runs again (a
        # decision's latest entry was planned seven times, 7-10 ms for one leader's review,
        # and run five times an obstacle). The entry is the one no other such entry comes
        # before (urgent) or after (a decision), in the order (created_at, pk).
        if request == LeaderRequest.LOGGED:
            asked = self.exclude(created_by=F("team__leader")).annotate(asked_at=F("opened_at"))
            if quarter is not None:
                asked = asked.filter(logged_during(quarter))
        elif request == LeaderRequest.URGENT:
            escalated = Q(events__kind=ObstacleEvent.Kind.ESCALATED)
            escalations = ObstacleEvent.objects.filter(
                kind=ObstacleEvent.Kind.ESCALATED, obstacle=OuterRef("pk")
            )
            if quarter is not None:
                escalated &= during("events__created_at", quarter)
                escalations = escalations.filter(during("created_at", quarter))
            # The leader's own escalations left out against the obstacle's team.
            earlier = escalations.exclude(actor=OuterRef("team__leader")).filter(
                in_timeline("lt", OuterRef("asked_at"), OuterRef("asked_in"))
            )
            asked = asked_by_entry(self, escalated).exclude(Exists(earlier))
        else:
            asking = asking_decision("events")
            if quarter is not None:
                asking &= during("events__created_at", quarter)
            later = ObstacleEvent.objects.filter(
                ASKING_DECISION,
                in_timeline("gt", OuterRef("asked_at"), OuterRef("asked_in")),
                obstacle=OuterRef("pk"),
            )
            asks = Q(help_wanted=Obstacle.Help.DECISION) | Q(kind=Obstacle.Kind.STAKEHOLDER)
            asked = asked_by_entry(self.filter(asks), asking).exclude(Exists(later))
        acted = ObstacleEvent.objects.filter(
            obstacle=OuterRef("pk"),
            actor=OuterRef("team__leader"),
            created_at__gt=OuterRef("asked_at"),
        )
        return asked.annotate(
            leader_acted_at=Subquery(acted.order_by("created_at").values("created_at")[:1])
        ).annotate(
            time_to_act=ExpressionWrapper(
                F("leader_acted_at") - F("asked_at"), output_field=DurationField()
            )
        )

    def decisions(self, quarter=None, today=None):
        """The obstacles asking for a decision by a date (their decide-by date) due during
        `quarter` (at any time without one), each with `decision` (Decision) as it stands
        `today`: made when resolved or accepted as a risk, on the day it was closed. Those
        withdrawn are left out: nothing was decided."""
        today = today or timezone.localdate()
        due = self.filter(decide_by__isnull=False).exclude(status=Obstacle.Status.WITHDRAWN)
        if quarter is not None:
            due = due.filter(decide_by__gte=quarter.start, decide_by__lte=quarter.end)
        made_on = TruncDate("closed_at")
        return due.annotate(
            decision=Case(
                When(
                    Q(closed_at__isnull=False) & Q(decide_by__gte=made_on),
                    then=Value(Decision.ON_TIME),
                ),
                When(closed_at__isnull=False, then=Value(Decision.LATE)),
                When(decide_by__lt=today, then=Value(Decision.OVERDUE)),
                default=Value(Decision.PENDING),
                output_field=CharField(),
            )
        )

    def search(self, text):
        """Full-text search over title, description and comments, best match first
        (`rank` is added); blank text changes nothing."""
        if not text or not text.strip():
            return self
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return (
            self.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", *Obstacle._meta.ordering)
        )

    def refresh_search_vector(self):
        """Recompute the stored search document (title, then description, then comments)
        of these obstacles, in one UPDATE."""
        comments = aggregate_subquery(
            ObstacleEvent.objects.filter(obstacle=OuterRef("pk"), kind=ObstacleEvent.Kind.COMMENT),
            "obstacle",
            StringAgg("text", delimiter=Value(" "), order_by="created_at"),
        )
        return self.update(
            search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
            + SearchVector("description", weight="B", config=SEARCH_CONFIG)
            + SearchVector(
                Coalesce(comments, Value(""), output_field=TextField()),
                weight="C",
                config=SEARCH_CONFIG,
            )
        )


def _count_of(obstacles, group_by, aggregate=None):
    """An integer scalar subquery counting `obstacles` per outer team (0, never NULL)."""
    return Coalesce(aggregate_subquery(obstacles, group_by, aggregate or Count("pk")), 0)


def open_count_names():
    """The names `with_obstacle_counts` adds, and TeamObstacleCounts stores."""
    kinds = [f"open_{kind}_count" for kind in Obstacle.Kind.values]
    return ["open_obstacle_count", "urgent_obstacle_count", "oldest_open_obstacle_at", *kinds]


def with_obstacle_counts(teams):
    """Adds to each team its active obstacles: `open_obstacle_count`, one
    `open_<kind>_count` per kind (`open_dependency_count`...), `urgent_obstacle_count` and
    `oldest_open_obstacle_at` (NULL without any), each a subquery: one query in all."""
    active = Obstacle.objects.active().filter(team=OuterRef("pk"))
    counts = {
        "open_obstacle_count": _count_of(active, "team"),
        "urgent_obstacle_count": _count_of(active.filter(is_urgent=True), "team"),
        "oldest_open_obstacle_at": aggregate_subquery(active, "team", Min("opened_at")),
    }
    for kind in Obstacle.Kind.values:
        counts[f"open_{kind}_count"] = _count_of(active.filter(kind=kind), "team")
    return teams.annotate(**counts)


def with_stored_obstacle_counts(teams):
    """What `with_obstacle_counts` adds, read from the stored TeamObstacleCounts (one join;
    zero, and no oldest, for a team without any)."""
    counts = {
        name: Coalesce(F(f"obstacle_counts__{name}"), 0)
        for name in open_count_names()
        if name != "oldest_open_obstacle_at"
    }
    return teams.annotate(
        **counts, oldest_open_obstacle_at=F("obstacle_counts__oldest_open_obstacle_at")
    )


def with_open_threat_counts(objectives):
    """Adds to each objective `open_threat_count`: the active obstacles that threaten it."""
    threats = Obstacle.threatened_objectives.through.objects.filter(
        objective=OuterRef("pk"), obstacle__status__in=Obstacle.ACTIVE_STATUSES
    )
    return objectives.annotate(open_threat_count=_count_of(threats, "objective"))


def _threatened_objective_count():
    """How many distinct objectives the other teams' active obstacles that wait on the outer
    team threaten, as a subquery. Never stored: the links to objectives are also written by
    the objectives app (a carried-over objective stays threatened), which cannot tell this
    one."""
    threatened = Obstacle.threatened_objectives.through.objects.filter(
        obstacle__status__in=Obstacle.ACTIVE_STATUSES, obstacle__blocking_team=OuterRef("pk")
    ).exclude(obstacle__team=OuterRef("pk"))
    return _count_of(threatened, "obstacle__blocking_team", Count("objective", distinct=True))


def with_bottleneck(teams):
    """The bottleneck signal of case 4: adds `bottleneck_obstacle_count` (other teams'
    active obstacles naming the team as blocking), `bottleneck_team_count` (how many
    distinct teams they come from) and `bottleneck_objective_count` (how many distinct
    objectives they threaten)."""
    waiting = Obstacle.objects.active().filter(blocking_team=OuterRef("pk"))
    waiting = waiting.exclude(team=OuterRef("pk"))
    return teams.annotate(
        bottleneck_obstacle_count=_count_of(waiting, "blocking_team"),
        bottleneck_team_count=_count_of(waiting, "blocking_team", Count("team", distinct=True)),
        bottleneck_objective_count=_threatened_objective_count(),
    )


def with_stored_bottleneck(teams):
    """What `with_bottleneck` adds, the first two counts read from the stored WaitingPair
    rows of the teams waiting on each team (a few small rows) rather than counted over the
    obstacles."""
    pairs = WaitingPair.objects.filter(blocking_team=OuterRef("pk"))
    return teams.annotate(
        bottleneck_obstacle_count=_count_of(pairs, "blocking_team", Sum("obstacle_count")),
        bottleneck_team_count=_count_of(pairs, "blocking_team"),
        bottleneck_objective_count=_threatened_objective_count(),
    )


def with_bottleneck_growth(teams, since):
    """Teams with `bottleneck_obstacle_count` (as `with_bottleneck`: other teams' active
    obstacles naming them as blocking) and `previous_bottleneck_obstacle_count`, the same
    count at the moment `since`, from the obstacles' opening and closing times."""
    then = Obstacle.objects.standing_at(since).filter(blocking_team=OuterRef("pk"))
    then = then.exclude(team=OuterRef("pk"))
    return with_bottleneck(teams).annotate(
        previous_bottleneck_obstacle_count=_count_of(then, "blocking_team")
    )


class Obstacle(ChoiceLabels, CountsInStored):
    """Something standing in the way of a team's objectives, tracked until it is removed.

    The five kinds come from the article; a dependency or platform obstacle names the team
    it waits on (the blocking team), a stakeholder concern needs a decision by a date.
    """

    class Kind(models.TextChoices):
        DEPENDENCY = "dependency", _("Dependency on another team")
        CAPABILITY = "capability", _("Missing capability")
        CUSTOMER = "customer", _("Customer escalation")
        PLATFORM = "platform", _("Platform bottleneck")
        STAKEHOLDER = "stakeholder", _("Stakeholder concern")
        OTHER = "other", _("Other")

    class Severity(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")
        CRITICAL = 4, _("Critical")

    class Help(models.TextChoices):
        NONE = "", _("No help needed yet")
        DECISION = "decision", _("A decision")
        STAKEHOLDER = "stakeholder", _("A conversation with a stakeholder")
        ENGINEER = "engineer", _("An engineer")
        TEAM_TIME = "team_time", _("Another team's time")
        OTHER = "other", _("Other help")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        ACCEPTED = "accepted", _("Accepted as a risk")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    NEEDS_BLOCKING_TEAM = (Kind.DEPENDENCY, Kind.PLATFORM)
    ACTIVE_STATUSES = (Status.OPEN, Status.IN_PROGRESS)
    CLOSED_STATUSES = (Status.RESOLVED, Status.ACCEPTED, Status.WITHDRAWN)

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="obstacles"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    blocking_team = models.ForeignKey(
        Team,
        verbose_name=_("blocking team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="blocking_obstacles",
    )
    threatened_objectives = models.ManyToManyField(
        Objective,
        verbose_name=_("objectives it threatens"),
        blank=True,
        related_name="obstacles",
    )
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    help_wanted = models.CharField(
        _("help wanted from the leader"),
        max_length=20,
        choices=Help.choices,
        blank=True,
        default=Help.NONE,
    )
    help_detail = models.CharField(_("what help, exactly"), max_length=300, blank=True)
    decide_by = models.DateField(
        _("decide by"), null=True, blank=True, validators=[validate_on_calendar]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_obstacles",
    )
    resolution = models.TextField(_("resolution"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="logged_obstacles",
    )
    opened_at = models.DateTimeField(
        _("opened"), default=timezone.now, validators=[validate_on_calendar]
    )
    closed_at = models.DateTimeField(
        _("closed"), null=True, blank=True, validators=[validate_on_calendar]
    )
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Title, description and comments as a tsvector, kept current by the methods below.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ObstacleQuerySet.as_manager()

    # Where it counts in the stored signals (CountsInStored): its team's.
    PLACE = ("team_id",)

    class Meta:
        ordering = ["-is_urgent", "-severity", "opened_at"]
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["dependency", "platform"]) | Q(blocking_team__isnull=False),
                name="obstacle_dependency_names_blocking_team",
            ),
            models.CheckConstraint(
                condition=~Q(blocking_team=F("team")),
                name="obstacle_not_blocked_by_own_team",
            ),
            models.CheckConstraint(
                condition=~Q(kind="stakeholder") | Q(decide_by__isnull=False),
                name="obstacle_stakeholder_has_decide_by",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress"]) | ~Q(resolution=""),
                name="obstacle_closed_has_resolution",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress"], closed_at__isnull=True)
                | (~Q(status__in=["open", "in_progress"]) & Q(closed_at__isnull=False)),
                name="obstacle_closed_at_matches_status",
            ),
            *days_on_calendar("obstacle", "decide_by"),
            *moments_on_calendar("obstacle", "opened_at", "closed_at"),
        ]
        indexes = [
            models.Index(fields=["team", "status"], name="obstacle_team_status"),
            models.Index(fields=["blocking_team", "status"], name="obstacle_blocking_status"),
            models.Index(fields=["status", "is_urgent"], name="obstacle_status_urgent"),
            models.Index(fields=["opened_at"], name="obstacle_opened"),
            # The quarter review's counts and times over quarters (logged, removed, by kind,
            # by team waited on, and what was logged for a leader by someone else) read this
            # narrow copy of the columns they need instead of the wide rows (an index-only
            # scan: ~4 MB instead of ~70 MB at 200 teams).
            models.Index(
                fields=["opened_at"],
                include=[
                    "closed_at",
                    "status",
                    "kind",
                    "team",
                    "blocking_team",
                    "id",
                    "created_by",
                ],
                name="obstacle_review",
            ),
            # The leaders' decisions due in a quarter (Obstacle.objects.decisions), counted
            # off the index: the few obstacles with a decide-by date, without their wide rows.
            models.Index(
                fields=["decide_by"],
                include=["closed_at", "status", "team"],
                name="obstacle_decision_due",
                condition=Q(decide_by__isnull=False),
            ),
            # Those asking for a decision (asking_leader): the quarter's candidates are
            # checked against this small index rather than fetched whole one by one.
            models.Index(
                fields=["id"],
                include=["team"],
                name="obstacle_asking_decision",
                condition=Q(help_wanted="decision") | Q(kind="stakeholder"),
            ),
            # The same, team by team: a page of leaders' review reads their teams' only.
            models.Index(
                fields=["team", "id"],
                name="obstacle_asking_decision_team",
                condition=Q(help_wanted="decision") | Q(kind="stakeholder"),
            ),
            # The obstacles removed in a quarter, with what their time to remove is counted
            # from (times_to_remove, when one of them changes).
            models.Index(
                fields=["closed_at"],
                include=["opened_at", "kind", "blocking_team", "team"],
                name="obstacle_removed",
                condition=Q(status="resolved"),
            ),
            models.Index(fields=["last_activity_at"], name="obstacle_last_activity"),
            GinIndex(fields=["search_vector"], name="obstacle_search"),
            # The log searches active obstacles unless asked otherwise: their own index finds
            # a search's matches without intersecting every match with every active obstacle
            # (count and page at 200 teams: 0.8 ms each down to 0.2 and 0.3).
            GinIndex(
                fields=["search_vector"],
                name="obstacle_active_search",
                condition=Q(status__in=["open", "in_progress"]),
            ),
            # The log's default order over active obstacles, whole and by kind: a page of
            # 25 is read off the index instead of sorting every match (bench/results.md).
            models.Index(
                F("is_urgent").desc(),
                F("severity").desc(),
                "opened_at",
                name="obstacle_active_order",
                condition=Q(status__in=["open", "in_progress"]),
            ),
            models.Index(
                "kind",
                F("is_urgent").desc(),
                F("severity").desc(),
                "opened_at",
                name="obstacle_active_kind_order",
                condition=Q(status__in=["open", "in_progress"]),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url_of("obstacles:obstacle", self.pk)

    def store_figures(self, places):
        """Store again the open obstacle counts and the waiting pairs of its team (and of
        the team it was moved from, if it was)."""
        for team in sorted({team for (team,) in places}):
            refresh_signals_of(team)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_facts = instance.quarter_facts()
        return instance

    def quarter_facts(self):
        """What the quarters' obstacle figures (QuarterObstacleFigures) count of it: when it
        was opened and closed, whether it was removed, its kind, the team it waits on and its
        team (None for a field not loaded)."""
        values = self.__dict__
        status = values.get("status")
        removed = None if status is None else status == self.Status.RESOLVED
        return (
            values.get("opened_at"),
            values.get("closed_at"),
            removed,
            values.get("kind"),
            values.get("blocking_team_id"),
            values.get("team_id"),
        )

    def refresh_stored(self):
        """Store again the figures it counts in: those of the quarters it stood in the way
        during, before and after a change of what they count of it (or its deletion), and
        its team's signals (CountsInStored)."""
        facts = None if self.pk is None else self.quarter_facts()
        loaded = getattr(self, "_loaded_facts", None)
        if facts != loaded:
            spans = {fact[:2] for fact in (facts, loaded) if fact and fact[0] is not None}
            move_quarter_shares(
                (quarter, quarter_share(loaded, quarter), quarter_share(facts, quarter))
                for quarter in quarters_in_the_way(spans)
            )
        self._loaded_facts = facts
        super().refresh_stored()

    def relations_to(self, user):
        """The user's relations to the obstacle, for `headway.permissions.allows`: those to
        its team, and BLOCKING_MEMBER for the members and the leader of the team it waits on
        (who may comment: they are the ones who answer it)."""
        relations = self.team.relations_to(user)
        if self.blocking_team_id and self.blocking_team.relations_to(user) & {
            Relation.MEMBER,
            Relation.LEADER,
        }:
            relations.add(Relation.BLOCKING_MEMBER)
        return relations

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    @property
    def needs_blocking_team(self):
        return self.kind in self.NEEDS_BLOCKING_TEAM

    def clean(self):
        """The rules of each kind, as messages next to the fields."""
        errors = {}
        if self.kind in self.NEEDS_BLOCKING_TEAM and not self.blocking_team_id:
            errors["blocking_team"] = _("Name the team this obstacle waits on.")
        if self.blocking_team_id and self.blocking_team_id == self.team_id:
            errors["blocking_team"] = _("A team cannot be blocked by itself.")
        if self.kind == self.Kind.STAKEHOLDER and not self.decide_by:
            errors["decide_by"] = _("Say by when the decision is needed.")
        if self.help_wanted == self.Help.OTHER and not self.help_detail.strip():
            errors["help_detail"] = _("Say in a sentence what help you need.")
        if self.status in self.CLOSED_STATUSES and not self.resolution.strip():
            errors["resolution"] = _("Say how it ended: what was done, or why it is accepted.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    @transaction.atomic
    def log(cls, *, team, by, threatened_objectives=(), **fields):
        """Log a new obstacle for `team`; an urgent one escalates to the leader at once."""
        obstacle = cls(team=team, created_by=by, **fields)
        obstacle.opened_at = obstacle.last_activity_at = fields.get("opened_at") or timezone.now()
        obstacle.clean()
        obstacle.save()
        obstacle.threatened_objectives.set(threatened_objectives)
        obstacle._record(by, ObstacleEvent.Kind.CREATED, at=obstacle.opened_at)
        if obstacle.is_urgent:
            obstacle._record(by, ObstacleEvent.Kind.ESCALATED, at=obstacle.opened_at)
            obstacle._notify_leader(by)
        if obstacle.blocking_team_id:
            obstacle._notify_blocking_leader(by)
        obstacle._refresh_search()
        return obstacle

    @transaction.atomic
    def edit(self, by, version, threatened_objectives=None, **fields):
        """Save edited details, unless someone changed the obstacle since `version`
        (headway.locking.Conflict). Turning the urgent flag on escalates, and naming another
        blocking team tells its leader, as at logging."""
        stored = Obstacle.objects.get(pk=self.pk)
        for name, value in fields.items():
            setattr(self, name, value)
        self.clean()
        changed = [
            name
            for name in fields
            if getattr(stored, self._meta.get_field(name).attname)
            != getattr(self, self._meta.get_field(name).attname)
        ]
        objectives_changed = threatened_objectives is not None and set(
            stored.threatened_objectives.values_list("pk", flat=True)
        ) != {objective.pk for objective in threatened_objectives}
        edited = [name for name in changed if name != "is_urgent"]
        if objectives_changed:
            edited.append("threatened_objectives")
        if edited:
            # The fields' names, not their labels: the timeline shows them in the language
            # of whoever reads it (ObstacleEvent.edited_fields).
            self._save_change(
                by, version, changed, ObstacleEvent.Kind.EDITED, text=",".join(edited)
            )
            version = self.version
        if objectives_changed:
            self.threatened_objectives.set(threatened_objectives)
        if "is_urgent" in changed:
            self._escalation_changed(by, version)
        if "blocking_team" in changed and self.blocking_team_id:
            self._notify_blocking_leader(by)
        self._refresh_search()

    @transaction.atomic
    def change_status(self, by, status, resolution="", version=None):
        """Move it along its life; resolving, accepting as a risk or withdrawing needs a
        resolution, reopening clears it (the timeline keeps it)."""
        version = self._version_to_change(version)
        status = self.Status(status)
        if status == self.status:
            raise ValidationError({"status": _("It already has this status.")})
        previous = self.status
        self.status = status
        if status in self.CLOSED_STATUSES:
            self.resolution = resolution.strip()
            self.closed_at = self.closed_at or timezone.now()
        else:
            self.resolution, self.closed_at = "", None
        self.clean()
        self._save_change(
            by,
            version,
            ["status", "resolution", "closed_at"],
            ObstacleEvent.Kind.STATUS_CHANGED,
            from_value=previous,
            to_value=status,
            text=self.resolution,
        )

    def resolve(self, by, resolution, version=None):
        self.change_status(by, self.Status.RESOLVED, resolution, version)

    def accept_risk(self, by, resolution, version=None):
        self.change_status(by, self.Status.ACCEPTED, resolution, version)

    @transaction.atomic
    def assign(self, by, owner, version=None):
        """Give it an owner (or none): the person who drives its removal."""
        version = self._version_to_change(version)
        if owner == self.owner:
            return
        previous = self.owner
        self.owner = owner
        self._save_change(
            by,
            version,
            ["owner"],
            ObstacleEvent.Kind.OWNER_CHANGED,
            from_value=display_name(previous),
            to_value=display_name(owner),
        )

    def take_ownership(self, by, version=None):
        self.assign(by, by, version)

    @transaction.atomic
    def set_urgent(self, by, urgent, version=None):
        """Mark it urgent (escalating it to the leader at once) or lift the urgency."""
        version = self._version_to_change(version)
        if self.is_urgent == urgent:
            return
        self.is_urgent = urgent
        self._escalation_changed(by, version)

    def escalate(self, by, version=None):
        self.set_urgent(by, True, version)

    @transaction.atomic
    def comment(self, by, text):
        """Add a comment to the timeline; comments are searched with the obstacle."""
        text = text.strip()
        if not text:
            raise ValidationError({"text": _("Write a comment first.")})
        version = self._version_to_change(None)
        event = self._save_change(by, version, [], ObstacleEvent.Kind.COMMENT, text=text)
        self._refresh_search()
        return event

    def changes_since(self, version):
        """The timeline's events after `version`: what someone else did meanwhile."""
        return self.events.filter(version__gt=version)

    # The plumbing of every change: the version it applies to, save, record, notify.

    def _version_to_change(self, version):
        """The version a change applies to: `version`, the one its author saw; or, for a
        change that does not depend on what anyone saw (a comment), the stored one, with
        the row locked until the change commits and this copy refreshed from it."""
        if version is not None:
            return int(version)
        self.refresh_from_db(from_queryset=Obstacle.objects.select_for_update())
        return self.version

    def _save_change(self, by, version, fields, kind, **event):
        """Save `fields` and the time of this activity, unless someone changed the obstacle
        since `version` (headway.locking.Conflict), and add the change to its timeline (with
        the version it made: what changed since version N is the events above N). Within one
        change, a second save is based on the first's version: the row stays locked."""
        now = timezone.now()
        self.last_activity_at = now
        save_if_unchanged(self, version, [*fields, "last_activity_at"])
        if SIGNAL_FIELDS.intersection(fields):
            self.refresh_stored()
        return self._record(by, kind, at=now, **event)

    def _record(self, by, kind, at, **event):
        return ObstacleEvent.objects.create(
            obstacle=self, actor=by, kind=kind, created_at=at, version=self.version, **event
        )

    def _escalation_changed(self, by, version):
        if self.is_urgent:
            self._save_change(by, version, ["is_urgent"], ObstacleEvent.Kind.ESCALATED)
            self._notify_leader(by)
        else:
            self._save_change(by, version, ["is_urgent"], ObstacleEvent.Kind.URGENCY_LIFTED)

    def _notify_leader(self, by):
        """Queue the escalation e-mail to the team's leader. A leader who escalates an
        obstacle themselves is not told of it."""
        leader = self.team.leader
        if leader.pk == by.pk:
            return None
        return self._email(leader, EmailKind.ESCALATION, "obstacles/emails/escalation", by)

    def _notify_blocking_leader(self, by):
        """Queue the e-mail telling the blocking team's leader that this obstacle waits on
        their team. Not to someone who names their own team, nor to a leader the escalation
        of this same obstacle tells already."""
        leader = self.blocking_team.leader
        if leader.pk == by.pk or (self.is_urgent and leader.pk == self.team.leader_id):
            return None
        return self._email(leader, EmailKind.WAITING_ON_TEAM, "obstacles/emails/waiting", by)

    def _email(self, recipient, kind, template, by):
        """Queue an e-mail of `kind` about this obstacle to `recipient` in this transaction,
        from `template` (headway.emails): it goes out once the change commits, is retried
        while the mail server fails, and never twice. Its key names this version of the
        obstacle: one e-mail of a kind per change."""
        return queue_email(
            key=f"{kind}:{self.pk}:{self.version}",
            kind=kind,
            recipient=recipient,
            template=template,
            context={"obstacle": self, "by": by, "url": self.full_url()},
        )

    def _refresh_search(self):
        Obstacle.objects.filter(pk=self.pk).refresh_search_vector()

    def full_url(self):
        return absolute_url(self.get_absolute_url())


# The fields an obstacle's signals are counted from: a change to any other leaves them be.
SIGNAL_FIELDS = {"team", "kind", "status", "is_urgent", "blocking_team", "opened_at"}


def refresh_signals_of(team_id):
    """Store again, from their definitions, the open obstacle counts of team `team_id`
    (`with_obstacle_counts`) and the teams it waits on (`waiting_pair_counts`)."""
    COUNTS_QUERY.store(team=team_id)
    WaitingPair.objects.filter(team=team_id).delete()
    PAIRS_QUERY.store(team=team_id)


def counted_obstacles(teams):
    """The rows TeamObstacleCounts stores for `teams`, from `with_obstacle_counts`."""
    return with_obstacle_counts(teams).values_list("pk", *open_count_names())


def stored_signal_differences():
    """What the stored obstacle signals (TeamObstacleCounts, WaitingPair) and the quarters'
    obstacle figures (QuarterObstacleFigures) get wrong against a full recomputation from
    their definitions: {"counts": [team ids], "pairs": [(team id, blocking team id)],
    "quarters": [quarter ids]}, each empty when all is right."""
    names = open_count_names()
    computed = {
        team: figures
        for team, *figures in with_obstacle_counts(Team.objects.all()).values_list("pk", *names)
        if any(figures)
    }
    stored = {
        team: figures
        for team, *figures in TeamObstacleCounts.objects.values_list("team", *names)
        if any(figures)
    }
    computed_pairs = {
        (team, blocking): count
        for team, blocking, count in Obstacle.objects.waiting_on_another_team()
        .waiting_pair_counts()
        .iterator()
    }
    stored_pairs = {
        (team, blocking): count
        for team, blocking, count in WaitingPair.objects.values_list(
            "team", "blocking_team", "obstacle_count"
        )
        if count
    }
    return {
        "counts": sorted(
            t for t in stored.keys() | computed.keys() if stored.get(t) != computed.get(t)
        ),
        "pairs": sorted(
            p
            for p in stored_pairs.keys() | computed_pairs.keys()
            if stored_pairs.get(p) != computed_pairs.get(p)
        ),
        "quarters": quarter_figure_differences(),
    }


@transaction.atomic
def recompute_signals():
    """Recompute every stored obstacle signal from scratch; returns what was wrong (as
    `stored_signal_differences`), now fixed."""
    wrong = stored_signal_differences()
    recompute_open_obstacle_signals()
    QuarterObstacleFigures.objects.all().delete()
    store_quarter_figures(Quarter.objects.order_by("pk"))
    return wrong


@transaction.atomic
def recompute_open_obstacle_signals():
    """Recompute the open obstacles' stored signals (TeamObstacleCounts, WaitingPair) from
    scratch. Apart from the quarters' figures, for the migration that first filled them
    (obstacles 0008), which runs before the quarters' figures have a table."""
    TeamObstacleCounts.objects.all().delete()
    COUNTS_QUERY.store_all(
        counted_obstacles(Team.objects.filter(pk__in=Obstacle.objects.values("team")))
    )
    WaitingPair.objects.all().delete()
    PAIRS_QUERY.store_all(Obstacle.objects.waiting_on_another_team().waiting_pair_counts())


class TeamObstacleCounts(models.Model):
    """A team's open obstacles, counted (`with_obstacle_counts`: in all, urgent, by kind,
    and when the oldest was opened) and stored in the transaction of every obstacle change
    that moves them, so that the dashboard reads them rather than counting for every team.
    A team without one has no open obstacle."""

    team = models.OneToOneField(
        Team,
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="obstacle_counts",
    )
    open_obstacle_count = models.PositiveIntegerField(default=0)
    urgent_obstacle_count = models.PositiveIntegerField(default=0)
    oldest_open_obstacle_at = models.DateTimeField(null=True)
    open_dependency_count = models.PositiveIntegerField(default=0)
    open_capability_count = models.PositiveIntegerField(default=0)
    open_customer_count = models.PositiveIntegerField(default=0)
    open_platform_count = models.PositiveIntegerField(default=0)
    open_stakeholder_count = models.PositiveIntegerField(default=0)
    open_other_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("team's open obstacles")
        verbose_name_plural = _("teams' open obstacles")

    def __str__(self):
        return str(self.team_id)


class WaitingPair(models.Model):
    """How many active obstacles of `team` wait on `blocking_team` (`waiting_pair_counts`),
    stored like TeamObstacleCounts: who waits on whom, for the waiting graph and the
    bottlenecks. A pair not stored has none."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="waiting_pairs"
    )
    blocking_team = models.ForeignKey(
        Team,
        verbose_name=_("blocking team"),
        on_delete=models.CASCADE,
        related_name="waited_on_pairs",
    )
    obstacle_count = models.PositiveIntegerField(_("obstacles"))

    class Meta:
        verbose_name = _("team waiting on another")
        verbose_name_plural = _("teams waiting on others")
        constraints = [
            models.UniqueConstraint(fields=["team", "blocking_team"], name="one_waiting_pair"),
        ]

    def __str__(self):
        return f"{self.team_id} → {self.blocking_team_id}"


COUNTS_QUERY = StoredQuery(
    TeamObstacleCounts,
    ["team", *open_count_names()],
    unique=["team"],
    rows=lambda team: counted_obstacles(Team.objects.filter(pk=team)),
    lock_on="team",
)
PAIRS_QUERY = StoredQuery(
    WaitingPair,
    ["team", "blocking_team", "obstacle_count"],
    unique=["team", "blocking_team"],
    rows=lambda team: (
        Obstacle.objects.filter(team=team).waiting_on_another_team().waiting_pair_counts()
    ),
    lock_on="team",
)


class QuarterFiguresQuerySet(models.QuerySet):
    def of(self, quarters):
        """The figures stored for `quarters`, those stored for their present days only: a
        quarter whose days were changed since has none until they are stored again."""
        return self.filter(
            quarter__in=quarters, first_day=F("quarter__start"), last_day=F("quarter__end")
        )


class QuarterObstacleFigures(models.Model):
    """The obstacles of the organization (no `team`) or of one team over one quarter,
    counted and timed, a row per kind, a row per team waited on and a row for them all
    (`kind` "" and no `blocking_team`): those logged in it, those removed (resolved) in it
    with the median and 90th-percentile time from logged to removed, and those standing in
    the way at some time during it (`waiting`). The quarter review of the organization or
    of a team reads them rather than reading every obstacle of eight quarters again for
    each page. A team with no row in a quarter had no obstacle in the way during it.

    Stored for every quarter an obstacle stood in the way during, before and after each
    change that moves it, in the same transaction (`move_quarter_shares`); `first_day` and
    `last_day` are the quarter's days they were counted over (`QuarterFiguresQuerySet.of`).
    A quarter without the organization's row for them all has none stored: the review
    counts it from the obstacles, as for a leader's teams."""

    quarter = models.ForeignKey(Quarter, on_delete=models.CASCADE, related_name="obstacle_figures")
    team = models.ForeignKey(
        Team, null=True, on_delete=models.CASCADE, related_name="quarter_obstacle_figures"
    )
    first_day = models.DateField()
    last_day = models.DateField()
    kind = models.CharField(max_length=20, blank=True, choices=Obstacle.Kind.choices)
    blocking_team = models.ForeignKey(
        Team, null=True, on_delete=models.CASCADE, related_name="waited_on_figures"
    )
    logged = models.PositiveIntegerField()
    removed = models.PositiveIntegerField()
    waiting = models.PositiveIntegerField()
    median = models.DurationField(null=True)
    p90 = models.DurationField(null=True)

    objects = QuarterFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarter's obstacle figures")
        verbose_name_plural = _("quarters' obstacle figures")
        constraints = [
            models.UniqueConstraint(
                fields=["quarter", "team", "kind", "blocking_team"],
                nulls_distinct=False,
                name="one_quarter_figure",
            ),
        ]

    def __str__(self):
        return f"{self.quarter_id} {self.team_id} {self.kind} {self.blocking_team_id}"


# The figures of QuarterObstacleFigures, computed by the database for the quarters given as
# arrays (ids, days, and the first and last moment, excluded, of each): the obstacles in the
# way during each, grouped three ways at once. A quarter no obstacle stood in the way during
# still has its row for them all (zeros), which says its figures are stored. The conditions
# are those of in_the_way_during, logged_during and removed_during; the tests hold the
# stored figures to those the review computes through them.
_REMOVED_IN_QUARTER = "o.status = 'resolved' AND o.closed_at >= q.starts AND o.closed_at < q.ends"
QUARTER_FIGURES_SQL = f"""
SELECT q.id, q.first_day, q.last_day,
    CASE WHEN GROUPING(o.team_id) = 0 THEN o.team_id END,
    CASE WHEN GROUPING(o.kind) = 0 THEN o.kind ELSE '' END,
    o.blocking_team_id,
    COUNT(o.id) FILTER (WHERE o.opened_at >= q.starts),
    COUNT(o.id) FILTER (WHERE {_REMOVED_IN_QUARTER}),
    COUNT(o.id),
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY o.closed_at - o.opened_at)
        FILTER (WHERE {_REMOVED_IN_QUARTER}),
    PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY o.closed_at - o.opened_at)
        FILTER (WHERE {_REMOVED_IN_QUARTER})
FROM unnest(%s::bigint[], %s::date[], %s::date[], %s::timestamptz[], %s::timestamptz[])
    AS q (id, first_day, last_day, starts, ends)
LEFT JOIN obstacles_obstacle o
    ON o.opened_at < q.ends AND (o.closed_at IS NULL OR o.closed_at >= q.starts)
GROUP BY GROUPING SETS (
    (q.id, q.first_day, q.last_day),
    (q.id, q.first_day, q.last_day, o.kind),
    (q.id, q.first_day, q.last_day, o.blocking_team_id),
    (q.id, q.first_day, q.last_day, o.team_id),
    (q.id, q.first_day, q.last_day, o.team_id, o.kind),
    (q.id, q.first_day, q.last_day, o.team_id, o.blocking_team_id)
)
HAVING (GROUPING(o.kind) = 1 OR o.kind IS NOT NULL)
    AND (GROUPING(o.blocking_team_id) = 1 OR o.blocking_team_id IS NOT NULL)
    AND (GROUPING(o.team_id) = 1 OR o.team_id IS NOT NULL)
"""  # noqa: S608 - our own SQL, written once: the quarters are its parameters
QUARTER_FIGURES_COLUMNS = [
    "quarter",
    "first_day",
    "last_day",
    "team",
    "kind",
    "blocking_team",
    "logged",
    "removed",
    "waiting",
    "median",
    "p90",
]
# Who stores quarter figures holds this lock until they commit: the next computes them once
# the last has committed, so that neither leaves out the other's change (as a StoredQuery).
# One lock for every quarter, taken before the teams' (Obstacle.refresh_stored): two
# transactions never wait on each other's.
QUARTER_FIGURES_LOCK = zlib.crc32(b"obstacles_quarterobstaclefigures") & 0x7FFFFFFF


def quarters_in_the_way(spans):
    """The quarters obstacles open over `spans` ((opened_at, closed_at or None) pairs)
    stood in the way during (in_the_way_during), by id."""
    during = Q(pk__in=[])
    for opened_at, closed_at in spans:
        span = Q(end__gte=timezone.localdate(opened_at))
        if closed_at is not None:
            span &= Q(start__lte=timezone.localdate(closed_at))
        during |= span
    return Quarter.objects.filter(during).order_by("pk")


def quarter_share(facts, quarter):
    """What an obstacle with `facts` (Obstacle.quarter_facts, None for none) counts for in
    `quarter`'s figures: None if it did not stand in the way during it, else its team, its
    kind, the team it waits on, whether it was logged in it, and its time to remove if it
    was removed in it. A change that leaves it the same leaves the quarter's figures as
    they are (most quarters an obstacle spans, when it is removed). Facts not all known (a
    field not loaded) are returned whole: they differ from any share, and the quarter is
    stored whole."""
    if facts is None:
        return None
    opened, closed, removed, kind, blocking_team, team = facts
    if opened is None or removed is None or kind is None or team is None:
        return facts
    start, end = start_of(quarter.start), start_of(quarter.end + timedelta(days=1))
    if opened >= end or (closed is not None and closed < start):
        return None
    removed_in_it = removed and closed is not None and start <= closed < end
    took = closed - opened if removed_in_it else None
    return team, kind, blocking_team, opened >= start, took


def _quarter_arrays(quarters):
    return [
        [quarter.pk for quarter in quarters],
        [quarter.start for quarter in quarters],
        [quarter.end for quarter in quarters],
        [start_of(quarter.start) for quarter in quarters],
        [start_of(quarter.end + timedelta(days=1)) for quarter in quarters],
    ]


@transaction.atomic
def store_quarter_figures(quarters):
    """Store again, from the obstacles, the QuarterObstacleFigures of `quarters`."""
    quarters = list(quarters)
    if not quarters:
        return
    meta = QuarterObstacleFigures._meta
    columns = ", ".join(meta.get_field(name).column for name in QUARTER_FIGURES_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [QUARTER_FIGURES_LOCK])
        QuarterObstacleFigures.objects.filter(quarter__in=[q.pk for q in quarters]).delete()
        cursor.execute(
            f"INSERT INTO {meta.db_table} ({columns}) {QUARTER_FIGURES_SQL}",
            _quarter_arrays(quarters),
        )


def times_to_remove(quarter, keys):
    """{key: (median, p90)}: the median and 90th-percentile time to remove of the obstacles
    removed in `quarter`, for each of `keys` as QuarterObstacleFigures names its rows
    ((team id or None for the organization's, kind or "", blocking team id or None)): the
    figures a change to one obstacle cannot simply add to. One query, off the
    obstacle_removed index."""
    keys, columns, params = list(keys), [], []
    for team, kind, blocking_team in keys:
        conditions, values = ["TRUE"], []
        for column, value in [
            ("team_id", team),
            ("kind", kind),
            ("blocking_team_id", blocking_team),
        ]:
            if value:
                conditions.append(f"{column} = %s")
                values.append(value)
        condition = " AND ".join(conditions)
        for fraction in (0.5, 0.9):
            columns.append(
                f"PERCENTILE_CONT({fraction}) WITHIN GROUP (ORDER BY closed_at - opened_at) "
                f"FILTER (WHERE {condition})"
            )
            params += values
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM obstacles_obstacle "  # noqa: S608 - our own SQL
            "WHERE status = 'resolved' AND closed_at >= %s AND closed_at < %s",
            [*params, start_of(quarter.start), start_of(quarter.end + timedelta(days=1))],
        )
        times = cursor.fetchone()
    return {key: times[2 * i : 2 * i + 2] for i, key in enumerate(keys)}


@transaction.atomic
def move_quarter_shares(changes):
    """Move the stored QuarterObstacleFigures of quarters from what one obstacle counted for
    in each to what it counts for now: `changes` are (quarter, share before, share now), as
    `quarter_share`. Its counts are added to and taken from the rows it counts in, and the
    times to remove of those rows computed again if it was or is removed in the quarter; a
    quarter without its figures stored for its present days has them stored whole."""
    changes = [(quarter, old, new) for quarter, old, new in changes if old != new]
    if not changes:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [QUARTER_FIGURES_LOCK])
    whole = [quarter for quarter, old, new in changes if not _move_share(quarter, old, new)]
    store_quarter_figures(whole)


def _move_share(quarter, old, new):
    """One quarter's part of `move_quarter_shares`: False if its figures are not stored."""
    if any(share is not None and len(share) != 5 for share in (old, new)):
        return False
    deltas = {}
    for share, sign in ((old, -1), (new, 1)):
        if share is None:
            continue
        team, kind, blocking_team, logged, took = share
        keys = [
            (owner, *key)
            for owner in (None, team)
            for key in [("", None), (kind, None), *([("", blocking_team)] if blocking_team else [])]
        ]
        for key in keys:
            delta = deltas.setdefault(key, [0, 0, 0])
            delta[0] += sign * logged
            delta[1] += sign * (took is not None)
            delta[2] += sign
    keys = Q(pk__in=[])
    for team, kind, blocking_team in deltas:
        keys |= Q(team=team, kind=kind, blocking_team=blocking_team)
    rows = {
        (row.team_id, row.kind, row.blocking_team_id): row
        for row in QuarterObstacleFigures.objects.of([quarter]).filter(keys)
    }
    if (None, "", None) not in rows:
        return False
    times = {}
    if any(share and share[3] is not None for share in (old, new)):
        times = times_to_remove(quarter, deltas)
    changed, added, gone = [], [], []
    for key, (logged, removed, waiting) in deltas.items():
        row = rows.get(key) or QuarterObstacleFigures(
            quarter=quarter,
            first_day=quarter.start,
            last_day=quarter.end,
            team_id=key[0],
            kind=key[1],
            blocking_team_id=key[2],
            logged=0,
            removed=0,
            waiting=0,
        )
        row.logged += logged
        row.removed += removed
        row.waiting += waiting
        if times:
            row.median, row.p90 = times[key]
        if not row.waiting and key != (None, "", None):
            # None of its obstacles stands in the way during the quarter: not stored.
            if row.pk is not None:
                gone.append(row.pk)
        else:
            (added if row.pk is None else changed).append(row)
    QuarterObstacleFigures.objects.filter(pk__in=gone).delete()
    if changed:
        # One UPDATE from a list of values: bulk_update's CASE per column and row cost more
        # than the rest of the change (some 7 ms of an obstacle's logging at 200 teams).
        one = "(%s::bigint, %s::integer, %s::integer, %s::integer, %s::interval, %s::interval)"
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {QuarterObstacleFigures._meta.db_table} AS f "  # noqa: S608 - ours
                "SET logged = v.logged, removed = v.removed, waiting = v.waiting, "
                "median = v.median, p90 = v.p90 "
                f"FROM (VALUES {', '.join([one] * len(changed))}) "
                "AS v (id, logged, removed, waiting, median, p90) WHERE f.id = v.id",
                [
                    value
                    for figures in changed
                    for value in (
                        figures.pk,
                        figures.logged,
                        figures.removed,
                        figures.waiting,
                        figures.median,
                        figures.p90,
                    )
                ],
            )
    QuarterObstacleFigures.objects.bulk_create(added)
    return True


def computed_quarter_figures(quarters):
    """The rows QuarterObstacleFigures stores for `quarters`, as tuples of
    QUARTER_FIGURES_COLUMNS, computed from the obstacles."""
    quarters = list(quarters)
    if not quarters:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(QUARTER_FIGURES_SQL, _quarter_arrays(quarters))
        return set(cursor.fetchall())


def quarter_figure_differences():
    """The quarters whose stored QuarterObstacleFigures differ from a full recomputation,
    by id. A quarter with none stored for its present days is not wrong: the review
    computes its figures from the obstacles."""
    stored = set(
        QuarterObstacleFigures.objects.of(Quarter.objects.all()).values_list(
            *QUARTER_FIGURES_COLUMNS
        )
    )
    quarters = Quarter.objects.filter(pk__in={row[0] for row in stored}).order_by("pk")
    return sorted({row[0] for row in stored ^ computed_quarter_figures(quarters)})


class ObstacleEvent(ChoiceLabels, models.Model):
    """One entry of an obstacle's timeline: who did what, and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Logged")
        EDITED = "edited", _("Edited")
        STATUS_CHANGED = "status_changed", _("Status changed")
        OWNER_CHANGED = "owner_changed", _("Owner changed")
        ESCALATED = "escalated", _("Escalated as urgent")
        URGENCY_LIFTED = "urgency_lifted", _("No longer urgent")
        COMMENT = "comment", _("Comment")

    obstacle = models.ForeignKey(
        Obstacle, verbose_name=_("obstacle"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="obstacle_events",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    # The obstacle's version once this change was made: what changed since version N is
    # the events above N.
    version = models.PositiveIntegerField(_("version"), default=1)
    from_value = models.CharField(_("from"), max_length=200, blank=True)
    to_value = models.CharField(_("to"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["obstacle", "created_at", "pk"]
        verbose_name = _("obstacle event")
        verbose_name_plural = _("obstacle events")
        indexes = [
            models.Index(fields=["obstacle", "created_at"], name="obstacle_event_timeline"),
            # The quarter review's escalations: those of a quarter, without reading every event.
            models.Index(
                fields=["created_at"],
                name="obstacle_event_escalated",
                condition=Q(kind="escalated"),
            ),
            # A leader's first action on an obstacle after a moment (asking_leader): one
            # entry of this index per obstacle, instead of its timeline's rows one by one.
            models.Index(
                fields=["obstacle", "actor", "created_at"], name="obstacle_event_by_actor"
            ),
            # The entries that made an obstacle ask for a decision (asking_leader): those of
            # a quarter, and each obstacle's latest with who made it, read off the index.
            models.Index(
                fields=["created_at"],
                include=["obstacle"],
                name="obstacle_event_asking_at",
                condition=ASKING_DECISION,
            ),
            models.Index(
                fields=["obstacle", "created_at", "id"],
                include=["actor"],
                name="obstacle_event_asking",
                condition=ASKING_DECISION,
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.obstacle}"

    @property
    def edited_fields(self):
        """For an edit, the labels of the fields it changed, in the reader's language."""
        labels = []
        for name in self.text.split(","):
            try:
                labels.append(str(Obstacle._meta.get_field(name.strip()).verbose_name))
            except FieldDoesNotExist:
                labels.append(name.strip())
        return ", ".join(labels)

    @property
    def from_label(self):
        return self._status_label(self.from_value)

    @property
    def to_label(self):
        return self._status_label(self.to_value)

    def _status_label(self, value):
        if self.kind == self.Kind.STATUS_CHANGED and value in Obstacle.Status.values:
            return Obstacle.Status(value).label
        return value
