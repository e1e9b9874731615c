"""Check-ins through the API: who may record one, and the same rules as the team page."""

from datetime import date

import pytest

from objectives.models import CheckIn
from tests.factories import KeyResultFactory, ObjectiveFactory, QuarterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter(time_machine):
    time_machine.move_to(date(2026, 11, 15))
    return QuarterFactory(label="2026-Q4")


@pytest.fixture
def key_result(team, quarter):
    objective = ObjectiveFactory(team=team, quarter=quarter)
    return KeyResultFactory(objective=objective, start_value=0, target_value=40)


def url(key_result):
    return f"/api/v1/key-results/{key_result.pk}/check-ins"


READING = {"value": 12.5, "confidence": "at_risk", "comment": "Two partners live"}


@pytest.mark.parametrize("who", ["pm", "leader", "admin_user"])
def test_the_responsible_record_a_check_in(request, api_as, key_result, who):
    user = request.getfixturevalue(who)
    response = api_as(user).post(url(key_result), READING)
    assert response.status_code == 201
    body = response.json()
    assert (body["value"], body["confidence"], body["author"]["id"]) == (12.5, "at_risk", user.pk)
    check_in = CheckIn.objects.get()
    assert (check_in.value, check_in.comment, check_in.author) == (
        pytest.approx(12.5),
        "Two partners live",
        user,
    )


def test_the_key_result_shows_the_new_reading(api_as, pm, key_result):
    client = api_as(pm)
    client.post(url(key_result), READING)
    shown = client.get(f"/api/v1/key-results/{key_result.pk}").json()
    assert shown["current_value"] == 12.5 and shown["progress"] == pytest.approx(0.3125)


@pytest.mark.parametrize("who", ["tech_lead", "outsider"])
def test_others_are_refused(request, api_as, key_result, who):
    response = api_as(request.getfixturevalue(who)).post(url(key_result), READING)
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role does not allow this on this team."
    assert not CheckIn.objects.exists()


def test_a_key_results_own_owner_records_a_check_in_on_it_only(api_as, tech_lead, key_result):
    key_result.owner = tech_lead
    key_result.save()
    other = KeyResultFactory(objective=key_result.objective, start_value=0, target_value=10)
    client = api_as(tech_lead)

    assert client.post(url(key_result), READING).status_code == 201
    assert client.post(url(other), READING).status_code == 403
    assert CheckIn.objects.get().author == tech_lead


def test_no_check_in_once_the_team_has_closed_the_quarter(api_as, pm, key_result, time_machine):
    from objectives.models import QuarterClosing

    QuarterClosing.objects.create(
        team=key_result.objective.team, quarter=key_result.objective.quarter, closed_by=pm
    )

    response = api_as(pm).post(url(key_result), READING)

    assert response.status_code == 403
    assert response.json()["detail"] == "Checkout has closed 2026-Q4: its check-ins are over."
    assert not CheckIn.objects.exists()


def test_another_teams_key_result_is_refused(api_as, pm, other_team, quarter):
    theirs = KeyResultFactory(objective=ObjectiveFactory(team=other_team, quarter=quarter))
    assert api_as(pm).post(url(theirs), READING).status_code == 403
    assert not CheckIn.objects.exists()


def test_a_read_only_token_may_not_check_in(api_as, pm, key_result):
    response = api_as(pm, "read").post(url(key_result), READING)
    assert response.status_code == 403
    assert "only read" in response.json()["detail"]
    assert not CheckIn.objects.exists()


def test_an_unknown_key_result_is_not_found(api_as, pm, quarter):
    assert api_as(pm).post("/api/v1/key-results/999/check-ins", READING).status_code == 404


def test_a_past_quarters_key_result_is_history(api_as, pm, team):
    past = KeyResultFactory(
        objective=ObjectiveFactory(team=team, quarter=QuarterFactory(label="2025-Q1"))
    )
    response = api_as(pm).post(url(past), READING)
    assert response.status_code == 403
    assert "2025-Q1 has ended" in response.json()["detail"]


def test_a_day_outside_the_quarter_gets_the_forms_message(api_as, pm, key_result, quarter):
    QuarterFactory(label="2026-Q3")
    response = api_as(pm).post(url(key_result), {**READING, "day": "2026-09-30"})
    assert response.status_code == 422
    assert response.json()["errors"]["day"] == [
        "This key result belongs to 2026-Q4: pick a day between Oct. 1, 2026 and Dec. 31, 2026."
    ]
    response = api_as(pm).post(url(key_result), {**READING, "day": "2026-11-16"})
    assert response.json()["errors"]["day"] == ["A check-in cannot be in the future."]
    assert not CheckIn.objects.exists()


def test_a_check_in_on_an_earlier_day(api_as, pm, key_result):
    response = api_as(pm).post(url(key_result), {**READING, "day": "2026-11-02"})
    assert response.status_code == 201
    assert response.json()["created_at"].startswith("2026-11-02T12:00:00")


def test_bad_input_is_refused_with_a_message_for_each_field(api_as, pm, key_result):
    response = api_as(pm).post(url(key_result), {"value": "lots", "confidence": "sure"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"value", "confidence"}
    too_precise = api_as(pm).post(url(key_result), {**READING, "value": 1.234})
    assert too_precise.json()["errors"]["value"] == [
        "Ensure that there are no more than 2 decimal places."
    ]
    assert not CheckIn.objects.exists()


def test_a_milestone_is_reached_or_not(api_as, pm, team, quarter):
    milestone = KeyResultFactory(
        objective=ObjectiveFactory(team=team, quarter=quarter),
        unit="milestone",
        start_value=0,
        target_value=1,
    )
    assert api_as(pm).post(url(milestone), {**READING, "value": 0.5}).status_code == 422
    response = api_as(pm).post(url(milestone), {**READING, "value": 1})
    assert response.status_code == 201
    assert CheckIn.objects.get().value == 1


def test_messages_follow_the_clients_language(api_as, pm, key_result):
    response = api_as(pm).post(
        url(key_result), {**READING, "value": 1.234}, **{"Accept-Language": "fr"}
    )
    assert response.json()["errors"]["value"] == [
        "Assurez-vous qu’il n’y a pas plus de 2 chiffres après la virgule."
    ]
