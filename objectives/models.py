from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, Round
from django.db.models.lookups import Exact, GreaterThanOrEqual, IsNull
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from headway.dates import days_on_calendar, moments_on_calendar, validate_on_calendar
from headway.links import url_of
from headway.people import in_name_order
from headway.permissions import Relation
from headway.stored import CompiledQuery, CountsInStored, StoredQuery

RATIO = DecimalField(max_digits=5, decimal_places=4)


class Pace(models.TextChoices):
    """Where progress stands against the share of the quarter elapsed."""

    ON_TRACK = "on_track", _("On pace")
    AT_RISK = "at_risk", _("Behind pace")
    OFF_TRACK = "off_track", _("Far behind pace")


# How far progress may trail the share of the quarter elapsed (both 0..1) before a team or
# an objective is at risk, then off track. The one place these thresholds live.
AT_RISK_GAP = Decimal("0.10")
OFF_TRACK_GAP = Decimal("0.25")


# Paces from best to worst, to tell when a team fell behind.
PACE_ORDER = [Pace.ON_TRACK, Pace.AT_RISK, Pace.OFF_TRACK]


def pace_for(progress, expected):
    """The pace of `progress` against `expected` (Decimals 0..1); None without progress."""
    if progress is None:
        return None
    gap = Decimal(expected) - Decimal(progress)
    if gap <= AT_RISK_GAP:
        return Pace.ON_TRACK
    if gap <= OFF_TRACK_GAP:
        return Pace.AT_RISK
    return Pace.OFF_TRACK


def pace_expression(progress, expected):
    """`pace_for` in SQL, over two ratio expressions: NULL when there is no progress."""
    return Case(
        When(IsNull(progress, True), then=Value(None)),
        When(
            GreaterThanOrEqual(progress, expected - Value(AT_RISK_GAP)),
            then=Value(Pace.ON_TRACK.value),
        ),
        When(
            GreaterThanOrEqual(progress, expected - Value(OFF_TRACK_GAP)),
            then=Value(Pace.AT_RISK.value),
        ),
        default=Value(Pace.OFF_TRACK.value),
        output_field=models.CharField(),
    )


def numeric(expression):
    """The expression as an unconstrained PostgreSQL numeric, for exact division."""
    return Func(expression, template="(%(expressions)s)::numeric", output_field=DecimalField())


def days_between(later, earlier):
    """`later - earlier` in whole days, for two date expressions (PostgreSQL date arithmetic)."""
    return Func(
        later, earlier, template="(%(expressions)s)", arg_joiner=" - ", output_field=IntegerField()
    )


def clamped_ratio(ratio):
    """The ratio held within 0..1 and rounded to 4 places (0.1234 = 12.34 %)."""
    clamped = Greatest(Least(ratio, Value(Decimal(1))), Value(Decimal(0)))
    return Round(clamped, 4, output_field=RATIO)


def progress_expression(value, start, target):
    """(value - start) / (target - start), clamped to 0..1, as a 4-place Decimal.

    Works the same when the target is below the start (both differences are negative) and
    for milestones (0 → 1). No value yet means no progress.
    """
    return clamped_ratio((Coalesce(value, start) - start) / numeric(target - start))


def elapsed_share_expression(start, end, today):
    """Quarter.elapsed_share in SQL: days elapsed at the end of `today` over the days."""
    today = Value(today, output_field=models.DateField())
    elapsed = Func(today, start, template="(%(expressions)s + 1)", arg_joiner=" - ")
    days = Func(end, start, template="(%(expressions)s + 1)", arg_joiner=" - ")
    return clamped_ratio(numeric(elapsed) / numeric(days))


# Confidence as a rank, so that the most cautious of several can be taken with MAX().
CONFIDENCE_RANKS = {"on_track": 1, "at_risk": 2, "off_track": 3}


def confidence_rank(confidence):
    return Case(
        *(When(Exact(confidence, Value(c)), then=Value(r)) for c, r in CONFIDENCE_RANKS.items()),
        output_field=IntegerField(),
    )


def confidence_exceeds_pace(confidence, pace):
    """True when the team's own confidence is better than its pace: "on track" said of
    something behind pace. Worth asking what the numbers miss, or what the team does not see.
    (Confidence and pace share their three names.)"""
    if not confidence or not pace:
        return False
    return CONFIDENCE_RANKS[confidence] < CONFIDENCE_RANKS[pace]


def confidence_from_rank(rank):
    return Case(
        *(When(Exact(rank, Value(r)), then=Value(c)) for c, r in CONFIDENCE_RANKS.items()),
        output_field=models.CharField(),
    )


def is_slower(pace, than):
    """Whether `pace` is worse than the pace `than` (False when either is unknown)."""
    if pace is None or than is None:
        return False
    return PACE_ORDER.index(Pace(pace)) > PACE_ORDER.index(Pace(than))


def aggregate_subquery(queryset, group_by, aggregate):
    """A scalar subquery: `aggregate` over `queryset`, grouped by the outer row's key."""
    return Subquery(
        queryset.order_by().values(group_by).annotate(result=aggregate).values("result")[:1]
    )


# How the database rounds ratios (RATIO's places), for figures computed here from its rows.
RATIO_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Standing:
    """A team's standing in a quarter, computed from its objectives already loaded with
    `with_progress()`, as `TeamQuerySet.with_pace` defines it in SQL: the mean progress of the
    objectives that are not dropped, the most cautious of their latest confidences, the time
    of their latest check-in, and the pace against the share of the quarter elapsed.

    A page that shows the objectives has every figure it needs: building and compiling
    `with_pace` again for the same team costs more than the whole rest of the page.
    """

    progress: Decimal | None
    expected: Decimal
    latest_confidence: str | None
    latest_checked_at: datetime | None

    @classmethod
    def of(cls, objectives, quarter, today=None):
        counted = [o for o in objectives if o.status != Objective.Status.DROPPED]
        progresses = [o.progress for o in counted if o.progress is not None]
        confidences = [o.latest_confidence for o in counted if o.latest_confidence]
        checked = [o.latest_checked_at for o in counted if o.latest_checked_at]
        return cls(
            progress=sum(progresses) / len(progresses) if progresses else None,
            expected=quarter.expected_share(today),
            latest_confidence=max(confidences, key=CONFIDENCE_RANKS.get, default=None),
            latest_checked_at=max(checked, default=None),
        )

    @property
    def pace(self):
        return pace_for(self.progress, self.expected)


# A key result's progress before its first check-in, as `progress_expression` gives it.
NO_PROGRESS = Decimal("0.0000")


def with_latest_from_history(key_result):
    """`key_result` with what `KeyResultQuerySet.with_latest_check_in` adds in SQL
    (`latest_value`, `progress`, `latest_confidence`, `latest_checked_at`), read from its
    check-ins, prefetched oldest first (created_at, pk) with `CheckInQuerySet.with_progress()`:
    a page that shows them all spares building and compiling three subqueries. The latest
    check-in itself is `latest_check_in` (None before the first)."""
    check_ins = key_result.check_ins.all()
    latest = check_ins[len(check_ins) - 1] if check_ins else None
    key_result.latest_check_in = latest
    key_result.latest_value = None if latest is None else latest.value
    key_result.progress = NO_PROGRESS if latest is None else latest.progress
    key_result.latest_confidence = None if latest is None else latest.confidence
    key_result.latest_checked_at = None if latest is None else latest.created_at
    return key_result


def with_figures(objective, key_results, expected):
    """`objective` with the figures `ObjectiveQuerySet.with_progress` adds in SQL, computed
    from its `key_results` (every one of them, with their latest check-in's figures:
    `with_latest_check_in()` or `with_latest_from_history`): a page that loads them anyway
    spares building and compiling those annotations, each repeating the progress subquery.
    Sets `progress` (the mean of its key results'; None without any), `expected` (the share
    of its quarter elapsed), `latest_confidence` (the most cautious), `latest_checked_at` and
    `pace`; and on each key result, `expected` and `pace` as `KeyResultQuerySet.with_pace`
    gives them (a milestone has no pace)."""
    for key_result in key_results:
        key_result.expected = expected
        is_milestone = key_result.unit == KeyResult.Unit.MILESTONE
        key_result.pace = None if is_milestone else pace_for(key_result.progress, expected)
    confidences = [kr.latest_confidence for kr in key_results if kr.latest_confidence]
    checked = [kr.latest_checked_at for kr in key_results if kr.latest_checked_at]
    progresses = [kr.progress for kr in key_results]
    objective.progress = sum(progresses) / len(progresses) if progresses else None
    objective.expected = expected
    objective.latest_confidence = max(confidences, key=CONFIDENCE_RANKS.get, default=None)
    objective.latest_checked_at = max(checked, default=None)
    objective.pace = pace_for(objective.progress, expected)
    return objective


def paced_objectives(key_results, expected):
    """The objectives of `key_results` (every key result of each, loaded with
    `with_latest_check_in()` and their objective, in a quarter whose share elapsed is
    `expected`), in their order, `with_figures`; each key result shares its objective's
    instance."""
    objectives, rows = {}, {}
    for key_result in key_results:
        key_result.objective = objectives.setdefault(key_result.objective_id, key_result.objective)
        rows.setdefault(key_result.objective_id, []).append(key_result)
    return [with_figures(o, rows[pk], expected) for pk, o in objectives.items()]


class TeamQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived=False)

    def led_by(self, user):
        return self.filter(leader=user)

    def with_member(self, user, role=None):
        """The teams `user` is a member of (in `role`, if given)."""
        memberships = Membership.objects.filter(user=user)
        if role:
            memberships = memberships.filter(role=role)
        return self.filter(pk__in=memberships.values("team"))

    def with_pm(self, user):
        """The teams `user` is a product manager of."""
        return self.filter(
            pk__in=Membership.objects.product_managers().filter(user=user).values("team")
        )

    def changeable_by(self, user):
        """The teams whose objectives and obstacles `user` may change, as the permission
        matrix's responsible people: every team for an admin, else those they lead and those
        they are a product manager of."""
        if user.is_superuser:
            return self
        return self.filter(Q(leader=user) | Q(pk__in=Team.objects.with_pm(user)))

    def with_product_managers(self):
        """Each team with `pm_memberships`: its product managers' memberships, with their
        people (one query for all the teams)."""
        pms = Membership.objects.product_managers().select_related("user")
        return self.prefetch_related(
            Prefetch("memberships", queryset=pms, to_attr="pm_memberships")
        )

    def with_standing(self, quarter):
        """Each team's standing in `quarter` that does not depend on the calendar, all
        computed by the database: the one definition of these figures (TeamStanding stores
        them, and is recomputed from here).

        Adds `progress` (mean progress of the quarter's objectives that are not dropped;
        NULL when there are none), `latest_confidence` (the most cautious of the confidences
        given at each key result's latest check-in: the team's own judgement) and
        `latest_checked_at`.
        """
        objectives = Objective.objects.filter(team=OuterRef("pk"), quarter=quarter).counted()
        key_results = KeyResult.objects.filter(
            objective__team=OuterRef("pk"), objective__quarter=quarter
        ).exclude(objective__status=Objective.Status.DROPPED)
        return self.annotate(
            progress=aggregate_subquery(
                objectives.with_mean_progress(), "team", Avg("progress", output_field=RATIO)
            ),
            latest_confidence=confidence_from_rank(
                aggregate_subquery(
                    key_results.with_latest_confidence(),
                    "objective__team",
                    Max(confidence_rank(F("latest_confidence"))),
                )
            ),
            latest_checked_at=aggregate_subquery(
                CheckIn.objects.filter(
                    key_result__objective__team=OuterRef("pk"),
                    key_result__objective__quarter=quarter,
                ).exclude(key_result__objective__status=Objective.Status.DROPPED),
                "key_result__objective__team",
                Max("created_at"),
            ),
        )

    def with_pace(self, quarter, today=None):
        """`with_standing(quarter)` computed by the database, plus `expected` (share of the
        quarter elapsed, as Quarter.expected_share); `Team.pace` reads the pace from
        `progress` and `expected`.

        The pace is arithmetic on the row, not SQL: written as SQL it would repeat the
        progress subquery three times in each row (and in the compiling of every request),
        for a share of the quarter that is the same for every team.
        """
        today = today or timezone.localdate()
        expected = Value(quarter.expected_share(today), output_field=RATIO)
        return self.with_standing(quarter).annotate(expected=expected)

    def with_stored_standing(self, quarter, today=None):
        """What `with_pace(quarter)` adds, read from the stored TeamStanding (one join)
        rather than computed: `progress`, `latest_confidence`, `latest_checked_at` (NULL
        without a standing) and `expected`."""
        today = today or timezone.localdate()
        return self.alias(
            standing=FilteredRelation("standings", condition=Q(standings__quarter=quarter))
        ).annotate(
            progress=F("standing__progress"),
            latest_confidence=F("standing__latest_confidence"),
            latest_checked_at=F("standing__latest_checked_at"),
            expected=Value(quarter.expected_share(today), output_field=RATIO),
        )

    def with_previous_progress(self, quarter, since):
        """Adds `previous_progress`: the team's progress in `quarter` at the end of the day
        `since`, from the objectives, key results and check-ins as they stood then."""
        end_of_since = timezone.make_aware(datetime.combine(since + timedelta(days=1), time.min))
        objectives = Objective.objects.filter(
            team=OuterRef("pk"), quarter=quarter, created_at__lt=end_of_since
        )
        return self.annotate(
            previous_progress=aggregate_subquery(
                objectives.counted().with_mean_progress(as_of=end_of_since),
                "team",
                Avg("progress", output_field=RATIO),
            )
        )

    def fell_behind_pace(self, quarter, today, since):
        """The teams whose pace in `quarter` is worse `today` than at the end of the day
        `since`, each with `pace` and `previous_pace`, in one query. (The previous pace is
        told from its progress here: the same thresholds, without repeating its subqueries
        in SQL.)"""
        expected_then = Decimal(str(quarter.elapsed_share(since)))
        behind = []
        for team in self.with_pace(quarter, today).with_previous_progress(quarter, since):
            team.previous_pace = pace_for(team.previous_progress, expected_then)
            if is_slower(team.pace, team.previous_pace):
                behind.append(team)
        return behind


class Team(models.Model):
    """A product team: it owns quarterly objectives and the obstacles in their way.

    Teams are archived, never deleted while anything refers to them.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    mission = models.TextField(_("mission"), blank=True)
    is_platform = models.BooleanField(
        _("platform team"),
        default=False,
        help_text=_("A platform team serves the other teams; they often depend on it."),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="led_teams",
    )
    archived = models.BooleanField(_("archived"), default=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="teams",
        verbose_name=_("members"),
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_of("team", self.slug)

    def people(self):
        """The team's members and its leader, in name order: who may own its objectives and
        its obstacles."""
        members = Membership.objects.filter(team=self).values("user")
        users = get_user_model().objects.filter(Q(pk__in=members) | Q(pk=self.leader_id))
        return in_name_order(users)

    @property
    def pace(self):
        """Needs `with_pace()`: the team's Pace in that quarter, None without progress."""
        return pace_for(getattr(self, "progress", None), getattr(self, "expected", None))

    @property
    def pace_gap(self):
        """Needs `with_pace()`: how far progress trails the share of the quarter elapsed
        (expected minus progress), None without progress."""
        progress = getattr(self, "progress", None)
        return None if progress is None else self.expected - progress

    def relations_to(self, user):
        """The user's relations to this team, for `headway.permissions.allows`."""
        if not user.is_authenticated:
            return set()
        relations = {Relation.SIGNED_IN}
        if user.is_superuser:
            relations.add(Relation.ADMIN)
        if self.leader_id == user.pk:
            relations.add(Relation.LEADER)
        roles = {role for (role,) in MEMBER_ROLES(team=self.pk, user=user.pk)}
        if Membership.Role.PRODUCT_MANAGER in roles:
            relations.add(Relation.PM)
        if roles:
            relations.add(Relation.MEMBER)
        return relations


# A person's roles in a team, which every permission check on the team reads: compiled once.
MEMBER_ROLES = CompiledQuery(
    lambda team, user: (
        Membership.objects.filter(team=team, user=user).order_by().values_list("role")
    )
)


class MembershipQuerySet(models.QuerySet):
    def product_managers(self):
        """The memberships of product managers (the PMs of a team: `team.memberships...`)."""
        return self.filter(role=Membership.Role.PRODUCT_MANAGER)


class Membership(models.Model):
    """A person's place in a team, with their role."""

    class Role(models.TextChoices):
        PRODUCT_MANAGER = "pm", _("Product manager")
        TECH_LEAD = "tech_lead", _("Tech lead")
        DESIGNER = "designer", _("Designer")
        OTHER = "other", _("Other")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["team", "role", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_once_per_team"),
        ]
        indexes = [models.Index(fields=["user", "role"], name="membership_user_role")]

    def __str__(self):
        return f"{self.user} — {self.team} ({self.get_role_display()})"


class QuarterQuerySet(models.QuerySet):
    def containing(self, day):
        return self.filter(start__lte=day, end__gte=day)

    def current(self):
        """The quarter containing today; else the latest one that has begun; else the first."""
        return current_of(self.order_by("start"))


def current_of(quarters, today=None):
    """Among `quarters` (in the order they start): the one containing today; else the latest
    one that has begun; else the first. None when there are none. A page that lists the
    quarters anyway picks the current one from its list, without a query of its own."""
    today = today or timezone.localdate()
    begun = [quarter for quarter in quarters if quarter.start <= today]
    if begun:
        return begun[-1]
    return next(iter(quarters), None)


class Quarter(models.Model):
    """A planning period such as 2026-Q4. Quarters never overlap; end is the last day."""

    label = models.CharField(_("label"), max_length=20, unique=True)
    start = models.DateField(_("first day"), validators=[validate_on_calendar])
    end = models.DateField(_("last day"), validators=[validate_on_calendar])

    objects = QuarterQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        verbose_name = _("quarter")
        verbose_name_plural = _("quarters")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="quarter_ends_after_start"
            ),
            ExclusionConstraint(
                name="quarters_do_not_overlap",
                expressions=[
                    (
                        Func(F("start"), F("end"), Value("[]"), function="daterange"),
                        RangeOperators.OVERLAPS,
                    )
                ],
                violation_error_message=_("This quarter overlaps another quarter."),
            ),
            *days_on_calendar("quarter", "start", "end"),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The last day must come after the first day.")})

    def contains(self, day):
        return self.start <= day <= self.end

    @property
    def is_past(self):
        return self.end < timezone.localdate()

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def elapsed_share(self, today=None):
        """Share of the quarter elapsed at the end of `today`, from 0 to 1."""
        today = today or timezone.localdate()
        if today < self.start:
            return 0.0
        if today >= self.end:
            return 1.0
        return ((today - self.start).days + 1) / self.days

    def expected_share(self, today=None):
        """`elapsed_share` as the database computes it (`elapsed_share_expression`): a ratio
        rounded to 4 places, the progress a team should have made by the end of `today`."""
        today = today or timezone.localdate()
        elapsed = min(max((today - self.start).days + 1, 0), self.days)
        return (Decimal(elapsed) / self.days).quantize(RATIO_PLACES, ROUND_HALF_UP)

    def is_closing(self, today=None):
        """In its last two weeks (CLOSING_DAYS) or over: time for the teams to close it."""
        today = today or timezone.localdate()
        return today > self.end - timedelta(days=CLOSING_DAYS)

    def following(self):
        """The next quarter, if an administrator has created it."""
        return Quarter.objects.filter(start__gt=self.end).order_by("start").first()

    @classmethod
    def next_to_create(cls):
        """The calendar quarter after the latest one (or the current calendar quarter when
        there is none yet), unsaved: what an administrator creates next."""
        latest = cls.objects.order_by("-end").first()
        return cls.for_day(latest.end + timedelta(days=1) if latest else timezone.localdate())

    @classmethod
    def for_day(cls, day):
        """The calendar quarter containing `day`, as an unsaved Quarter."""
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
        end = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
        return cls(
            label=f"{day.year}-Q{(first_month - 1) // 3 + 1}",
            start=start,
            end=end - timedelta(days=1),
        )


# A quarter's last two weeks: when each team's page asks its PM to close it.
CLOSING_DAYS = 14


# A handful: past this many important problems in one quarter, the organization is no longer
# focused on a few (the article: "a small number of truly important problems"). Headway warns,
# it does not refuse: the leaders decide.
FOCUSED_PROBLEMS = 5


def relations_to_organization(user):
    """The user's relations to the organization as a whole, for `headway.permissions.allows`:
    LEADER when they lead an active team, ADMIN for an administrator."""
    if not user.is_authenticated:
        return set()
    relations = {Relation.SIGNED_IN}
    if user.is_superuser:
        relations.add(Relation.ADMIN)
    if Team.objects.active().led_by(user).exists():
        relations.add(Relation.LEADER)
    return relations


class ProblemQuerySet(models.QuerySet):
    def in_quarter(self, quarter):
        """The problems the organization works on during `quarter`: begun in it or before,
        and not ended before it."""
        return self.filter(first_quarter__start__lte=quarter.start).filter(
            Q(last_quarter__isnull=True) | Q(last_quarter__start__gte=quarter.start)
        )

    def with_progress(self, quarter, today=None):
        """Each problem's standing in `quarter`, from the objectives serving it then (all
        teams), computed by the database: `objective_count` and `team_count` (the dropped
        objectives left out), `progress` (their mean progress; NULL without any),
        `expected` (share of the quarter elapsed) and `pace`."""
        today = today or timezone.localdate()
        serving = Objective.objects.filter(serves=OuterRef("pk"), quarter=quarter).counted()
        return self.annotate(
            objective_count=Coalesce(aggregate_subquery(serving, "serves", Count("pk")), 0),
            team_count=Coalesce(
                aggregate_subquery(serving, "serves", Count("team", distinct=True)), 0
            ),
            progress=aggregate_subquery(
                serving.with_progress(today), "serves", Avg("progress", output_field=RATIO)
            ),
            expected=elapsed_share_expression(Value(quarter.start), Value(quarter.end), today),
        ).annotate(pace=pace_expression(F("progress"), F("expected")))


class Problem(models.Model):
    """One of the organization's few important problems, for a quarter or longer: the
    leaders turn it into team objectives, and each objective says which problem it serves.

    Owned by a leader; leaders and administrators keep the list. A problem is ended (its last
    quarter set), not deleted, once objectives serve it: their history refers to it.
    """

    title = models.CharField(_("title"), max_length=200)
    why_it_matters = models.TextField(_("why it matters"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_problems",
    )
    first_quarter = models.ForeignKey(
        Quarter,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_quarter = models.ForeignKey(
        Quarter,
        verbose_name=_("until"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty while the organization keeps working on it."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url_of("problem", self.pk)

    relations_to = staticmethod(relations_to_organization)

    def clean(self):
        errors = {}
        if self.owner_id and not Team.objects.active().led_by(self.owner_id).exists():
            errors["owner"] = _("A problem is owned by a leader: choose someone who leads a team.")
        if (
            self.first_quarter_id
            and self.last_quarter_id
            and self.last_quarter.start < self.first_quarter.start
        ):
            errors["last_quarter"] = _("The last quarter cannot come before the first one.")
        if errors:
            raise ValidationError(errors)

    def is_in(self, quarter):
        """Whether the organization works on it during `quarter`."""
        ends_after = self.last_quarter_id is None or self.last_quarter.start >= quarter.start
        return self.first_quarter.start <= quarter.start and ends_after

    @property
    def is_deletable(self):
        """Only a problem no objective ever served may be deleted; the others are ended."""
        return not self.objectives.exists()


class MovesStandingQuerySet(models.QuerySet):
    """The queryset of a MovesStanding model: deleting rows in bulk (a script, the
    administration's "delete selected") stores again the standings they counted in, in the
    same transaction. `TO_OBJECTIVE` is the path from the model to its objective."""

    TO_OBJECTIVE = ""

    @transaction.atomic
    def delete(self):
        keys = set(
            self.order_by().values_list(f"{self.TO_OBJECTIVE}team", f"{self.TO_OBJECTIVE}quarter")
        )
        deleted = super().delete()
        for team, quarter in sorted(keys):
            TeamStanding.objects.refresh(team, quarter)
        return deleted

    delete.alters_data = True
    delete.queryset_only = True


class ObjectiveQuerySet(MovesStandingQuerySet):
    def counted(self):
        """The objectives that count towards progress: all but the dropped ones."""
        return self.exclude(status=Objective.Status.DROPPED)

    def with_mean_progress(self, as_of=None):
        """Adds `progress` alone: the mean of its key results' progress, NULL without key
        results (what a team's progress averages). With `as_of` (a moment), progress as it
        stood then: key results and check-ins made since are left out."""
        key_results = KeyResult.objects.filter(objective=OuterRef("pk"))
        if as_of is not None:
            key_results = key_results.filter(created_at__lt=as_of)
        key_results = key_results.with_progress(as_of)
        return self.annotate(
            progress=aggregate_subquery(
                key_results, "objective", Avg("progress", output_field=RATIO)
            )
        )

    def with_latest_confidence(self):
        """Adds `latest_confidence`: the most cautious of its key results' latest ones."""
        key_results = KeyResult.objects.filter(objective=OuterRef("pk")).with_latest_confidence()
        return self.annotate(
            latest_confidence=confidence_from_rank(
                aggregate_subquery(
                    key_results, "objective", Max(confidence_rank(F("latest_confidence")))
                )
            )
        )

    def with_progress(self, today=None):
        """`with_mean_progress()` and `with_latest_confidence()`, plus `expected` (share of
        its quarter elapsed), `pace`, `key_result_count` and `latest_checked_at` (its latest
        check-in's time)."""
        today = today or timezone.localdate()
        key_results = KeyResult.objects.filter(objective=OuterRef("pk"))
        check_ins = CheckIn.objects.filter(key_result__objective=OuterRef("pk"))
        return (
            self.with_mean_progress()
            .with_latest_confidence()
            .annotate(
                expected=elapsed_share_expression(F("quarter__start"), F("quarter__end"), today),
                key_result_count=aggregate_subquery(key_results, "objective", Count("pk")),
                latest_checked_at=aggregate_subquery(
                    check_ins, "key_result__objective", Max("created_at")
                ),
            )
            .annotate(pace=pace_expression(F("progress"), F("expected")))
        )


# One or two sentences of retrospective per objective.
RETROSPECTIVE_LENGTH = 500


class MovesStanding(CountsInStored):
    """A row that counts in its team's standing in a quarter (TeamStanding), stored again
    whenever it changes (headway.stored.CountsInStored); the methods that write in bulk
    (`Objective.drop`, `carry_over`, `QuarterClosing.close`) store it themselves.

    A subclass says which standing that is: `standing_key()`, the (team id, quarter id) it
    counts in, and `standing_key_at(place)`, those of a row at `place` (values of PLACE).
    """

    class Meta:
        abstract = True

    def store_figures(self, places):
        keys = {self.standing_key(), *(self.standing_key_at(place) for place in places[1:])}
        for team, quarter in sorted(keys):
            TeamStanding.objects.refresh(team, quarter)


def team_page_url(slug, quarter_label, anchor):
    """The page of the team `slug` in the quarter `quarter_label`, scrolled to `anchor` (an
    objective's place there: `objective-<pk>`)."""
    return f"{url_of('team', slug)}?quarter={quarter_label}#{anchor}"


class Objective(MovesStanding):
    """A team's objective for one quarter: a problem to solve, measured by key results."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        MISSED = "missed", _("Missed")
        DROPPED = "dropped", _("Dropped")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="objectives"
    )
    quarter = models.ForeignKey(
        Quarter, verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="objectives"
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem it solves"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_objectives",
    )
    serves = models.ForeignKey(
        Problem,
        verbose_name=_("organization problem it serves"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    final_score = models.DecimalField(
        _("final score"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("From 0 to 1, given when the quarter is closed."),
    )
    retrospective = models.TextField(
        _("retrospective"),
        blank=True,
        max_length=RETROSPECTIVE_LENGTH,
        help_text=_("One or two sentences: what happened, what the team learned."),
    )
    carried_from = models.OneToOneField(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["team", "quarter", "order", "pk"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        indexes = [models.Index(fields=["quarter", "team", "order"], name="objective_quarter_team")]
        constraints = [
            models.CheckConstraint(
                condition=Q(final_score__isnull=True) | Q(final_score__gte=0, final_score__lte=1),
                name="objective_final_score_0_1",
            ),
        ]

    def __str__(self):
        # Titles repeat from quarter to quarter (carried over): the quarter tells them apart,
        # in the administration's lists, choices and history.
        return f"{self.title} ({self.quarter})"

    def get_absolute_url(self):
        return self.team_page_url(f"objective-{self.pk}")

    def clean(self):
        if self.serves_id and self.quarter_id and not self.serves.is_in(self.quarter):
            raise ValidationError(
                {
                    "serves": _("This problem is not one the organization works on in %s.")
                    % self.quarter
                }
            )

    PLACE = ("team_id", "quarter_id")

    def standing_key(self):
        return self.team_id, self.quarter_id

    def standing_key_at(self, place):
        return place

    def team_page_url(self, anchor):
        """Its team's page in its quarter, scrolled to `anchor`."""
        return team_page_url(self.team.slug, self.quarter.label, anchor)

    @property
    def is_closed(self):
        """A past quarter's objective is history: read-only, except to carry it over."""
        return self.quarter.is_past

    @property
    def confidence_exceeds_pace(self):
        """Needs `with_progress()`: see `confidence_exceeds_pace`."""
        return confidence_exceeds_pace(
            getattr(self, "latest_confidence", None), getattr(self, "pace", None)
        )

    @transaction.atomic
    def drop(self):
        """Stop pursuing it this quarter; it stays visible, and no longer counts for pace."""
        Objective.objects.filter(pk=self.pk).update(
            status=Objective.Status.DROPPED, version=F("version") + 1, updated_at=timezone.now()
        )
        self.status = Objective.Status.DROPPED
        self.version += 1
        self.refresh_stored()

    @transaction.atomic
    def move(self, offset):
        """Move it `offset` places up (negative) or down among its team's quarter objectives.

        The siblings stay locked until their new order is saved: two moves at once cannot
        give two objectives the same place."""
        siblings = list(
            Objective.objects.filter(team=self.team_id, quarter=self.quarter_id)
            .order_by("order", "pk")
            .select_for_update()
        )
        position = next(i for i, o in enumerate(siblings) if o.pk == self.pk)
        target = max(0, min(len(siblings) - 1, position + offset))
        siblings.insert(target, siblings.pop(position))
        for order, objective in enumerate(siblings):
            objective.order = order
        Objective.objects.bulk_update(siblings, ["order"])
        self.order = target

    def can_carry_over(self):
        return self.status != Objective.Status.ACHIEVED and not hasattr(self, "carried_into")

    @transaction.atomic
    def carry_over(self, by):
        """Carry it into the next quarter: a new objective linked to this one, with the key
        results still short of their target copied, starting from their latest values, and
        threatened by the obstacles that still threaten this one."""
        if self.status == Objective.Status.ACHIEVED:
            raise ValidationError(_("An achieved objective is not carried over."))
        # Carried over from two tabs at once: the second waits here, then finds the first's.
        Objective.objects.select_for_update().filter(pk=self.pk).first()
        if Objective.objects.filter(carried_from=self).exists():
            raise ValidationError(_("This objective has already been carried over."))
        quarter = self.quarter.following()
        if quarter is None:
            raise ValidationError(
                _("There is no next quarter yet: an administrator needs to create it first.")
            )
        carried = Objective.objects.create(
            team=self.team,
            quarter=quarter,
            title=self.title,
            problem=self.problem,
            serves=self.serves if self.serves and self.serves.is_in(quarter) else None,
            owner=self.owner or by,
            order=Objective.objects.filter(team=self.team, quarter=quarter).count(),
            carried_from=self,
        )
        # The obstacles still in its way (not closed) threaten it next quarter too. The link
        # is the obstacles app's (Obstacle.threatened_objectives), read here by its name.
        carried.obstacles.set(self.obstacles.filter(closed_at__isnull=True))
        key_results = self.key_results.with_latest_check_in().filter(progress__lt=1)
        KeyResult.objects.bulk_create(
            KeyResult(
                objective=carried,
                description=key_result.description,
                unit=key_result.unit,
                start_value=key_result.current_value,
                target_value=key_result.target_value,
                allows_any_percent=key_result.allows_any_percent,
                owner=key_result.owner,
                order=key_result.order,
            )
            for key_result in key_results
        )
        carried.refresh_stored()
        return carried


def latest_check_in(field, as_of=None):
    """The `field` of the outer key result's latest check-in (made before the moment `as_of`,
    if given), as a subquery (NULL before the first)."""
    latest = CheckIn.objects.filter(key_result=OuterRef("pk")).order_by("-created_at", "-pk")
    if as_of is not None:
        latest = latest.filter(created_at__lt=as_of)
    return Subquery(latest.values(field)[:1])


class KeyResultQuerySet(MovesStandingQuerySet):
    TO_OBJECTIVE = "objective__"

    # Each figure is added by the smallest method that gives it: the team and objective
    # figures nest these in subqueries, and Django builds and compiles every annotation of a
    # nested queryset, used or not, on every request.

    def with_progress(self, as_of=None):
        """Adds `latest_value` (its latest check-in's; NULL before the first) and `progress`
        (0..1) from it; with `as_of`, from the latest check-in made before that moment."""
        return self.annotate(latest_value=latest_check_in("value", as_of)).annotate(
            progress=progress_expression(F("latest_value"), F("start_value"), F("target_value"))
        )

    def with_latest_confidence(self):
        return self.annotate(latest_confidence=latest_check_in("confidence"))

    def with_latest_check_in(self):
        """`with_progress()`, `with_latest_confidence()`, and `latest_checked_at`."""
        return (
            self.with_progress()
            .with_latest_confidence()
            .annotate(latest_checked_at=latest_check_in("created_at"))
        )

    def with_latest_check_in_joined(self):
        """What `with_latest_check_in()` adds, read from the latest check-in (the same
        `latest_check_in`, by its pk) joined once, rather than from a subquery per figure: a
        list that shows them, such as a PM's own key results or a 1:1's agenda, spares Django
        building and compiling two subqueries. Not for a queryset nested in a subquery."""
        return (
            self.alias(
                latest_check_in_pk=latest_check_in("pk"),
                latest=FilteredRelation(
                    "check_ins", condition=Q(check_ins__pk=F("latest_check_in_pk"))
                ),
            )
            .annotate(
                latest_value=F("latest__value"),
                latest_confidence=F("latest__confidence"),
                latest_checked_at=F("latest__created_at"),
            )
            .annotate(
                progress=progress_expression(F("latest_value"), F("start_value"), F("target_value"))
            )
        )

    def with_pace(self, today=None):
        """`with_latest_check_in()`, plus `expected` (share of its quarter elapsed) and `pace`.

        A milestone has no pace (NULL): it is reached or not, and not behind before its
        quarter ends.
        """
        today = today or timezone.localdate()
        expected = elapsed_share_expression(
            F("objective__quarter__start"), F("objective__quarter__end"), today
        )
        return (
            self.with_latest_check_in()
            .annotate(expected=expected)
            .annotate(
                pace=Case(
                    When(unit=KeyResult.Unit.MILESTONE, then=Value(None)),
                    default=pace_expression(F("progress"), F("expected")),
                    output_field=models.CharField(),
                )
            )
        )

    def to_check_in(self, quarter, since):
        """The key results of active objectives in `quarter` that have had no check-in since
        the moment `since` (the start of the week, for the weekly reminder), with their
        objective and team, by team in the order of the team page."""
        return (
            self.filter(
                objective__quarter=quarter,
                objective__status=Objective.Status.ACTIVE,
                objective__team__archived=False,
            )
            .with_latest_check_in()
            .filter(Q(latest_checked_at__lt=since) | Q(latest_checked_at__isnull=True))
            .select_related("objective__team")
            .order_by("objective__team__name", "objective__order", "objective__pk", "order", "pk")
        )


class KeyResult(MovesStanding):
    """A measurable result of an objective, from a start value to a target value.

    The target may be below the start (reduce churn from 8 % to 5 %). A milestone is a
    yes/no result: start 0, target 1.
    """

    class Unit(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENT = "percent", _("Percent")
        CURRENCY = "currency", _("Currency")
        MILESTONE = "milestone", _("Yes/no milestone")

    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="key_results",
    )
    description = models.CharField(_("description"), max_length=300)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.NUMBER)
    start_value = models.DecimalField(_("start value"), max_digits=14, decimal_places=2, default=0)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    allows_any_percent = models.BooleanField(
        _("a percentage may pass 100% or fall below 0%"),
        default=False,
        help_text=_("For a growth rate or a change, not a share of something."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_key_results",
        help_text=_("A member of the team who checks in on it; without one, the team's PM does."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Two people editing it: the second save is refused rather than undoing the first
    # (headway.locking).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = KeyResultQuerySet.as_manager()

    class Meta:
        ordering = ["objective", "order", "pk"]
        verbose_name = _("key result")
        verbose_name_plural = _("key results")
        constraints = [
            models.CheckConstraint(
                condition=~Q(target_value=F("start_value")), name="key_result_target_differs"
            ),
            models.CheckConstraint(
                condition=~Q(unit="milestone") | Q(start_value=0, target_value=1),
                name="key_result_milestone_is_yes_no",
            ),
            models.CheckConstraint(
                condition=~Q(unit="percent")
                | Q(allows_any_percent=True)
                | Q(
                    start_value__gte=0,
                    start_value__lte=100,
                    target_value__gte=0,
                    target_value__lte=100,
                ),
                name="key_result_percent_within_0_100",
            ),
        ]

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        return url_of("objectives:key_result", self.objective.team.slug, self.pk)

    PLACE = ("objective_id",)

    def standing_key(self):
        return self.objective.team_id, self.objective.quarter_id

    def standing_key_at(self, place):
        return Objective.objects.values_list("team", "quarter").get(pk=place[0])

    def relations_to(self, user, team_relations):
        """The user's relations to this key result: their relations to its team
        (`team_relations`), and KEY_RESULT_OWNER when it is theirs to check in on (its owner,
        while still a member of the team)."""
        if self.owner_id == user.pk and Relation.MEMBER in team_relations:
            return team_relations | {Relation.KEY_RESULT_OWNER}
        return team_relations

    @property
    def is_milestone(self):
        return self.unit == KeyResult.Unit.MILESTONE

    @property
    def confidence_exceeds_pace(self):
        """Needs `with_pace()`: see `confidence_exceeds_pace`."""
        return confidence_exceeds_pace(
            getattr(self, "latest_confidence", None), getattr(self, "pace", None)
        )

    @property
    def current_value(self):
        """The latest checked-in value (needs `with_latest_check_in()`), else the start."""
        latest = getattr(self, "latest_value", None)
        return self.start_value if latest is None else latest

    def clean(self):
        if (
            self.owner_id
            and not Membership.objects.filter(
                team=self.objective.team_id, user=self.owner_id
            ).exists()
        ):
            raise ValidationError(
                {"owner": _("The owner of a key result is a member of the team.")}
            )
        if self.is_milestone:
            # A milestone is done or not: it always runs from 0 (no) to 1 (yes).
            self.start_value, self.target_value = Decimal(0), Decimal(1)
            return
        errors = {}
        for name in ("start_value", "target_value"):
            message = self.refusal_of(getattr(self, name))
            if message:
                errors[name] = message
        if errors:
            raise ValidationError(errors)
        if (
            self.start_value is not None
            and self.target_value is not None
            and self.start_value == self.target_value
        ):
            raise ValidationError(
                {"target_value": _("The target must differ from the start value.")}
            )

    def refusal_of(self, value):
        """Why `value` can never be a reading of this key result, or None: a percentage
        outside 0–100 unless the key result allows it."""
        if (
            value is not None
            and self.unit == KeyResult.Unit.PERCENT
            and not self.allows_any_percent
            and not 0 <= value <= 100
        ):
            return _(
                "A percentage is between 0% and 100%. If this one can go beyond (a growth "
                "rate, a change), say so on the key result."
            )
        return None

    def doubt_about(self, value):
        """Why `value` is probably a slip (an extra zero, a lost decimal point, a wrong
        sign), or None. Such a value is saved only once its author confirms it: far beyond
        the start and the target (more than PLAUSIBLE_SPANS times the distance between them),
        or below zero where the start and the target are not."""
        if value is None or self.is_milestone:
            return None
        low, high = sorted((self.start_value, self.target_value))
        span = (high - low) * PLAUSIBLE_SPANS
        if value < 0 <= low:
            return _(
                "%(value)s is below zero, while this key result runs from %(start)s to %(target)s."
            )
        if not low - span <= value <= high + span:
            return _(
                "%(value)s is far beyond this key result's start (%(start)s) and target "
                "(%(target)s)."
            )
        return None


# How far beyond its start and target a reading may go, in start-to-target distances, before
# it is probably a typo and is saved only once confirmed (KeyResult.doubt_about).
PLAUSIBLE_SPANS = 3


class CheckInQuerySet(MovesStandingQuerySet):
    TO_OBJECTIVE = "key_result__objective__"

    def with_progress(self):
        """Adds `progress`: how far this reading stands from its key result's start (0..1)."""
        return self.annotate(
            progress=progress_expression(
                F("value"), F("key_result__start_value"), F("key_result__target_value")
            )
        )


class CheckIn(MovesStanding):
    """A weekly reading of a key result: its value and the team's confidence."""

    class Confidence(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")

    key_result = models.ForeignKey(
        KeyResult,
        verbose_name=_("key result"),
        on_delete=models.CASCADE,
        related_name="check_ins",
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    confidence = models.CharField(_("confidence"), max_length=20, choices=Confidence.choices)
    comment = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="check_ins",
    )
    created_at = models.DateTimeField(
        _("time"), default=timezone.now, validators=[validate_on_calendar]
    )
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True)

    objects = CheckInQuerySet.as_manager()

    # A check-in may be corrected or deleted for a week after the day it is for, by its
    # author or the team's leader: long enough to catch a slip before the next weekly
    # check-in and the next 1:1, short enough that the figures people planned and talked
    # from are not rewritten later. After that, a new check-in is the way to set things right.
    CORRECTABLE_FOR = timedelta(days=7)

    class Meta:
        ordering = ["key_result", "-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [
            models.Index(fields=["key_result", "-created_at", "-id"], name="check_in_latest_first"),
        ]
        constraints = moments_on_calendar("check_in", "created_at")

    def __str__(self):
        return f"{self.key_result}: {self.value}"

    PLACE = ("key_result_id",)

    def standing_key(self):
        objective = self.key_result.objective
        return objective.team_id, objective.quarter_id

    def standing_key_at(self, place):
        key_results = KeyResult.objects.values_list("objective__team", "objective__quarter")
        return key_results.get(pk=place[0])

    def clean(self):
        """A check-in falls within its key result's quarter, and never in the future; a
        milestone's value is 1 (yes) or 0 (no)."""
        errors = {}
        key_result = self.key_result
        if key_result.is_milestone and self.value is not None and self.value not in (0, 1):
            errors["value"] = _("A milestone is either reached (yes) or not (no).")
        elif refusal := key_result.refusal_of(self.value):
            errors["value"] = refusal
        if self.created_at:
            day = timezone.localdate(self.created_at)
            quarter = key_result.objective.quarter
            if day > timezone.localdate():
                errors["created_at"] = _("A check-in cannot be in the future.")
            elif not quarter.contains(day):
                errors["created_at"] = _(
                    "This key result belongs to %(quarter)s: pick a day between "
                    "%(start)s and %(end)s."
                ) % {
                    "quarter": quarter,
                    "start": formats.date_format(quarter.start),
                    "end": formats.date_format(quarter.end),
                }
        if errors:
            raise ValidationError(errors)

    def is_correctable(self, now=None):
        """Within CORRECTABLE_FOR of its day, in a quarter that has not ended."""
        now = now or timezone.now()
        quarter = self.key_result.objective.quarter
        return now - self.created_at <= self.CORRECTABLE_FOR and not quarter.is_past

    def may_be_changed_by(self, user, now=None):
        """Its author or its team's leader may correct or delete it, while it is correctable.
        (The view has checked the user may still check in for the team.)"""
        team = self.key_result.objective.team
        return user.pk in (self.author_id, team.leader_id) and self.is_correctable(now)

    @transaction.atomic
    def correct(self, by, **fields):
        """Change its value, confidence, comment or day, keeping what it said before in the
        key result's history (CheckInRevision)."""
        old_value, old_confidence, old_day = self.value, self.confidence, self.day
        for name, value in fields.items():
            setattr(self, name, value)
        self.corrected_at = timezone.now()
        self.save()
        return CheckInRevision.objects.create(
            key_result_id=self.key_result_id,
            check_in=self,
            kind=CheckInRevision.Kind.CORRECTED,
            by=by,
            day=old_day,
            old_value=old_value,
            old_confidence=old_confidence,
            new_value=self.value,
            new_confidence=self.confidence,
        )

    @transaction.atomic
    def delete_by(self, by):
        """Delete it, leaving in the key result's history that it existed and who deleted it."""
        revision = CheckInRevision.objects.create(
            key_result_id=self.key_result_id,
            kind=CheckInRevision.Kind.DELETED,
            by=by,
            day=self.day,
            old_value=self.value,
            old_confidence=self.confidence,
        )
        self.delete()
        return revision

    @property
    def day(self):
        return timezone.localdate(self.created_at)


class CheckInRevision(models.Model):
    """A check-in corrected or deleted after it was recorded: who, when, and what it said
    before. The key result's page lists them, so that a changed figure never goes unseen."""

    class Kind(models.TextChoices):
        CORRECTED = "corrected", _("Corrected")
        DELETED = "deleted", _("Deleted")

    key_result = models.ForeignKey(
        KeyResult,
        verbose_name=_("key result"),
        on_delete=models.CASCADE,
        related_name="check_in_revisions",
    )
    check_in = models.ForeignKey(
        CheckIn,
        verbose_name=_("check-in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revisions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="check_in_revisions",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    day = models.DateField(_("day of the check-in"))
    old_value = models.DecimalField(_("value before"), max_digits=14, decimal_places=2)
    old_confidence = models.CharField(
        _("confidence before"), max_length=20, choices=CheckIn.Confidence.choices
    )
    new_value = models.DecimalField(
        _("value after"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    new_confidence = models.CharField(
        _("confidence after"), max_length=20, choices=CheckIn.Confidence.choices, blank=True
    )

    class Meta:
        ordering = ["key_result", "-at", "-pk"]
        verbose_name = _("check-in correction")
        verbose_name_plural = _("check-in corrections")
        indexes = [models.Index(fields=["key_result", "-at"], name="check_in_revision_latest")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.key_result} ({self.day})"


class QuarterClosingQuerySet(models.QuerySet):
    def in_force(self):
        """The closings not reopened since."""
        return self.filter(reopened_at__isnull=True)

    def of(self, team, quarter):
        """The team's closings of the quarter, the latest first (with who closed and
        reopened them): the first is in force unless reopened."""
        return (
            self.filter(team=team, quarter=quarter)
            .select_related("closed_by", "reopened_by")
            .order_by("-closed_at", "-pk")
        )


class QuarterClosing(models.Model):
    """A team's closing of a quarter: each objective graded (achieved, missed or dropped,
    with a final score and a retrospective), the unfinished ones carried over. Check-ins
    stop until a leader or an administrator reopens it, with a reason; a reopened closing
    stays, as the quarter's history."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="closings"
    )
    quarter = models.ForeignKey(
        Quarter, verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="closings"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), default=timezone.now)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopen_reason = models.TextField(_("why it was reopened"), blank=True)

    objects = QuarterClosingQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarter closing")
        verbose_name_plural = _("quarter closings")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "quarter"],
                condition=Q(reopened_at__isnull=True),
                name="one_closing_in_force_per_team_quarter",
                violation_error_message=_("The team has already closed this quarter."),
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True)
                | (Q(reopened_by__isnull=False) & ~Q(reopen_reason="")),
                name="a_reopened_closing_says_who_and_why",
            ),
        ]

    def __str__(self):
        return f"{self.team} · {self.quarter}"

    @property
    def is_in_force(self):
        return self.reopened_at is None

    @classmethod
    @transaction.atomic
    def close(cls, team, quarter, by, grades, carry_over=()):
        """Close `quarter` for `team`: `grades` maps each of its objectives to (status,
        final score, retrospective); `carry_over`, the unfinished ones to carry into the next
        quarter (Objective.carry_over). All of it, or nothing (a ValidationError)."""
        if not quarter.is_closing(timezone.localdate()):
            raise ValidationError(
                _("%(quarter)s can be closed in its last two weeks or once it has ended.")
                % {"quarter": quarter}
            )
        # Locks the team's quarter: two people closing it at once cannot both succeed.
        objectives = list(Objective.objects.filter(team=team, quarter=quarter).select_for_update())
        if cls.objects.in_force().filter(team=team, quarter=quarter).exists():
            raise ValidationError(_("The team has already closed this quarter."))
        if {o.pk for o in objectives} != {o.pk for o in grades}:
            raise ValidationError(_("Each of the quarter's objectives needs its grade."))
        for objective, (status, final_score, retrospective) in grades.items():
            if status == Objective.Status.ACTIVE:
                raise ValidationError(_("An objective is achieved, missed or dropped."))
            objective.status, objective.final_score = status, final_score
            objective.retrospective = retrospective
        Objective.objects.bulk_update(
            list(grades), ["status", "final_score", "retrospective"], batch_size=200
        )
        Objective.objects.filter(pk__in=[o.pk for o in grades]).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        TeamStanding.objects.refresh(team.pk, quarter.pk)
        carried = [objective.carry_over(by) for objective in carry_over]
        closing = cls.objects.create(team=team, quarter=quarter, closed_by=by)
        closing.carried = carried
        return closing

    def reopen(self, by, reason):
        """Open the quarter again for check-ins and grading; the reason stays."""
        reason = reason.strip()
        if not reason:
            raise ValidationError(_("Say why the quarter is reopened."))
        self.reopened_by, self.reopened_at, self.reopen_reason = by, timezone.now(), reason
        self.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])


# A team's progress as stored: the database's mean, to more places than anyone reads, so that
# a stored standing tells the same pace as the mean computed on the spot.
STORED_PROGRESS_PLACES = 20


class TeamStandingQuerySet(models.QuerySet):
    def refresh(self, team_id, quarter_id):
        """Store the standing of team `team_id` in quarter `quarter_id` as
        `Team.objects.with_standing` computes it, in one statement (in the transaction of the
        change that moved it)."""
        STANDING_QUERY.store(team=team_id, quarter=quarter_id)

    def as_stored(self):
        """{(team id, quarter id): (progress, latest confidence, latest check-in time)}: the
        stored standings that say anything (one with no figure at all is no standing)."""
        return {
            (team, quarter): figures
            for team, quarter, *figures in self.values_list(
                "team", "quarter", "progress", "latest_confidence", "latest_checked_at"
            )
            if any(figure is not None for figure in figures)
        }

    def as_computed(self):
        """`as_stored()` as a full recomputation gives it, from `Team.objects.with_standing`
        (one query per quarter), the progress rounded as its column stores it."""
        places = Decimal(10) ** -STORED_PROGRESS_PLACES
        computed = {}
        for quarter in Quarter.objects.values_list("pk", flat=True):
            teams = Team.objects.filter(
                pk__in=Objective.objects.filter(quarter=quarter).values("team")
            ).with_standing(quarter)
            for team, progress, *figures in teams.values_list(
                "pk", "progress", "latest_confidence", "latest_checked_at"
            ):
                if progress is not None:
                    progress = progress.quantize(places, ROUND_HALF_UP)
                if progress is not None or any(figure is not None for figure in figures):
                    computed[(team, quarter)] = [progress, *figures]
        return computed

    def differences(self, computed=None):
        """The (team id, quarter id) pairs whose stored standing differs from a full
        recomputation (`computed`, else `as_computed()`): missing, wrong or left over."""
        stored, computed = self.as_stored(), computed or self.as_computed()
        return sorted(
            key for key in stored.keys() | computed.keys() if stored.get(key) != computed.get(key)
        )

    @transaction.atomic
    def recompute(self):
        """Recompute every stored standing from scratch; returns the (team id, quarter id)
        pairs whose stored standing was wrong, missing or left over (now fixed)."""
        computed = self.as_computed()
        wrong = self.differences(computed)
        self.all().delete()
        self.bulk_create(
            [
                TeamStanding(
                    team_id=team,
                    quarter_id=quarter,
                    progress=progress,
                    latest_confidence=confidence,
                    latest_checked_at=checked_at,
                )
                for (team, quarter), (
                    progress,
                    confidence,
                    checked_at,
                ) in self.as_computed().items()
            ],
            batch_size=1000,
        )
        return wrong


def computed_standing(team, quarter):
    """The row TeamStanding stores for `team` in `quarter` (ids), from `with_standing`."""
    return (
        Team.objects.filter(pk=team)
        .with_standing(quarter)
        .annotate(quarter_ref=Value(quarter))
        .values_list("pk", "quarter_ref", "progress", "latest_confidence", "latest_checked_at")
    )


class TeamStanding(models.Model):
    """A team's standing in a quarter, stored: what `Team.objects.with_standing` computes
    (progress, the most cautious latest confidence, the latest check-in's time), written in
    the transaction of every check-in, key result and objective change that moves it, so that
    pages read it instead of computing it again for every team. The pace depends on the
    calendar as well, and is arithmetic at read time (`Team.objects.with_stored_standing`).

    `manage.py recompute_signals` recomputes them all, for upgrades and repairs.
    """

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="standings"
    )
    quarter = models.ForeignKey(
        Quarter, verbose_name=_("quarter"), on_delete=models.CASCADE, related_name="+"
    )
    progress = models.DecimalField(
        _("progress"),
        max_digits=STORED_PROGRESS_PLACES + 4,
        decimal_places=STORED_PROGRESS_PLACES,
        null=True,
    )
    # NULL, as `with_standing` gives it, before the first check-in.
    latest_confidence = models.CharField(  # noqa: DJ001
        _("latest confidence"), max_length=20, choices=CheckIn.Confidence.choices, null=True
    )
    latest_checked_at = models.DateTimeField(_("latest check-in"), null=True)

    objects = TeamStandingQuerySet.as_manager()

    class Meta:
        verbose_name = _("team standing")
        verbose_name_plural = _("team standings")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "quarter"], name="one_standing_per_team_quarter"
            )
        ]

    def __str__(self):
        return f"{self.team_id} · {self.quarter_id}"


STANDING_QUERY = StoredQuery(
    TeamStanding,
    ["team", "quarter", "progress", "latest_confidence", "latest_checked_at"],
    unique=["team", "quarter"],
    rows=computed_standing,
    lock_on="team",
)
