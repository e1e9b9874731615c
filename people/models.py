from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Count, F, Max, Min, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.models import ActionItem, OneOnOne
from headway.history import record_change
from headway.models import Session
from headway.people import display_name, in_name_order
from objectives.models import KeyResult, Membership, Objective, Team
from obstacles.models import Obstacle

User = get_user_model()


def with_teams(people):
    """Prefetches each person's memberships (with their teams) and the teams they lead:
    two queries however many people."""
    return people.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("team")),
        Prefetch("led_teams", queryset=Team.objects.active().order_by("name")),
    )


class PersonQuerySet(models.QuerySet):
    def with_teams(self):
        return with_teams(self)

    def managed_by(self, user):
        """The people `user` may deactivate and hand work over for: anyone but themselves for
        an administrator; for a leader, the members of the teams they lead (never an
        administrator)."""
        if user.is_superuser:
            return self.exclude(pk=user.pk)
        members = Membership.objects.filter(team__in=Team.objects.active().led_by(user))
        return self.filter(pk__in=members.values("user"), is_superuser=False).exclude(pk=user.pk)

    def successors(self):
        """Who can take work over: active people."""
        return in_name_order(self.filter(is_active=True))


class Person(User):
    """A person in Headway (Django's user) with what arriving, moving and leaving needs."""

    objects = PersonQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return display_name(self)

    @transaction.atomic
    def deactivate(self, by):
        """Stop their sign-in now: not active any more, every session ended. Everything they
        wrote stays, with their name. Returns how many sessions ended."""
        Person.objects.filter(pk=self.pk).update(is_active=False)
        self.is_active = False
        record_change(by, self, fields=["is_active"])
        return Session.end_all_of(self)

    def open_work(self):
        return OpenWork.of(self)

    def one_on_one_series(self):
        """Each 1:1 series the person is in, as (leader, pm, team) with `held` (how many),
        `last_held_at` and `next_at`: what an administrator may know, none of the content."""
        return (
            OneOnOne.objects.involving(self)
            .values("leader", "pm", "team")
            .annotate(
                held=Count("pk", filter=Q(held_at__isnull=False)),
                last_held_at=Max("held_at"),
                next_at=Min("scheduled_for", filter=Q(held_at__isnull=True)),
            )
            .order_by("team", "leader", "pm")
        )


@dataclass
class Series:
    """A 1:1 series the person is in, with what of it is still open: its upcoming 1:1 and
    the open action items the person owns in it."""

    leader: User
    pm: User
    team: Team
    upcoming: OneOnOne | None = None
    action_items: list = field(default_factory=list)

    def other_than(self, person):
        return self.pm if self.leader.pk == person.pk else self.leader

    def as_one_on_one(self):
        """An unsaved 1:1 of the pair, for the queries that take one (`of_pair`)."""
        return OneOnOne(leader=self.leader, pm=self.pm, team=self.team)

    @property
    def key(self):
        return (self.leader.pk, self.pm.pk, self.team.pk)


@dataclass
class OpenWork:
    """What a person still owns: what someone must take over when they leave."""

    person: Person
    obstacles: list
    objectives: list
    key_results: list
    series: list

    @classmethod
    def of(cls, person):
        obstacles = list(
            Obstacle.objects.active().filter(owner=person).select_related("team").order_by("team")
        )
        today = timezone.localdate()
        objectives = list(
            Objective.objects.filter(
                owner=person, status=Objective.Status.ACTIVE, quarter__end__gte=today
            ).select_related("team", "quarter")
        )
        key_results = list(
            KeyResult.objects.filter(
                owner=person,
                objective__status=Objective.Status.ACTIVE,
                objective__quarter__end__gte=today,
            )
            .select_related("objective__team", "objective__quarter")
            .order_by("objective__team__name", "objective", "order", "pk")
        )
        upcoming = (
            OneOnOne.objects.involving(person)
            .upcoming()
            .select_related("leader", "pm", "team")
            .order_by("scheduled_for")
        )
        items = (
            ActionItem.objects.open()
            .filter(owner=person)
            .select_related("one_on_one__leader", "one_on_one__pm", "one_on_one__team")
            .order_by(F("due_date").asc(nulls_last=True), "created_at")
        )
        series = {}
        for one_on_one in upcoming:
            pair = Series(one_on_one.leader, one_on_one.pm, one_on_one.team, upcoming=one_on_one)
            series.setdefault(pair.key, pair)
        for item in items:
            meeting = item.one_on_one
            pair = Series(meeting.leader, meeting.pm, meeting.team)
            series.setdefault(pair.key, pair).action_items.append(item)
        return cls(person, obstacles, objectives, key_results, list(series.values()))

    def __bool__(self):
        return bool(self.obstacles or self.objectives or self.key_results or self.series)

    @property
    def action_item_count(self):
        return sum(len(pair.action_items) for pair in self.series)

    def key_results_outside(self, successor):
        """The key results `successor` cannot own: those of teams they are not a member of."""
        teams = set(
            Membership.objects.filter(
                user=successor, team__in={kr.objective.team_id for kr in self.key_results}
            ).values_list("team", flat=True)
        )
        return [kr for kr in self.key_results if kr.objective.team_id not in teams]

    def series_clashes(self, successor):
        """The series `successor` cannot take over: those whose other person they are."""
        return [pair for pair in self.series if pair.other_than(self.person).pk == successor.pk]

    @transaction.atomic
    def hand_over(
        self,
        by,
        obstacles_to=None,
        objectives_to=None,
        key_results_to=None,
        key_results_to_pm=False,
        series_to=None,
        end_series=False,
    ):
        """Give what the person owns to others, in one go: each open obstacle to
        `obstacles_to` (on its timeline), each active objective to `objectives_to` (in its
        history), each key result they check in on to `key_results_to` (a member of its team)
        or, with `key_results_to_pm`, back to its team's PM (no owner of its own), and their
        side of each 1:1 series to `series_to` (hand_over_series), or, with `end_series`, end
        those series (end_series). Returns how many things moved."""
        moved = 0
        if obstacles_to:
            for obstacle in self.obstacles:
                obstacle.assign(by, obstacles_to)
                moved += 1
        if objectives_to and self.objectives:
            Objective.objects.filter(pk__in=[o.pk for o in self.objectives]).update(
                owner=objectives_to, version=F("version") + 1, updated_at=timezone.now()
            )
            for objective in self.objectives:
                objective.owner = objectives_to
                record_change(by, objective, fields=["owner"])
            moved += len(self.objectives)
        if (key_results_to or key_results_to_pm) and self.key_results:
            KeyResult.objects.filter(pk__in=[kr.pk for kr in self.key_results]).update(
                owner=key_results_to
            )
            for key_result in self.key_results:
                key_result.owner = key_results_to
                record_change(by, key_result, fields=["owner"])
            moved += len(self.key_results)
        if series_to or end_series:
            for pair in self.series:
                if series_to:
                    hand_over_series(pair, self.person, series_to)
                else:
                    end_series_of(pair, self.person)
                moved += 1
        return moved


def _is_empty(one_on_one):
    return not (
        one_on_one.shared_notes
        or one_on_one.private_notes
        or one_on_one.talking_points.exists()
        or one_on_one.action_items.exists()
        or one_on_one.discussed.exists()
    )


def hand_over_series(pair, departing, successor):
    """`successor` takes `departing`'s place in the series, from now on only.

    The 1:1s already held stay the old pair's, read by those two alone. The successor and the
    other person get an upcoming 1:1 at the same time (or keep the one they have), and to it
    move: the other person's talking points, and every open action item of the series (those
    of `departing` now owned by the successor). The old upcoming 1:1 is deleted once nothing
    is left in it; what `departing` wrote in it stays in the old pair's series.
    """
    other = pair.other_than(departing)
    leader, pm = (successor, other) if pair.leader.pk == departing.pk else (other, successor)
    old = pair.upcoming
    new = OneOnOne.objects.of_pair(leader, pm, pair.team).upcoming().first()
    if new is None and old is not None:
        new = OneOnOne.objects.create(
            leader=leader, pm=pm, team=pair.team, scheduled_for=old.scheduled_for
        )
    elif new is None:
        new = OneOnOne.next_for(leader, pm, pair.team)
    items = ActionItem.objects.open().of_pair(pair.as_one_on_one())
    items.filter(owner=departing).update(owner=successor, one_on_one=new)
    items.update(one_on_one=new)
    if old is not None:
        old.talking_points.filter(author=other).update(one_on_one=new)
        if _is_empty(old):
            old.delete()


def end_series_of(pair, departing):
    """Nobody takes `departing`'s place: the other person owns their open action items
    from now on (they see them in their 1:1s), and an upcoming 1:1 with nothing in it goes."""
    other = pair.other_than(departing)
    items = ActionItem.objects.open().of_pair(pair.as_one_on_one())
    items.filter(owner=departing).update(owner=other)
    if pair.upcoming is not None and _is_empty(pair.upcoming):
        pair.upcoming.delete()
