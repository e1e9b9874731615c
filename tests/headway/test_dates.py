"""The calendar Headway accepts (headway.dates), and the repair of rows saved before it did."""

import importlib
import pkgutil
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from coaching.models import ActionItem, OneOnOne
from headway.dates import validate_on_calendar, validate_plannable
from objectives.models import CheckIn, Quarter
from obstacles.models import Obstacle
from tests.factories import (
    ActionItemFactory,
    CheckInFactory,
    ObstacleFactory,
    OneOnOneFactory,
    QuarterFactory,
)

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "value",
    [
        date(2000, 1, 1),
        date(2099, 12, 31),
        datetime(2000, 1, 1, tzinfo=UTC),
        datetime(2099, 12, 31, 23, 59, tzinfo=UTC),
    ],
)
def test_the_calendar_runs_from_2000_to_2099(value):
    validate_on_calendar(value)


@pytest.mark.parametrize(
    "value",
    [
        date(1999, 12, 31),
        date(2100, 1, 1),
        datetime(1, 1, 1, tzinfo=PARIS),  # 1 BC once in UTC: what broke a pair's pages
        datetime(9999, 12, 31, 23, 59, tzinfo=PARIS),
    ],
)
def test_days_off_the_calendar_are_refused(value):
    with pytest.raises(ValidationError) as refusal:
        validate_on_calendar(value)
    assert refusal.value.code == "off_calendar"


def test_a_plan_runs_from_today_to_a_year_ahead():
    today = date(2026, 11, 18)
    validate_plannable(today, today=today)
    validate_plannable(today + timedelta(days=366), today=today)
    for day, code in [
        (today - timedelta(days=1), "past"),
        (today + timedelta(days=367), "too_far"),
    ]:
        with pytest.raises(ValidationError) as refusal:
            validate_plannable(day, today=today)
        assert refusal.value.code == code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "make", "field", "value"),
    [
        (Quarter, lambda: QuarterFactory(label="2026-Q4"), "end", date(2100, 3, 31)),
        (CheckIn, CheckInFactory, "created_at", datetime(1999, 12, 31, 23, tzinfo=UTC)),
        (ActionItem, ActionItemFactory, "due_date", date(2100, 1, 1)),
        (OneOnOne, OneOnOneFactory, "held_at", datetime(9999, 1, 1, tzinfo=UTC)),
        (Obstacle, ObstacleFactory, "opened_at", datetime(1, 1, 1, tzinfo=UTC)),
    ],
)
def test_the_database_refuses_days_off_the_calendar_whatever_writes_them(model, make, field, value):
    row = make()
    with pytest.raises(IntegrityError):
        model.objects.filter(pk=row.pk).update(**{field: value})


def repair_migration(app):
    """`app`'s migration that repairs the dates saved before they were checked, whatever its
    number."""
    migrations = importlib.import_module(f"{app}.migrations")
    (name,) = [
        module.name
        for module in pkgutil.iter_modules(migrations.__path__)
        if module.name.endswith("_repair_dates_off_calendar")
    ]
    return importlib.import_module(f"{app}.migrations.{name}")


def without_checks(table, *constraints):
    """Take the database's checks off `table` for this test's transaction, to write rows as
    they were written before the checks existed."""
    with connection.cursor() as cursor:
        # Foreign keys of the rows just made are checked now, as ALTER TABLE requires.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for constraint in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")


def run(statements, *params):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, *params)


@pytest.mark.django_db
def test_the_repair_sets_the_dates_that_broke_pages_back_to_sensible_ones(leader, team, pm):
    upcoming = OneOnOneFactory(team=team, leader=leader, pm=pm)
    item = ActionItemFactory(one_on_one=upcoming)
    concern = ObstacleFactory(team=team, kind="stakeholder", decide_by=date(2026, 11, 25))
    without_checks(
        "coaching_oneonone",
        "one_on_one_scheduled_for_on_calendar",
        "one_on_one_held_at_on_calendar",
    )
    without_checks("coaching_actionitem", "action_item_due_date_on_calendar")
    without_checks("obstacles_obstacle", "obstacle_decide_by_on_calendar")
    run(
        [
            # What a reschedule to 0001-01-01T00:00 in Paris stored: 1 BC.
            "UPDATE coaching_oneonone SET scheduled_for = '0001-12-31 23:50:39+00 BC'",
            "UPDATE coaching_actionitem SET due_date = '9999-12-31'",
            "UPDATE obstacles_obstacle SET decide_by = '2999-01-01'",
        ]
    )

    run(repair_migration("coaching").REPAIRS)
    run(repair_migration("obstacles").REPAIRS)

    upcoming.refresh_from_db()
    item.refresh_from_db()
    concern.refresh_from_db()
    assert upcoming.scheduled_for == upcoming.created_at
    assert item.due_date is None
    assert concern.decide_by == concern.opened_at.astimezone(UTC).date()


@pytest.mark.django_db
def test_the_repair_stops_at_a_quarter_off_the_calendar_and_names_it():
    QuarterFactory(label="2026-Q4")
    without_checks("objectives_quarter", "quarter_start_on_calendar")
    run(["UPDATE objectives_quarter SET start = '0026-10-01'"])
    repair = repair_migration("objectives")

    with pytest.raises(RuntimeError, match="Quarters 2026-Q4 have days outside"):
        repair.refuse_quarters_off_calendar(apps, None)
