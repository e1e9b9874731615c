"""A team's pace in a quarter: its progress against the share of the quarter elapsed."""

from datetime import timedelta
from decimal import Decimal

import pytest

from objectives.models import (
    AT_RISK_GAP,
    OFF_TRACK_GAP,
    CheckIn,
    KeyResult,
    Objective,
    Pace,
    Standing,
    Team,
    pace_for,
    paced_objectives,
    with_figures,
    with_latest_from_history,
)
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    QuarterFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter():
    return QuarterFactory(label="2026-Q4")


@pytest.fixture
def midway(quarter):
    """The day when half of the quarter has elapsed (46 of its 92 days)."""
    return quarter.start + timedelta(days=45)


def team_with_progress(quarter, *values, team=None, confidence=CheckIn.Confidence.ON_TRACK):
    """A team whose one objective has a key result per value, each checked in at it (%)."""
    team = team or TeamFactory()
    objective = ObjectiveFactory(team=team, quarter=quarter)
    for value in values:
        key_result = KeyResultFactory(objective=objective, start_value=0, target_value=100)
        CheckInFactory(key_result=key_result, value=value, confidence=confidence)
    return team


def pace_of(team, quarter, today):
    """The team's standing as the database computes it (`with_pace`), checked against the
    one the team page computes from its objectives (`Standing.of`): one definition, two
    implementations that must never disagree."""
    in_sql = Team.objects.with_pace(quarter, today).get(pk=team.pk)
    objectives = team.objectives.filter(quarter=quarter).with_progress(today)
    from_rows = Standing.of(objectives, quarter, today)
    assert from_rows.expected == in_sql.expected
    assert from_rows.pace == in_sql.pace
    assert from_rows.latest_confidence == in_sql.latest_confidence
    assert from_rows.latest_checked_at == in_sql.latest_checked_at
    if in_sql.progress is None:
        assert from_rows.progress is None
    else:
        assert from_rows.progress == pytest.approx(in_sql.progress, abs=Decimal("1e-12"))
    return in_sql


def test_expected_progress_matches_the_share_of_the_quarter_elapsed(quarter, midway):
    team = team_with_progress(quarter, 50)
    for today in (quarter.start - timedelta(1), quarter.start, midway, quarter.end + timedelta(9)):
        expected = pace_of(team, quarter, today).expected
        assert expected == round(Decimal(quarter.elapsed_share(today)), 4)


@pytest.mark.parametrize(
    ("value", "pace"),
    [(60, Pace.ON_TRACK), (40, Pace.ON_TRACK), (39, Pace.AT_RISK), (25, Pace.AT_RISK)],
)
def test_pace_from_the_gap_to_where_the_team_should_be(quarter, midway, value, pace):
    team = team_with_progress(quarter, value)
    assert pace_of(team, quarter, midway).pace == pace


def test_far_behind_is_off_track(quarter, midway):
    team = team_with_progress(quarter, 10, 20)
    standing = pace_of(team, quarter, midway)
    assert standing.progress == Decimal("0.15")
    assert standing.expected == Decimal("0.5")
    assert standing.pace == Pace.OFF_TRACK


def test_sql_and_python_paces_agree_on_the_thresholds():
    half = Decimal("0.5")
    assert pace_for(half - AT_RISK_GAP, half) == Pace.ON_TRACK
    assert pace_for(half - AT_RISK_GAP - Decimal("0.0001"), half) == Pace.AT_RISK
    assert pace_for(half - OFF_TRACK_GAP, half) == Pace.AT_RISK
    assert pace_for(half - OFF_TRACK_GAP - Decimal("0.0001"), half) == Pace.OFF_TRACK
    assert pace_for(None, half) is None


def test_team_progress_is_the_mean_of_its_objectives_that_count(quarter, midway):
    team = team_with_progress(quarter, 100)
    team_with_progress(quarter, 0, 50, team=team)  # an objective at 25 %
    dropped = team_with_progress(quarter, 0, team=TeamFactory())
    Objective.objects.filter(team=dropped).update(status=Objective.Status.DROPPED)
    team_with_progress(quarter, 0, team=team)
    Objective.objects.filter(team=team).order_by("-pk").first().drop()

    assert pace_of(team, quarter, midway).progress == Decimal("0.625")
    assert pace_of(dropped, quarter, midway).progress is None


def test_other_quarters_do_not_count(quarter, midway):
    team = team_with_progress(quarter, 60)
    team_with_progress(QuarterFactory(label="2026-Q3"), 0, team=team)
    assert pace_of(team, quarter, midway).progress == Decimal("0.6")


def test_a_team_without_objectives_has_no_pace(quarter, midway):
    team = TeamFactory()
    standing = pace_of(team, quarter, midway)
    assert (standing.progress, standing.pace, standing.latest_confidence) == (None, None, None)
    assert standing.expected == Decimal("0.5")


def test_the_teams_judgement_is_its_most_cautious_latest_confidence(quarter, midway):
    team = team_with_progress(quarter, 60)
    team_with_progress(quarter, 60, team=team, confidence=CheckIn.Confidence.AT_RISK)
    standing = pace_of(team, quarter, midway)
    assert standing.latest_confidence == CheckIn.Confidence.AT_RISK
    assert standing.latest_checked_at == CheckIn.objects.latest().created_at


def test_pace_for_every_team_in_one_query(quarter, midway, django_assert_num_queries):
    for _ in range(10):
        team_with_progress(quarter, 10, 50, 90)
    with django_assert_num_queries(1):
        standings = list(Team.objects.with_pace(quarter, midway))
    assert {t.pace for t in standings} == {Pace.ON_TRACK}


def test_objective_and_key_result_paces_from_rows_are_those_of_sql(quarter, midway):
    """`paced_objectives` (the 1:1 agenda) against `with_progress` and `with_pace`: one
    definition, two implementations that must never disagree."""
    team = TeamFactory()
    mixed = ObjectiveFactory(team=team, quarter=quarter, order=1)
    for value, confidence in [(10, "at_risk"), (45, "on_track"), (80, "off_track")]:
        key_result = KeyResultFactory(objective=mixed, start_value=0, target_value=100)
        CheckInFactory(key_result=key_result, value=value, confidence=confidence)
    KeyResultFactory(objective=mixed, start_value=100, target_value=40)  # no check-in yet
    reached = ObjectiveFactory(team=team, quarter=quarter, order=2)
    milestone = KeyResultFactory(objective=reached, unit="milestone", start_value=0, target_value=1)
    CheckInFactory(key_result=milestone, value=1)
    below = KeyResultFactory(objective=reached, start_value=8, target_value=5)
    CheckInFactory(key_result=below, value=7)
    key_results = list(
        KeyResult.objects.filter(objective__team=team)
        .with_latest_check_in()
        .select_related("objective")
        .order_by("objective__order", "order", "pk")
    )

    objectives = paced_objectives(key_results, quarter.expected_share(midway))

    in_sql = {o.pk: o for o in Objective.objects.filter(team=team).with_progress(midway)}
    assert [o.pk for o in objectives] == [mixed.pk, reached.pk]
    for objective in objectives:
        sql = in_sql[objective.pk]
        assert objective.progress == pytest.approx(sql.progress, abs=Decimal("1e-12"))
        for figure in ("expected", "pace", "latest_confidence", "latest_checked_at"):
            assert getattr(objective, figure) == getattr(sql, figure), figure
    paced = {kr.pk: kr for kr in KeyResult.objects.filter(objective__team=team).with_pace(midway)}
    assert [kr.pace for kr in key_results] == [paced[kr.pk].pace for kr in key_results]
    assert {kr.pace for kr in key_results} >= {Pace.OFF_TRACK, Pace.ON_TRACK, None}
    assert all(kr.objective is objectives[kr.objective.order - 1] for kr in key_results)


def test_latest_figures_from_the_history_are_those_of_sql(quarter, midway):
    """`with_latest_from_history` (the team page, the key result page, a saved check-in)
    against `with_latest_check_in`, ties on the same moment included."""
    from django.db.models import Prefetch

    objective = ObjectiveFactory(quarter=quarter)
    never = KeyResultFactory(objective=objective, start_value=100, target_value=40)
    twice = KeyResultFactory(objective=objective, start_value=0, target_value=100)
    first = CheckInFactory(key_result=twice, value=30, confidence="on_track")
    CheckInFactory(key_result=twice, value=55, confidence="at_risk", created_at=first.created_at)
    check_ins = CheckIn.objects.with_progress().order_by("created_at", "pk")
    history = KeyResult.objects.prefetch_related(Prefetch("check_ins", queryset=check_ins))
    in_sql = {kr.pk: kr for kr in KeyResult.objects.with_latest_check_in()}

    for key_result in history.filter(pk__in=[never.pk, twice.pk]):
        with_latest_from_history(key_result)
        sql = in_sql[key_result.pk]
        for figure in ("latest_value", "progress", "latest_confidence", "latest_checked_at"):
            assert getattr(key_result, figure) == getattr(sql, figure), figure
    assert in_sql[twice.pk].latest_confidence == "at_risk"


def test_an_objective_without_key_results_has_no_progress_from_rows_either(quarter, midway):
    objective = ObjectiveFactory(quarter=quarter)
    sql = Objective.objects.with_progress(midway).get(pk=objective.pk)
    from_rows = with_figures(objective, [], quarter.expected_share(midway))
    assert (from_rows.progress, from_rows.pace, from_rows.latest_confidence) == (None, None, None)
    assert (sql.progress, sql.pace, sql.latest_confidence) == (None, None, None)
