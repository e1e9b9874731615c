"""A check-in can be corrected or deleted by its author or the team's leader for a week after
its day; the key result's history says who changed what, and progress, pace and the chart
follow."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse
from django.utils import timezone

from objectives.models import CheckIn, CheckInRevision, KeyResult
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    QuarterFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_result(team, current_quarter):
    objective = ObjectiveFactory(team=team, quarter=current_quarter)
    return KeyResultFactory(
        objective=objective, unit=KeyResult.Unit.PERCENT, start_value=0, target_value=40
    )


@pytest.fixture
def typo(key_result, pm):
    """Sam meant 12%, typed 120."""
    return CheckInFactory(key_result=key_result, author=pm, value=120, confidence="on_track")


def edit_url(check_in):
    team = check_in.key_result.objective.team
    return reverse("objectives:check_in_edit", args=[team.slug, check_in.pk])


def delete_url(check_in):
    team = check_in.key_result.objective.team
    return reverse("objectives:check_in_delete", args=[team.slug, check_in.pk])


def corrected(value="12", confidence="at_risk", comment="Typo: 12, not 120"):
    return {
        "value": value,
        "confidence": confidence,
        "comment": comment,
        "day": timezone.localdate().isoformat(),
    }


def progress_of(key_result):
    return KeyResult.objects.with_latest_check_in().get(pk=key_result.pk).progress


@pytest.mark.parametrize("who", ["pm", "leader"])
def test_the_author_or_the_leader_corrects_a_check_in(request, client_for, typo, key_result, who):
    user = request.getfixturevalue(who)
    response = client_for(user).post(edit_url(typo), corrected())

    assert response.status_code == 302
    typo.refresh_from_db()
    assert (typo.value, typo.confidence, typo.comment) == (12, "at_risk", "Typo: 12, not 120")
    assert typo.author.username == "pm"  # still Sam's reading
    assert progress_of(key_result) == Decimal("0.3")
    revision = CheckInRevision.objects.get()
    assert (revision.kind, revision.by, revision.old_value, revision.new_value) == (
        "corrected",
        user,
        120,
        12,
    )
    assert LogEntry.objects.filter(action_flag=CHANGE, object_id=str(typo.pk)).exists()


def test_the_history_and_the_chart_follow_a_correction(client_for, typo, key_result, pm):
    client = client_for(pm)
    client.post(edit_url(typo), corrected())
    page = client.get(key_result.get_absolute_url()).text
    assert "Sam Rivera corrected the check-in of" in page
    assert "120% → 12%" in page
    assert "30%" in page  # progress 12 of 40


def test_the_author_deletes_a_check_in_and_the_history_keeps_a_trace(
    client_for, typo, key_result, pm
):
    CheckInFactory(
        key_result=key_result,
        author=pm,
        value=8,
        created_at=timezone.now() - timedelta(days=1),
    )
    client = client_for(pm)
    assert client.get(delete_url(typo)).status_code == 200

    response = client.post(delete_url(typo))

    assert response.status_code == 302
    assert not CheckIn.objects.filter(pk=typo.pk).exists()
    assert progress_of(key_result) == Decimal("0.2")  # the earlier 8 of 40 again
    revision = CheckInRevision.objects.get()
    assert (revision.kind, revision.old_value, revision.new_value) == ("deleted", 120, None)
    page = client.get(key_result.get_absolute_url()).text
    assert "Sam Rivera deleted the check-in of" in page


@pytest.mark.parametrize("who", ["tech_lead", "outsider", "another_pm"])
def test_nobody_else_corrects_or_deletes_a_check_in(request, client_for, typo, team, who):
    if who == "another_pm":
        from tests.factories import MembershipFactory

        user = UserFactory(username="second-pm")
        MembershipFactory(team=team, user=user)
    else:
        user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(edit_url(typo)).status_code == 403
    assert client.post(edit_url(typo), corrected()).status_code == 403
    assert client.post(delete_url(typo)).status_code == 403
    typo.refresh_from_db()
    assert typo.value == 120
    assert not CheckInRevision.objects.exists()


def test_after_a_week_a_check_in_stays_as_it_was(time_machine, client_for, team, pm):
    time_machine.move_to(datetime(2026, 11, 2, 9, tzinfo=UTC), tick=False)
    objective = ObjectiveFactory(team=team, quarter=QuarterFactory(label="2026-Q4"))
    old = CheckInFactory(key_result=KeyResultFactory(objective=objective), author=pm, value=120)
    client = client_for(pm)
    time_machine.move_to(old.created_at + CheckIn.CORRECTABLE_FOR - timedelta(minutes=1))
    assert edit_url(old) in client.get(old.key_result.get_absolute_url()).text

    time_machine.move_to(old.created_at + CheckIn.CORRECTABLE_FOR + timedelta(minutes=1))

    assert client.post(edit_url(old), corrected()).status_code == 403
    assert client.post(delete_url(old)).status_code == 403
    page = client.get(old.key_result.get_absolute_url()).text
    assert edit_url(old) not in page and delete_url(old) not in page
    old.refresh_from_db()
    assert old.value == 120


def test_pages_offer_correction_only_to_those_who_may(client_for, typo, key_result, pm, tech_lead):
    team_page = key_result.objective.team_page_url(f"key-result-{key_result.pk}")
    for page in (key_result.get_absolute_url(), team_page):
        assert edit_url(typo) in client_for(pm).get(page).text
        assert edit_url(typo) not in client_for(tech_lead).get(page).text


def test_a_bad_correction_keeps_the_input_and_changes_nothing(client_for, typo, pm):
    response = client_for(pm).post(edit_url(typo), corrected(value="lots"))
    assert response.status_code == 200
    assert 'value="lots"' in response.text
    typo.refresh_from_db()
    assert typo.value == 120
    assert not CheckInRevision.objects.exists()


def test_a_corrected_value_is_checked_like_a_new_one(client_for, typo, pm):
    response = client_for(pm).post(edit_url(typo), corrected(value="-1e9"))
    assert "A percentage is between 0% and 100%" in response.text
    typo.refresh_from_db()
    assert typo.value == 120


@pytest.mark.parametrize("rows", [1, 10])
def test_the_key_results_page_costs_the_same_with_more_corrections(
    client_for, key_result, pm, rows, django_assert_num_queries
):
    client = client_for(pm)
    for _ in range(rows):
        check_in = CheckInFactory(key_result=key_result, author=pm, value=10)
        client.post(edit_url(check_in), corrected())
    # (one of them: whether the team has closed the quarter)
    with django_assert_num_queries(8):
        client.get(key_result.get_absolute_url())
