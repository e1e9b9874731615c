"""The quarters' obstacle figures stored for the review of the organization and of each
team (QuarterObstacleFigures) always equal those the review computes from the obstacles: after
hundreds of random writes through the app's own code paths, over quarters that pass, and
after repair; a quarter without them stored, or whose days changed, is computed instead."""

import random
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from dashboard import review, trends
from objectives.models import Quarter, Team
from obstacles.models import (
    Obstacle,
    QuarterObstacleFigures,
    quarter_figure_differences,
    store_quarter_figures,
)
from tests.factories import ObstacleFactory, QuarterFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

SEED = 20261201
WRITES = 400
CHECK_EVERY = 20
LABELS = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
# The clock starts in the first quarter and moves on by a few hours to a few days a write.
START = datetime(2025, 10, 6, 9, 0, tzinfo=UTC)


def figures(scope, quarters, stored=None):
    """What the organization's review shows of its obstacles, from `stored` or counted."""
    shown = trends.trend_quarters(quarters, scope.quarter)
    return {
        "by kind": list(review.obstacles_by_kind(scope, stored)),
        "waited on": list(review.removal_by_blocking_team(scope, stored)),
        "trends": [vars(trend) for trend in trends.quarter_trends(scope, shown, stored)],
        "bottlenecks": [vars(team) for team in trends.bottlenecks(scope, shown, stored)],
    }


def assert_stored_figures_are_right(context):
    """The stored figures equal a full recomputation, and what the review of the
    organization and of each team shows from them equals what it counts without them."""
    assert quarter_figure_differences() == [], context
    quarters = list(Quarter.objects.order_by("start"))
    for quarter in quarters:
        for team in [None, *Team.objects.order_by("pk")]:
            scope = review.Scope(quarter, team)
            stored = review.stored_figures(scope, trends.trend_quarters(quarters, quarter))
            assert stored is not None, (context, quarter, team)
            assert figures(scope, quarters, stored) == figures(scope, quarters), (
                context,
                quarter,
                team,
            )


class Organization:
    """Teams logging, editing, removing, reopening, moving and deleting obstacles as the
    pages, the API and the administration do, while the clock runs."""

    def __init__(self, rng, time_machine):
        self.rng, self.time_machine, self.now = rng, time_machine, START
        self.quarters = [QuarterFactory(label=label) for label in LABELS]
        self.teams = [TeamFactory(is_platform=i < 2) for i in range(5)]
        self.people = [UserFactory() for _ in range(3)]

    def tick(self):
        self.now += timedelta(hours=self.rng.randint(1, 40))
        self.time_machine.move_to(self.now, tick=False)

    def kind(self, team):
        kind = self.rng.choice(Obstacle.Kind.values)
        others = [other for other in self.teams if other != team]
        waits = kind in Obstacle.NEEDS_BLOCKING_TEAM or self.rng.random() < 0.3
        fields = {"kind": kind, "blocking_team": self.rng.choice(others) if waits else None}
        if kind == Obstacle.Kind.STAKEHOLDER:
            fields["decide_by"] = self.now.date() + timedelta(days=10)
        return fields

    def pick(self, active=None):
        obstacles = Obstacle.objects.order_by("pk")
        if active is not None:
            statuses = Obstacle.ACTIVE_STATUSES if active else Obstacle.CLOSED_STATUSES
            obstacles = obstacles.filter(status__in=statuses)
        obstacles = list(obstacles)
        return self.rng.choice(obstacles) if obstacles else None

    def log(self):
        team = self.rng.choice(self.teams)
        # Some logged now, some backdated into an earlier quarter (as the API may).
        opened = self.now - timedelta(days=self.rng.choice([0, 0, 3, 40, 120]))
        Obstacle.log(
            team=team,
            by=self.rng.choice(self.people),
            title="Obstacle",
            opened_at=opened,
            **self.kind(team),
        )

    def edit(self):
        obstacle = self.pick()
        if obstacle is not None:
            fields = self.kind(obstacle.team)
            obstacle.edit(obstacle.team.leader, obstacle.version, **fields)

    def close(self):
        obstacle = self.pick(active=True)
        if obstacle is not None:
            status = self.rng.choice(
                [*[Obstacle.Status.RESOLVED] * 3, *Obstacle.CLOSED_STATUSES, "in_progress"]
            )
            if status != obstacle.status:
                obstacle.change_status(obstacle.team.leader, status, "Done.", obstacle.version)

    def reopen(self):
        obstacle = self.pick(active=False)
        if obstacle is not None:
            obstacle.change_status(obstacle.team.leader, Obstacle.Status.OPEN)

    def move(self):
        """The administration's change form: another team, or other times, saved whole."""
        obstacle = self.pick()
        if obstacle is None:
            return
        if self.rng.random() < 0.5:
            others = [t for t in self.teams if t.pk not in (obstacle.team_id,)]
            obstacle.team = self.rng.choice(others)
            if obstacle.blocking_team_id == obstacle.team.pk:
                obstacle.blocking_team = None
                obstacle.kind = Obstacle.Kind.OTHER
        else:
            obstacle.opened_at -= timedelta(days=self.rng.randint(1, 60))
            if obstacle.closed_at is not None:
                obstacle.closed_at -= timedelta(days=self.rng.randint(0, 1))
                obstacle.closed_at = max(obstacle.closed_at, obstacle.opened_at)
        obstacle.save()

    def delete(self):
        obstacle = self.pick()
        if obstacle is not None:
            obstacle.delete()

    def delete_in_bulk(self):
        team = self.rng.choice(self.teams)
        Obstacle.objects.filter(team=team, kind=self.rng.choice(Obstacle.Kind.values)).delete()

    WRITES = {
        "log": 14,
        "edit": 4,
        "close": 12,
        "reopen": 2,
        "move": 2,
        "delete": 1,
        "delete_in_bulk": 1,
    }

    def random_write(self):
        self.tick()
        name = self.rng.choices(list(self.WRITES), list(self.WRITES.values()))[0]
        with transaction.atomic():
            getattr(self, name)()
        return name


def test_stored_figures_equal_the_reviews_after_random_writes(time_machine):
    org = Organization(random.Random(SEED), time_machine)
    done = []
    for step in range(1, WRITES + 1):
        done.append(org.random_write())
        if step % CHECK_EVERY == 0 or step == WRITES:
            assert_stored_figures_are_right(f"after write {step}: {done[-CHECK_EVERY:]}")
    # Every kind of write happened, over every quarter, with figures worth checking.
    assert set(done) == set(Organization.WRITES)
    assert datetime(2026, 7, 1, tzinfo=UTC) < org.now < datetime(2026, 10, 1, tzinfo=UTC)
    totals = QuarterObstacleFigures.objects.filter(team=None, kind="", blocking_team=None)
    removed = totals.filter(removed__gt=0)
    assert removed.count() == len(LABELS)
    assert QuarterObstacleFigures.objects.filter(blocking_team__isnull=False).count() > 10
    assert QuarterObstacleFigures.objects.filter(team__isnull=False, removed__gt=0).count() > 10


def test_a_quarter_whose_days_changed_is_counted_until_stored_again(time_machine):
    time_machine.move_to(datetime(2026, 2, 10, 9, 0, tzinfo=UTC), tick=False)
    quarter = QuarterFactory(label="2026-Q1")
    team = TeamFactory()
    obstacle = ObstacleFactory(team=team, kind="platform", blocking_team=TeamFactory())
    obstacle.resolve(team.leader, "Done.")
    scope = review.Scope(quarter)
    assert review.stored_figures(scope, [quarter]).totals[quarter.pk]["removed"] == 1

    Quarter.objects.filter(pk=quarter.pk).update(start=quarter.start + timedelta(days=45))
    quarter.refresh_from_db()

    assert review.stored_figures(scope, [quarter]) is None
    assert list(review.obstacles_by_kind(scope)) == []
    store_quarter_figures([quarter])
    assert review.stored_figures(scope, [quarter]).totals[quarter.pk]["removed"] == 0


def test_a_quarter_created_after_its_obstacles_is_counted_until_stored(time_machine):
    time_machine.move_to(datetime(2026, 2, 10, 9, 0, tzinfo=UTC), tick=False)
    ObstacleFactory(kind="other")
    quarter = QuarterFactory(label="2026-Q1")
    scope = review.Scope(quarter)

    assert review.stored_figures(scope, [quarter]) is None
    assert [row["logged"] for row in review.obstacles_by_kind(scope)] == [1]
    call_command("recompute_signals", stdout=StringIO())
    stored = review.stored_figures(scope, [quarter])
    assert review.obstacles_by_kind(scope, stored) == list(review.obstacles_by_kind(scope))


def test_recompute_signals_repairs_the_quarters_figures(time_machine):
    org = Organization(random.Random(SEED), time_machine)
    for _ in range(60):
        org.random_write()
    wrong = QuarterObstacleFigures.objects.filter(team=None, kind="", blocking_team=None).first()
    QuarterObstacleFigures.objects.filter(pk=wrong.pk).update(logged=999)

    output = StringIO()
    call_command("recompute_signals", stdout=output)

    assert f"Fixed 1 quarters' obstacle figures: quarter {wrong.quarter_id}." in output.getvalue()
    assert_stored_figures_are_right("after repair")
