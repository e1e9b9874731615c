from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from headway.permissions import Relation


class TeamQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived=False)

    def led_by(self, user):
        return self.filter(leader=user)

    def with_member(self, user, role=None):
        memberships = Membership.objects.filter(user=user)
        if role:
            memberships = memberships.filter(role=role)
        return self.filter(pk__in=memberships.values("team"))


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
        return reverse("team", args=[self.slug])

    def relations_to(self, user):
        """The user's relations to this team, for `headway.permissions.allows`."""
        if not user.is_authenticated:
            return set()
        relations = {Relation.SIGNED_IN}
        if user.is_superuser:
            relations.add(Relation.ADMIN)
        if self.leader_id == user.pk:
            relations.add(Relation.LEADER)
        roles = set(self.memberships.filter(user=user).values_list("role", flat=True))
        if Membership.Role.PRODUCT_MANAGER in roles:
            relations.add(Relation.PM)
        if roles:
            relations.add(Relation.MEMBER)
        return relations


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
        today = timezone.localdate()
        return (
            self.containing(today).first()
            or self.filter(start__lte=today).order_by("-start").first()
            or self.order_by("start").first()
        )


class Quarter(models.Model):
    """A planning period such as 2026-Q4. Quarters never overlap; end is the last day."""

    label = models.CharField(_("label"), max_length=20, unique=True)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))

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


class Objective(models.Model):
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
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
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

    class Meta:
        ordering = ["team", "quarter", "order", "pk"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        indexes = [models.Index(fields=["quarter", "team", "order"], name="objective_quarter_team")]

    def __str__(self):
        return self.title


class KeyResult(models.Model):
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
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

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
        ]

    def __str__(self):
        return self.description


class CheckIn(models.Model):
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
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["key_result", "-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [
            models.Index(fields=["key_result", "-created_at", "-id"], name="check_in_latest_first"),
        ]

    def __str__(self):
        return f"{self.key_result}: {self.value}"
