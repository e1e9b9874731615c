"""The demo data tells the story the product is for: some teams on pace, one far behind,
on whichever day it is seeded."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from objectives.models import CheckIn, Objective, Pace, Quarter, Team

pytestmark = pytest.mark.django_db

# The first, a middle and the last day of a quarter, and a leap day.
SEED_DAYS = [date(2027, 1, 1), date(2027, 2, 14), date(2027, 3, 31), date(2028, 2, 29)]


@pytest.fixture(params=SEED_DAYS, ids=str)
def demo(request, time_machine):
    time_machine.move_to(
        datetime.combine(request.param, time(11), tzinfo=ZoneInfo(settings.TIME_ZONE))
    )
    call_command("seed_demo")


def test_every_team_has_two_to_four_objectives_of_two_to_four_key_results(demo):
    current = Quarter.objects.current()
    for team in Team.objects.all():
        objectives = team.objectives.filter(quarter=current)
        assert 2 <= objectives.count() <= 4, team
        for objective in objectives:
            assert 2 <= objective.key_results.count() <= 4, objective


def test_weekly_check_ins_up_to_the_day_it_is_seeded(demo):
    current, today = Quarter.objects.current(), timezone.localdate()
    weeks = (today - current.start).days // 7 + 1
    key_result = Objective.objects.filter(quarter=current).first().key_results.first()
    days = [timezone.localdate(c.created_at) for c in key_result.check_ins.order_by("created_at")]
    assert len(days) == weeks
    assert days[-1] == today


def test_some_teams_on_pace_and_onboarding_far_behind(demo):
    standings = {t.slug: t.pace for t in Team.objects.with_pace(Quarter.objects.current())}
    assert standings["checkout"] == Pace.ON_TRACK
    if Quarter.objects.current().elapsed_share() > 0.4:
        assert standings["onboarding"] == Pace.OFF_TRACK
        assert Pace.AT_RISK in standings.values()


def test_the_previous_quarter_has_history_and_a_carried_over_objective(demo):
    current = Quarter.objects.current()
    previous = Quarter.objects.filter(end__lt=current.start).latest("start")
    carried = Objective.objects.get(team__slug="onboarding", quarter=current, order=0)
    assert carried.carried_from.quarter == previous
    assert CheckIn.objects.filter(key_result__objective__quarter=previous).count() > 50


def test_seeding_twice_changes_nothing(demo):
    counts = (Objective.objects.count(), CheckIn.objects.count())
    call_command("seed_demo")
    assert (Objective.objects.count(), CheckIn.objects.count()) == counts
