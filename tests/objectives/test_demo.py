"""The demo data tells the story the product is for: some teams on pace, one far behind."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from objectives.models import CheckIn, Objective, Pace, Quarter, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo")


def test_every_team_has_two_to_four_objectives_of_two_to_four_key_results(demo):
    current = Quarter.objects.current()
    for team in Team.objects.all():
        objectives = team.objectives.filter(quarter=current)
        assert 2 <= objectives.count() <= 4, team
        for objective in objectives:
            assert 2 <= objective.key_results.count() <= 4, objective


def test_weekly_check_ins_since_the_quarter_began(demo):
    current = Quarter.objects.current()
    elapsed = (min(current.end, timezone.localdate()) - current.start).days
    weeks = max(0, (elapsed - 6) // 7 + 1)  # one on the last day of each week so far
    key_result = Objective.objects.filter(quarter=current).first().key_results.first()
    assert key_result.check_ins.count() == weeks


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
