"""The stored signals (each team's standing in each quarter, its open obstacle counts, who
waits on whom) always equal a full recomputation from their definitions: after thousands of
random writes through the app's own code paths, after seeding, and after repair."""

import importlib
import random
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

from dashboard.scale import seed_scale
from objectives.forms import CheckInForm, KeyResultForm, ObjectiveForm
from objectives.models import (
    CheckIn,
    KeyResult,
    Membership,
    Objective,
    QuarterClosing,
    TeamStanding,
)
from obstacles.models import (
    Obstacle,
    TeamObstacleCounts,
    WaitingPair,
    recompute_signals,
    stored_signal_differences,
)
from tests.factories import MembershipFactory, QuarterFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

SEED = 20261130
WRITES = 2000
# A full recomputation after every this many writes (and after the last).
CHECK_EVERY = 10
# Within the last two weeks of 2026-Q1: its teams may close it, 2026-Q2 takes carry-overs.
NOW = datetime(2026, 3, 24, 9, 30, tzinfo=UTC)


def signals_wrong():
    """Every stored signal that differs from a full recomputation (empty when all agree)."""
    wrong = {"standings": TeamStanding.objects.differences(), **stored_signal_differences()}
    return {name: keys for name, keys in wrong.items() if keys}


class Organization:
    """A few teams with objectives, key results and obstacles, and the random writes the
    app's pages and API make to them, each through the form or model method they use."""

    def __init__(self, rng):
        self.rng = rng
        self.quarter = QuarterFactory(label="2026-Q1")
        self.next_quarter = QuarterFactory(label="2026-Q2")
        self.teams = [TeamFactory(is_platform=i < 2) for i in range(6)]
        self.pms = {}
        for team in self.teams:
            pm = UserFactory()
            MembershipFactory(team=team, user=pm, role=Membership.Role.PRODUCT_MANAGER)
            self.pms[team.pk] = pm
        for team in self.teams:
            for _ in range(2):
                objective = self.create_objective(team, self.quarter)
                for _ in range(2):
                    self.create_key_result(objective)

    # Objectives, key results and check-ins, as objectives.views does them.

    def create_objective(self, team, quarter):
        objective = Objective(team=team, quarter=quarter, owner=team.leader)
        data = {"title": f"Objective {self.rng.random():.6f}", "problem": "", "serves": ""}
        form = ObjectiveForm({**data, "owner": team.leader.pk}, instance=objective, team=team)
        assert form.is_valid(), form.errors
        objective.order = team.objectives.filter(quarter=quarter).count()
        return form.save()

    def key_result_data(self):
        unit = self.rng.choice(["number", "number", "percent", "milestone"])
        start = Decimal(self.rng.randint(0, 60))
        # Up, or down when there is room below the start (reduce churn from 8% to 5%).
        step = Decimal(self.rng.randint(5, 40))
        target = start - step if start > step and self.rng.random() < 0.3 else start + step
        return {
            "description": f"Key result {self.rng.random():.6f}",
            "unit": unit,
            "start_value": str(start),
            "target_value": str(target),
            "owner": "",
        }

    def create_key_result(self, objective):
        key_result = KeyResult(objective=objective, order=objective.key_results.count())
        form = KeyResultForm(self.key_result_data(), instance=key_result)
        assert form.is_valid(), form.errors
        return form.save()

    def open_objectives(self, quarter=None):
        """Objectives of quarters not closed by their team (the pages refuse the others)."""
        closed = QuarterClosing.objects.in_force().values_list("team", "quarter")
        objectives = Objective.objects.select_related("team", "quarter").order_by("pk")
        if quarter is not None:
            objectives = objectives.filter(quarter=quarter)
        return [o for o in objectives if (o.team_id, o.quarter_id) not in set(closed)]

    def pick_key_result(self, quarter=None):
        objectives = self.open_objectives(quarter)
        key_results = KeyResult.objects.filter(objective__in=objectives).order_by("pk")
        key_results = list(key_results.select_related("objective__team", "objective__quarter"))
        return self.rng.choice(key_results) if key_results else None

    def check_in_data(self, key_result):
        if key_result.is_milestone:
            value = self.rng.choice(["0", "1"])
        else:
            low, high = sorted((key_result.start_value, key_result.target_value))
            value = str(Decimal(self.rng.randint(int(low), int(high) + 5)))
        day = NOW.date() - timedelta(days=self.rng.randint(0, 20))
        return {
            "value": value,
            "confidence": self.rng.choice(CheckIn.Confidence.values),
            "day": day.isoformat(),
            "comment": "",
            "confirmed": "on",
        }

    def check_in(self):
        key_result = self.pick_key_result(self.quarter)
        if key_result is None:
            return
        author = self.pms[key_result.objective.team_id]
        form = CheckInForm(self.check_in_data(key_result), key_result=key_result, author=author)
        if form.is_valid():
            form.save()

    def correctable_check_in(self):
        objectives = self.open_objectives(self.quarter)
        check_ins = CheckIn.objects.filter(key_result__objective__in=objectives)
        check_ins = check_ins.select_related("key_result__objective__quarter", "author")
        check_ins = [c for c in check_ins.order_by("pk") if c.is_correctable()]
        return self.rng.choice(check_ins) if check_ins else None

    def correct_check_in(self):
        check_in = self.correctable_check_in()
        if check_in is None:
            return
        form = CheckInForm(
            self.check_in_data(check_in.key_result),
            key_result=check_in.key_result,
            author=check_in.author,
            check_in=check_in,
        )
        if form.is_valid():
            form.save()

    def delete_check_in(self):
        check_in = self.correctable_check_in()
        if check_in is not None:
            check_in.delete_by(check_in.author)

    def delete_check_ins_in_bulk(self):
        """As the administration's "delete selected" and the benchmark's clean-up do."""
        key_result = self.pick_key_result()
        if key_result is not None:
            CheckIn.objects.filter(key_result__objective=key_result.objective).delete()

    def new_objective(self):
        quarter = self.rng.choice([self.quarter, self.next_quarter])
        team = self.rng.choice(self.teams)
        if (team.pk, quarter.pk) in set(
            QuarterClosing.objects.in_force().values_list("team", "quarter")
        ):
            return
        objective = self.create_objective(team, quarter)
        for _ in range(self.rng.randint(0, 3)):
            self.create_key_result(objective)

    def change_objective_status(self):
        objectives = self.open_objectives()
        if not objectives:
            return
        objective = self.rng.choice(objectives)
        status = self.rng.choice(Objective.Status.values)
        data = {
            "title": objective.title,
            "problem": objective.problem,
            "serves": "",
            "owner": objective.owner_id or "",
            "status": status,
            "version": objective.version,
        }
        form = ObjectiveForm(data, instance=objective, team=objective.team)
        assert form.is_valid(), form.errors
        form.save()

    def drop_objective(self):
        objectives = [o for o in self.open_objectives() if o.status != Objective.Status.DROPPED]
        if objectives:
            self.rng.choice(objectives).drop()

    def carry_over(self):
        objectives = Objective.objects.filter(quarter=self.quarter, carried_into__isnull=True)
        objectives = [o for o in objectives.order_by("pk") if o.can_carry_over()]
        if objectives:
            objective = self.rng.choice(objectives)
            objective.carry_over(by=objective.team.leader)

    def close_or_reopen_quarter(self):
        team = self.rng.choice(self.teams)
        closing = QuarterClosing.objects.in_force().filter(team=team, quarter=self.quarter)
        if closing := closing.first():
            closing.reopen(team.leader, "A late reading came in.")
            return
        objectives = list(Objective.objects.filter(team=team, quarter=self.quarter))
        outcomes = [s for s in Objective.Status.values if s != Objective.Status.ACTIVE]
        grades = {
            o: (self.rng.choice(outcomes), Decimal("0.50"), "What we learned.") for o in objectives
        }
        carry = [
            o
            for o, (status, *_) in grades.items()
            if status != Objective.Status.ACHIEVED
            and not Objective.objects.filter(carried_from=o).exists()
            and self.rng.random() < 0.5
        ]
        QuarterClosing.close(team, self.quarter, team.leader, grades, carry_over=carry)

    def edit_key_result(self):
        key_result = self.pick_key_result()
        if key_result is None:
            return
        data = {**self.key_result_data(), "version": key_result.version}
        form = KeyResultForm(data, instance=key_result)
        assert form.is_valid(), form.errors
        form.save()

    def delete_key_result(self):
        key_result = self.pick_key_result()
        if key_result is not None:
            key_result.delete()

    def add_key_result(self):
        objectives = self.open_objectives()
        if objectives:
            self.create_key_result(self.rng.choice(objectives))

    # Obstacles, as obstacles.views and the API do them.

    def obstacle_kind(self, team):
        kind = self.rng.choice(Obstacle.Kind.values)
        fields = {"kind": kind, "blocking_team": None, "decide_by": None}
        if kind in Obstacle.NEEDS_BLOCKING_TEAM or self.rng.random() < 0.2:
            fields["blocking_team"] = self.rng.choice([t for t in self.teams if t != team])
        if kind == Obstacle.Kind.STAKEHOLDER:
            fields["decide_by"] = NOW.date() + timedelta(days=self.rng.randint(-5, 20))
        return fields

    def log_obstacle(self):
        team = self.rng.choice(self.teams)
        objectives = list(Objective.objects.filter(team=team).order_by("pk"))
        Obstacle.log(
            team=team,
            by=self.pms[team.pk],
            title=f"Obstacle {self.rng.random():.6f}",
            is_urgent=self.rng.random() < 0.2,
            severity=self.rng.randint(1, 4),
            threatened_objectives=self.rng.sample(objectives, min(len(objectives), 2)),
            **self.obstacle_kind(team),
        )

    def pick_obstacle(self, active=None):
        obstacles = Obstacle.objects.select_related("team__leader", "blocking_team")
        if active is not None:
            statuses = Obstacle.ACTIVE_STATUSES if active else Obstacle.CLOSED_STATUSES
            obstacles = obstacles.filter(status__in=statuses)
        obstacles = list(obstacles.order_by("pk"))
        return self.rng.choice(obstacles) if obstacles else None

    def edit_obstacle(self):
        obstacle = self.pick_obstacle()
        if obstacle is None:
            return
        fields = self.obstacle_kind(obstacle.team)
        if self.rng.random() < 0.5:  # the blocking team alone, where the kind allows it
            fields = {"blocking_team": fields["blocking_team"] or obstacle.blocking_team}
            if obstacle.needs_blocking_team and fields["blocking_team"] is None:
                return
        objectives = list(Objective.objects.filter(team=obstacle.team).order_by("pk"))
        threatened = self.rng.sample(objectives, min(len(objectives), self.rng.randint(0, 2)))
        obstacle.edit(obstacle.team.leader, obstacle.version, threatened, **fields)

    def change_urgency(self):
        obstacle = self.pick_obstacle(active=True)
        if obstacle is not None:
            obstacle.set_urgent(obstacle.team.leader, not obstacle.is_urgent, obstacle.version)

    def remove_obstacle(self):
        obstacle = self.pick_obstacle(active=True)
        if obstacle is None:
            return
        status = self.rng.choice((*Obstacle.CLOSED_STATUSES, Obstacle.Status.IN_PROGRESS))
        if status != obstacle.status:
            obstacle.change_status(obstacle.team.leader, status, "Sorted out.", obstacle.version)

    def reopen_obstacle(self):
        obstacle = self.pick_obstacle(active=False)
        if obstacle is not None:
            status = self.rng.choice(Obstacle.ACTIVE_STATUSES)
            obstacle.change_status(obstacle.team.leader, status, version=obstacle.version)

    WRITES = {
        "check_in": 30,
        "correct_check_in": 8,
        "delete_check_in": 5,
        "delete_check_ins_in_bulk": 1,
        "new_objective": 3,
        "change_objective_status": 5,
        "drop_objective": 2,
        "carry_over": 2,
        "close_or_reopen_quarter": 2,
        "add_key_result": 4,
        "edit_key_result": 5,
        "delete_key_result": 2,
        "log_obstacle": 12,
        "edit_obstacle": 8,
        "change_urgency": 4,
        "remove_obstacle": 6,
        "reopen_obstacle": 3,
    }

    def random_write(self):
        name = self.rng.choices(list(self.WRITES), list(self.WRITES.values()))[0]
        # Each write in its own transaction, as each request is: a refused one leaves nothing.
        with transaction.atomic():
            getattr(self, name)()
        return name


def test_stored_signals_equal_a_full_recomputation_after_random_writes(time_machine):
    time_machine.move_to(NOW, tick=False)
    org = Organization(random.Random(SEED))
    assert signals_wrong() == {}
    done = []
    for step in range(1, WRITES + 1):
        done.append(org.random_write())
        if step % CHECK_EVERY == 0 or step == WRITES:
            assert signals_wrong() == {}, f"after write {step} (seed {SEED}): {done[-CHECK_EVERY:]}"
    # Every kind of write happened, and the signals had something to show.
    assert set(done) == set(Organization.WRITES)
    assert TeamStanding.objects.filter(progress__isnull=False).count() > 3
    assert TeamObstacleCounts.objects.filter(open_obstacle_count__gt=0).count() > 3
    assert WaitingPair.objects.count() > 3


def test_recompute_signals_says_what_it_fixed(time_machine):
    time_machine.move_to(NOW, tick=False)
    org = Organization(random.Random(SEED))
    for _ in range(60):
        org.random_write()
    standing = TeamStanding.objects.filter(progress__isnull=False).first()
    TeamStanding.objects.filter(pk=standing.pk).update(progress=Decimal("0.01"))
    TeamObstacleCounts.objects.all().delete()
    pair = WaitingPair.objects.first()
    WaitingPair.objects.filter(pk=pair.pk).update(obstacle_count=99)

    output = StringIO()
    call_command("recompute_signals", stdout=output)

    said = output.getvalue()
    assert (
        f"Fixed 1 team standings: team {standing.team_id} in quarter {standing.quarter_id}." in said
    )
    assert "open obstacle counts: team" in said
    assert (
        f"Fixed 1 waiting pairs: team {pair.team_id} waiting on team {pair.blocking_team_id}."
        in said
    )
    assert signals_wrong() == {}
    output = StringIO()
    call_command("recompute_signals", stdout=output)
    assert output.getvalue().splitlines() == [
        "All team standings were right.",
        "All open obstacle counts were right.",
        "All waiting pairs were right.",
        "All quarters' obstacle figures were right.",
    ]


def test_seeded_scale_data_ends_with_its_signals_right():
    seed_scale(teams=3, seed=3, prefix="t")
    assert TeamStanding.objects.exists() and WaitingPair.objects.exists()
    assert signals_wrong() == {}


def test_recompute_signals_stores_nothing_for_an_empty_database():
    assert TeamStanding.objects.recompute() == []
    assert recompute_signals() == {"counts": [], "pairs": [], "quarters": []}
    assert not TeamStanding.objects.exists() and not TeamObstacleCounts.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_changes_to_one_team_at_once_both_count(time_machine):
    """The second of two transactions that move one team's signals stores them once the
    first has committed, from both changes: neither leaves out the other's."""
    time_machine.move_to(NOW, tick=False)
    org = Organization(random.Random(SEED))
    team = org.teams[0]
    first, second = KeyResult.objects.filter(objective__team=team, objective__quarter=org.quarter)[
        :2
    ]
    author = org.pms[team.pk]
    second_saved = threading.Event()

    def in_another_transaction():
        try:
            with transaction.atomic():
                CheckIn(
                    key_result=second,
                    value=second.target_value,
                    confidence="at_risk",
                    author=author,
                ).save()
                Obstacle.log(team=team, by=author, title="Another", kind="other")
            second_saved.set()
        finally:
            connection.close()

    with transaction.atomic():
        CheckIn(
            key_result=first, value=first.target_value, confidence="off_track", author=author
        ).save()
        Obstacle.log(team=team, by=author, title="One", kind="other")
        other = threading.Thread(target=in_another_transaction)
        other.start()
        # The other transaction waits for this one to commit before storing its signals.
        assert not second_saved.wait(timeout=1)
    other.join(timeout=30)

    assert second_saved.is_set()
    assert signals_wrong() == {}
    standing = TeamStanding.objects.get(team=team, quarter=org.quarter)
    assert standing.latest_confidence == "off_track"
    assert TeamObstacleCounts.objects.get(team=team).open_obstacle_count == 2


def test_the_migration_fills_the_signals_of_an_existing_database(time_machine):
    time_machine.move_to(NOW, tick=False)
    org = Organization(random.Random(SEED))
    for _ in range(40):
        org.random_write()
    # As a database holds them before the upgrade: its rows, and no stored signal.
    with connection.cursor() as cursor:
        for model in (TeamStanding, TeamObstacleCounts, WaitingPair):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
    assert signals_wrong()

    migration = importlib.import_module("obstacles.migrations.0008_fill_stored_signals")
    migration.fill(apps, None)

    assert signals_wrong() == {}
    assert TeamStanding.objects.exists() and TeamObstacleCounts.objects.exists()
