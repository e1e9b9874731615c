from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import TruncDate
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from headway.dates import days_on_calendar, moments_on_calendar, validate_on_calendar
from headway.links import url_of
from headway.locking import Conflict, save_if_unchanged
from headway.stored import CompiledQuery
from objectives.models import Membership, Team, days_between

from .markdown import render_markdown

# A PM not seen in a 1:1 for longer than this is overdue (the article: weekly 1:1s).
OVERDUE_AFTER_DAYS = 7
DEFAULT_INTERVAL = timedelta(days=7)


class OneOnOneQuerySet(models.QuerySet):
    def render_notes(self, batch_size=500):
        """Render each 1:1's notes again (`OneOnOne.render_notes`) and store those whose HTML
        changed; returns how many 1:1s did."""
        fields = list(OneOnOne.NOTES.values())
        html = [f"{field}_html" for field in fields]
        changed = []
        for one_on_one in self.only("pk", *fields, *html).iterator(chunk_size=batch_size):
            stored = [getattr(one_on_one, name) for name in html]
            for field in fields:
                one_on_one.render_notes(field)
            if [getattr(one_on_one, name) for name in html] != stored:
                changed.append(one_on_one)
        self.model.objects.bulk_update(changed, html, batch_size=batch_size)
        return len(changed)

    def involving(self, user):
        """The 1:1s the user is in: nobody else may see them in the app."""
        return self.filter(Q(leader=user) | Q(pm=user))

    def held(self):
        return self.filter(held_at__isnull=False)

    def upcoming(self):
        return self.filter(held_at__isnull=True)

    def of_pair(self, leader, pm, team):
        return self.filter(leader=leader, pm=pm, team=team)

    def pairs(self):
        """The distinct (leader, PM, team) series these 1:1s belong to, as id triples."""
        return set(self.values_list("leader_id", "pm_id", "team_id").distinct())

    def of_series(self, pairs):
        """Every 1:1 of the given (leader, PM, team) id triples: whole series."""
        matches = Q(pk__in=[])
        for leader, pm, team in pairs:
            matches |= Q(leader_id=leader, pm_id=pm, team_id=team)
        return self.filter(matches)


def with_days_since_one_on_one(rows, today=None):
    """Adds `days_since_one_on_one` (from the day of `last_one_on_one_at` to `today`, the
    local date rather than the database's clock; NULL when they never met) and
    `one_on_one_overdue` to rows annotated with `last_one_on_one_at`."""
    today = today or timezone.localdate()
    return rows.annotate(
        days_since_one_on_one=days_between(
            Value(today, output_field=models.DateField()), TruncDate("last_one_on_one_at")
        )
    ).annotate(
        one_on_one_overdue=Case(
            models.When(last_one_on_one_at__isnull=True, then=True),
            models.When(days_since_one_on_one__gt=OVERDUE_AFTER_DAYS, then=True),
            default=False,
            output_field=models.BooleanField(),
        )
    )


def with_cadence(teams, today=None):
    """Annotate teams with their leader's last held 1:1 with the team's PM, and the days
    from then to `today`.

    `last_one_on_one_at` is NULL when they never met; `days_since_one_on_one` then too.
    """
    last = (
        OneOnOne.objects.held()
        .filter(team=OuterRef("pk"), leader=OuterRef("leader"))
        .order_by("-held_at")
        .values("held_at")[:1]
    )
    return with_days_since_one_on_one(teams.annotate(last_one_on_one_at=Subquery(last)), today)


def pairs_of(user):
    """Every 1:1 pair `user` is in, one row per product manager membership behind it: as
    the leader of an active team, one per PM of the team; as a PM, one per team, with its
    leader. Each adds `last_one_on_one_at`, `days_since_one_on_one`, `one_on_one_overdue`
    and `upcoming_one_on_one_id` (NULL when no 1:1 is coming: either side may start one)."""
    pair = OneOnOne.objects.filter(
        leader=OuterRef("team__leader"), pm=OuterRef("user"), team=OuterRef("team")
    )
    memberships = (
        Membership.objects.product_managers()
        .filter(team__archived=False)
        .filter(Q(team__leader=user) | Q(user=user))
        # A leader who is also a PM of their own team has nobody to meet there.
        .exclude(user=F("team__leader"))
        .annotate(
            last_one_on_one_at=Subquery(pair.held().order_by("-held_at").values("held_at")[:1]),
            upcoming_one_on_one_id=Subquery(pair.upcoming().values("pk")[:1]),
        )
        .select_related("user", "team__leader")
        .order_by("team__name", "user__first_name", "user__last_name", "user__username")
    )
    return with_days_since_one_on_one(memberships)


class OneOnOne(models.Model):
    """A weekly 1:1 between a leader and a team's product manager.

    The pair's meetings form a series; the next one exists before it happens so both can
    prepare. Only the two of them see it in the app; the private notes only the leader.
    """

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="one_on_ones_led",
    )
    pm = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("product manager"),
        on_delete=models.PROTECT,
        related_name="one_on_ones_attended",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="one_on_ones"
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), validators=[validate_on_calendar])
    held_at = models.DateTimeField(
        _("held"), null=True, blank=True, validators=[validate_on_calendar]
    )
    shared_notes = models.TextField(_("shared notes"), blank=True)
    shared_notes_version = models.PositiveIntegerField(default=1, editable=False)
    private_notes = models.TextField(_("leader's private notes"), blank=True)
    private_notes_version = models.PositiveIntegerField(default=1, editable=False)
    # Each text rendered and sanitized (coaching.markdown) when saved, for the preview under
    # its editor, not on every showing of the page; `manage.py render_markdown` renders them
    # again when the renderer changes. Private as the text is: only the leader reads the
    # second. The database's default keeps the columns usable by the code they replace
    # during an upgrade.
    shared_notes_html = models.TextField(editable=False, blank=True, db_default="")
    private_notes_html = models.TextField(editable=False, blank=True, db_default="")
    # How many times it was moved: calendars that show it (a person's calendar feed) take a
    # higher count as the sign that the event changed.
    times_moved = models.PositiveIntegerField(_("times moved"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OneOnOneQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_for"]
        verbose_name = _("1:1")
        verbose_name_plural = _("1:1s")
        constraints = [
            models.CheckConstraint(
                condition=~Q(leader=F("pm")), name="one_on_one_between_two_people"
            ),
            models.UniqueConstraint(
                fields=["leader", "pm", "team"],
                condition=Q(held_at__isnull=True),
                name="one_upcoming_one_on_one_per_pair",
                violation_error_message=_("This pair already has a 1:1 coming up."),
            ),
            *moments_on_calendar("one_on_one", "scheduled_for", "held_at"),
        ]
        indexes = [
            models.Index(fields=["team", "leader", "-held_at"], name="one_on_one_cadence"),
            # A pair's latest 1:1 (the dashboard's rows): one index entry, not years of them.
            models.Index(fields=["team", "leader", "-scheduled_for"], name="one_on_one_series"),
            models.Index(fields=["pm", "-scheduled_for"], name="one_on_one_pm"),
            models.Index(fields=["leader", "-scheduled_for"], name="one_on_one_leader"),
            # The 1:1s leaders held in a quarter (the review's pairs): at 200 teams, read from
            # the index alone, not filtered out of their two years of 1:1s (9-14 ms to 2).
            models.Index(
                fields=["leader", "held_at"], include=["pm", "team", "id"], name="one_on_one_held"
            ),
        ]

    NOTES = {"shared": "shared_notes", "private": "private_notes"}

    def __str__(self):
        return f"{self.leader} · {self.pm} ({self.team})"

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        for field in self.NOTES.values():
            if fields is None or field in fields:
                self.render_notes(field)
                if fields is not None:
                    fields = {*fields, f"{field}_html"}
        if fields is not None:
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return url_of("coaching:one_on_one", self.pk)

    def render_notes(self, field):
        """Render the notes `field` into `<field>_html`, sanitized (a bulk insert calls it
        itself)."""
        text = getattr(self, field)
        setattr(self, f"{field}_html", render_markdown(text) if text else "")

    def notes_as_html(self, which):
        """The shared or private notes (`which`) as HTML: rendered and sanitized when they
        were saved (rendered now if a version of Headway that did not saved them, until
        `render_markdown` runs)."""
        field = self.NOTES[which]
        text, html = getattr(self, field), getattr(self, f"{field}_html")
        if text and not html:
            return render_markdown(text)
        return mark_safe(html)  # noqa: S308 - sanitized by render_markdown

    @property
    def is_held(self):
        return self.held_at is not None

    def series(self):
        return OneOnOne.objects.of_pair(self.leader_id, self.pm_id, self.team_id)

    def clean(self):
        """A 1:1 is not held in the future, and the coming one is not set before the pair's
        last 1:1 held (its agenda starts there)."""
        if self.held_at and self.held_at > timezone.now():
            raise ValidationError({"held_at": _("A 1:1 cannot be held in the future.")})
        if self.held_at is None and self.scheduled_for and self.leader_id and self.pm_id:
            last = self.previous()
            if last and self.scheduled_for <= last.held_at:
                raise ValidationError(
                    {
                        "scheduled_for": _("Your last 1:1 was held on %(date)s: pick a later time.")
                        % {
                            "date": formats.date_format(
                                timezone.localtime(last.held_at), "DATETIME_FORMAT"
                            )
                        }
                    }
                )

    def previous(self):
        """The pair's last 1:1 held before this one."""
        held = self.series().held().exclude(pk=self.pk)
        if self.held_at:
            held = held.filter(held_at__lt=self.held_at)
        return held.order_by("-held_at").first()

    def agenda_since(self, previous):
        """The agenda covers what happened since the pair's `previous` 1:1 (or two weeks)."""
        if previous:
            return previous.held_at
        return (self.scheduled_for or timezone.now()) - 2 * DEFAULT_INTERVAL

    def save_notes(self, which, text, version):
        """Save the shared or private notes (`which`) unless someone saved them since
        `version` (headway.locking.Conflict). Each has its own version: the leader's private
        notes never conflict with the notes both write. The same text saved meanwhile (the
        same form sent twice) is no conflict."""
        field, version_field = self.NOTES[which], f"{self.NOTES[which]}_version"
        setattr(self, field, text)
        self.render_notes(field)
        try:
            save_if_unchanged(self, version, [field, f"{field}_html"], version_field=version_field)
        except Conflict as conflict:
            if getattr(conflict.current, field) != text:
                raise
            setattr(self, version_field, getattr(conflict.current, version_field))

    def move_to(self, when):
        """Reschedule it to `when`; a move to another time counts as one more move."""
        moved = (
            OneOnOne.objects.filter(pk=self.pk)
            .exclude(scheduled_for=when)
            .update(scheduled_for=when, times_moved=F("times_moved") + 1)
        )
        self.scheduled_for = when
        self.times_moved += moved

    @transaction.atomic
    def mark_held(self, when=None):
        """Record the meeting and schedule the pair's next one a week later. Talking points
        not ticked as discussed move to it, as open action items carry over: what someone
        wanted to raise is not lost because time ran out. For a 1:1 recorded already (by a
        second click, or in another tab), the next one as it is."""
        held_at = OneOnOne.objects.select_for_update().values_list("held_at", flat=True)
        self.held_at = held_at.get(pk=self.pk) or when or timezone.now()
        self.save(update_fields=["held_at"])
        upcoming = self.series().upcoming().first()
        if upcoming is None:
            upcoming = OneOnOne.objects.create(
                leader_id=self.leader_id,
                pm_id=self.pm_id,
                team_id=self.team_id,
                scheduled_for=max(self.scheduled_for, self.held_at) + DEFAULT_INTERVAL,
            )
        discussed = DiscussedItem.objects.ticked(self, "talking_point")
        self.talking_points.exclude(pk__in=discussed).update(one_on_one=upcoming)
        return upcoming

    @classmethod
    def move_series(cls, pair, team):
        """Move the whole series of `pair` (leader, PM and team ids) to another `team`, as an
        admin does on request without reading it: a series kept under the wrong team, a team
        split in two. Its two people stay: someone taking one side's place is a handover
        (the people app), which leaves the 1:1s already held to the two who held them.
        Returns how many 1:1s moved."""
        leader, pm, current = pair
        if team.pk == current:
            return 0
        if cls.objects.of_series([(leader, pm, team.pk)]).exists():
            raise ValidationError(
                _("These two already have 1:1s for %(team)s: delete one of the two series first.")
                % {"team": team}
            )
        return cls.objects.of_series([pair]).update(team=team)

    @classmethod
    def start_for(cls, by, team, pm=None):
        """The coming 1:1 of a pair `by` is in, scheduled if there is none (`next_for`):
        as `team`'s leader, with `pm`, one of its product managers; as one of its product
        managers, with its leader. None when `by` is in no such pair: either side of a pair
        starts their series, nobody else."""
        pms = team.memberships.product_managers()
        if by.pk == team.leader_id:
            if pm is None or pm.pk == by.pk or not pms.filter(user=pm).exists():
                return None
            return cls.next_for(by, pm, team)
        if pms.filter(user=by).exists():
            return cls.next_for(team.leader, by, team)
        return None

    @classmethod
    def next_for(cls, leader, pm, team):
        """The pair's coming 1:1, created a week after the last one when there is none.

        Asked twice at the same moment (two clicks, two tabs), both get the same 1:1: the
        database keeps one coming 1:1 per pair, and the second creation finds the first's.
        """
        series = cls.objects.of_pair(leader, pm, team)
        upcoming = series.upcoming().first()
        if upcoming:
            return upcoming
        last = series.held().order_by("-held_at").first()
        start = last.held_at + DEFAULT_INTERVAL if last else timezone.now() + timedelta(days=1)
        try:
            with transaction.atomic():
                return cls.objects.create(leader=leader, pm=pm, team=team, scheduled_for=start)
        except IntegrityError:
            upcoming = series.upcoming().first()
            if upcoming is None:
                raise
            return upcoming


class TalkingPoint(models.Model):
    """Something either side wants to raise at a coming 1:1."""

    one_on_one = models.ForeignKey(
        OneOnOne, verbose_name=_("1:1"), on_delete=models.CASCADE, related_name="talking_points"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="talking_points",
    )
    text = models.CharField(_("talking point"), max_length=500)
    created_at = models.DateTimeField(
        _("added"), default=timezone.now, validators=[validate_on_calendar]
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("talking point")
        verbose_name_plural = _("talking points")
        constraints = moments_on_calendar("talking_point", "created_at")

    def __str__(self):
        # Never the text: the administration names objects by their __str__ (in a user's
        # deletion page, for one), and only the pair may read what they wrote.
        return f"{self._meta.verbose_name} #{self.pk}"


class DiscussedItemQuerySet(models.QuerySet):
    def ticked(self, one_on_one, prefix):
        """The primary keys of the agenda items of kind `prefix` ("talking_point") ticked
        as discussed in `one_on_one`."""
        keys = self.filter(one_on_one=one_on_one, key__startswith=f"{prefix}:")
        pks = (key.partition(":")[2] for key in keys.values_list("key", flat=True))
        return [int(pk) for pk in pks if pk.isdigit()]


class DiscussedItem(models.Model):
    """An agenda item ticked as discussed during a 1:1 (`key` such as "obstacle:12")."""

    one_on_one = models.ForeignKey(
        OneOnOne, verbose_name=_("1:1"), on_delete=models.CASCADE, related_name="discussed"
    )
    key = models.CharField(max_length=60)

    objects = DiscussedItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("discussed item")
        verbose_name_plural = _("discussed items")
        constraints = [
            models.UniqueConstraint(fields=["one_on_one", "key"], name="discussed_once"),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def involving(self, user):
        """The action items of the 1:1s `user` is in: nobody else may see them."""
        return self.filter(one_on_one__in=OneOnOne.objects.involving(user))

    def owed_by(self, user):
        """What `user` said, in their 1:1s, they would do."""
        return self.involving(user).filter(owner=user)

    def of_pair(self, one_on_one):
        return self.filter(
            one_on_one__leader_id=one_on_one.leader_id,
            one_on_one__pm_id=one_on_one.pm_id,
            one_on_one__team_id=one_on_one.team_id,
        )

    def for_agenda(self, one_on_one):
        """Open items of the pair carried over, plus everything decided in this 1:1."""
        return self.of_pair(one_on_one).filter(Q(done_at__isnull=True) | Q(one_on_one=one_on_one))

    def overdue_for(self, owner, today):
        """The action items `owner` said they would do in their 1:1s and are late with, the
        longest overdue first, each with `days_late`."""
        return (
            self.open()
            .owed_by(owner)
            .filter(due_date__lt=today)
            .annotate(days_late=days_between(Value(today), F("due_date")))
            .select_related("one_on_one__team", "one_on_one__pm", "obstacle")
            .order_by("due_date", "created_at")
        )

    def overdue_first(self, today=None):
        today = today or timezone.localdate()
        return self.annotate(
            is_overdue=Case(
                models.When(due_date__lt=today, then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        ).order_by("-is_overdue", F("due_date").asc(nulls_last=True), "created_at")


class ActionItem(models.Model):
    """Something to do after a 1:1, often by the leader (talk to a stakeholder, find an
    engineer). Open items carry over to the pair's next 1:1 until done."""

    one_on_one = models.ForeignKey(
        OneOnOne,
        verbose_name=_("from the 1:1"),
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    text = models.CharField(_("action"), max_length=500)
    due_date = models.DateField(_("due"), null=True, blank=True, validators=[validate_on_calendar])
    obstacle = models.ForeignKey(
        "obstacles.Obstacle",
        verbose_name=_("obstacle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    done_at = models.DateTimeField(
        _("done"), null=True, blank=True, validators=[validate_on_calendar]
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, validators=[validate_on_calendar]
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            *days_on_calendar("action_item", "due_date"),
            *moments_on_calendar("action_item", "done_at", "created_at"),
        ]
        indexes = [
            models.Index(fields=["owner", "done_at", "due_date"], name="action_item_queue"),
        ]

    def __str__(self):
        # Never the text, like a talking point's (see TalkingPoint.__str__).
        return f"{self._meta.verbose_name} #{self.pk}"

    @property
    def is_done(self):
        return self.done_at is not None

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return not self.is_done and self.due_date is not None and self.due_date < today

    def set_done(self, done=True):
        self.done_at = timezone.now() if done else None
        self.save(update_fields=["done_at"])


def teams_learning_from(user):
    """The teams whose learnings `user` may record: those they lead or are a product manager
    of (every active team, for an admin). Most learnings come from a team's own work."""
    teams = Team.objects.active()
    if user.is_superuser:
        return teams
    pm_of = Membership.objects.filter(user=user, role=Membership.Role.PRODUCT_MANAGER)
    return teams.filter(Q(leader=user) | Q(pk__in=pm_of.values("team")))


class LearningQuerySet(models.QuerySet):
    def for_cards(self):
        """What a learning's card (coaching/includes/learning.html) reads, and only that: its
        text, its team's name and leader (who may share it further), the names of the teams
        it is shared with. Fifty cards in a third of the time whole rows would take."""
        return (
            self.select_related("source_team")
            .only(
                "title",
                "body",
                "body_html",
                "for_everyone",
                "created_at",
                "author",
                "source_team__name",
                "source_team__leader",
            )
            .prefetch_related(models.Prefetch("teams", Team.objects.only("name")))
        )

    def shared_with(self, team):
        """Learnings for everyone, for this team, or from it. A semi-join, not a join: each
        learning comes once, so the rows can be counted and paged in one query."""
        received = Learning.teams.through.objects.filter(team=team).values("learning")
        return self.filter(Q(for_everyone=True) | Q(source_team=team) | Q(pk__in=received))

    def search(self, text):
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A") + SearchVector("body", weight="B")
        query = SearchQuery(text, search_type="websearch")
        return (
            self.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0)
            .order_by("-rank", "-created_at", "-pk")
        )

    def render_bodies(self, batch_size=500):
        """Render each body again (`Learning.render_body`) and store those whose HTML
        changed; returns how many did."""
        changed = []
        for learning in self.only("pk", "body", "body_html").iterator(chunk_size=batch_size):
            stored = learning.body_html
            learning.render_body()
            if learning.body_html != stored:
                changed.append(learning)
        self.model.objects.bulk_update(changed, ["body_html"], batch_size=batch_size)
        return len(changed)


class Learning(models.Model):
    """Something one team learned that others should know: shared by the leader with the
    teams it concerns, or with everyone."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("what we learned"), help_text=_("Markdown is allowed."))
    # The body rendered and sanitized (coaching.markdown) when saved, not on every page that
    # shows it; `manage.py render_learnings` renders them all again when the renderer changes.
    # The database's default keeps the column usable by the code it replaces during an upgrade.
    body_html = models.TextField(editable=False, blank=True, db_default="")
    source_team = models.ForeignKey(
        Team,
        verbose_name=_("learned by"),
        on_delete=models.PROTECT,
        related_name="learnings",
    )
    for_everyone = models.BooleanField(_("share with every team"), default=False)
    teams = models.ManyToManyField(
        Team, verbose_name=_("share with"), blank=True, related_name="learnings_received"
    )
    one_on_one = models.ForeignKey(
        OneOnOne,
        verbose_name=_("from the 1:1"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learnings",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="learnings",
    )
    created_at = models.DateTimeField(
        _("shared"), default=timezone.now, validators=[validate_on_calendar]
    )

    objects = LearningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("learning")
        verbose_name_plural = _("learnings")
        constraints = moments_on_calendar("learning", "created_at")
        indexes = [models.Index(fields=["-created_at"], name="learning_latest")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.render_body()
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def render_body(self):
        """Render its body into `body_html`, sanitized (a bulk insert calls it itself)."""
        self.body_html = render_markdown(self.body)

    @property
    def body_as_html(self):
        """The body as HTML: rendered and sanitized when it was saved (rendered now if it was
        saved by a version of Headway that did not, until `render_learnings` runs)."""
        if self.body and not self.body_html:
            return render_markdown(self.body)
        return mark_safe(self.body_html)  # noqa: S308 - sanitized by render_markdown

    def may_be_shared_by(self, user):
        """Whether `user` may share it with more teams: its author, the leader of the team
        that learned it, or an admin (the permission matrix). Pages offer the link only to
        them (the `may_be_shared_by` filter)."""
        return user.is_superuser or user.pk in (self.author_id, self.source_team.leader_id)


# The latest learnings shared with a team, as its pages list them (with their team, author
# and the teams they are shared with): one query compiled once per process for each length.
LATEST_SHARED = {}


def latest_shared_with(team, count):
    """The `count` latest learnings `Learning.objects.shared_with(team)`."""
    query = LATEST_SHARED.get(count)
    if query is None:
        query = LATEST_SHARED[count] = CompiledQuery(
            lambda team: (
                Learning.objects.shared_with(team)
                .select_related("source_team", "author")
                .prefetch_related("teams")[:count]
            )
        )
    return query(team=team.pk)
