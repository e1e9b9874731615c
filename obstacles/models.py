from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives.models import Objective, Team


class Obstacle(models.Model):
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
    decide_by = models.DateField(_("decide by"), null=True, blank=True)
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
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

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
        ]
        indexes = [
            models.Index(fields=["team", "status"], name="obstacle_team_status"),
            models.Index(fields=["blocking_team", "status"], name="obstacle_blocking_status"),
            models.Index(fields=["status", "is_urgent"], name="obstacle_status_urgent"),
            models.Index(fields=["opened_at"], name="obstacle_opened"),
            models.Index(fields=["last_activity_at"], name="obstacle_last_activity"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("obstacles:obstacle", args=[self.pk])

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES


class ObstacleEvent(models.Model):
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
    from_value = models.CharField(_("from"), max_length=200, blank=True)
    to_value = models.CharField(_("to"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["obstacle", "created_at", "pk"]
        verbose_name = _("obstacle event")
        verbose_name_plural = _("obstacle events")
        indexes = [models.Index(fields=["obstacle", "created_at"], name="obstacle_event_timeline")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.obstacle}"
