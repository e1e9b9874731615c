"""Recording a check-in: inline with htmx on the team page, or as a page of its own."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.models import CheckIn, KeyResult
from tests.factories import KeyResultFactory, ObjectiveFactory, QuarterFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def key_result(team, current_quarter):
    objective = ObjectiveFactory(team=team, quarter=current_quarter)
    return KeyResultFactory(objective=objective, start_value=0, target_value=40)


def url(key_result):
    return reverse("objectives:check_in", args=[key_result.objective.team.slug, key_result.pk])


def entry(value="10", confidence="at_risk", day=None, comment="Two partners live"):
    day = day or timezone.localdate()
    return {"value": value, "confidence": confidence, "day": day.isoformat(), "comment": comment}


@pytest.mark.parametrize("who", ["pm", "leader", "admin_user"])
def test_the_responsible_record_a_check_in(request, client_for, key_result, who):
    user = request.getfixturevalue(who)
    response = client_for(user).post(url(key_result), entry())
    assert response.status_code == 302
    assert response.url.endswith(f"#key-result-{key_result.pk}")
    check_in = CheckIn.objects.get()
    assert (check_in.value, check_in.confidence, check_in.author) == (10, "at_risk", user)
    assert check_in.comment == "Two partners live"


@pytest.mark.parametrize("who", ["tech_lead", "outsider"])
def test_others_are_refused_a_check_in(request, client_for, key_result, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(key_result)).status_code == 403
    assert client.post(url(key_result), entry()).status_code == 403
    assert client.post(url(key_result), entry(), **HTMX).status_code == 403
    assert not CheckIn.objects.exists()


def test_the_form_opens_inline_for_htmx(client_for, pm, key_result):
    response = client_for(pm).get(url(key_result), **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    # The form swaps its key result, a target its slot on the team page sets once.
    assert f'data-hx-post="{url(key_result)}"' in response.text
    assert "hx-target" not in response.text
    assert 'name="value"' in response.text


def test_without_javascript_the_form_is_a_page(client_for, pm, key_result):
    response = client_for(pm).get(url(key_result))
    assert "<html" in response.text
    assert response.context["form"].initial["value"] == 0


def test_an_inline_save_redraws_the_row_the_objective_and_the_pace(client_for, pm, key_result):
    response = client_for(pm).post(url(key_result), entry(value="20"), **HTMX)

    assert response.status_code == 200
    text = response.text
    assert f'id="key-result-{key_result.pk}"' in text
    assert f'id="objective-{key_result.objective.pk}-progress" class="objective-progress"' in text
    assert 'id="team-pace" class="team-pace" data-hx-swap-oob="true"' in text
    assert "<strong>50%</strong> done" in text
    assert "Check-in saved." in text


def test_a_non_number_is_refused_next_to_the_field_with_input_kept(client_for, pm, key_result):
    response = client_for(pm).post(url(key_result), entry(value="lots"), **HTMX)

    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == f"#key-result-{key_result.pk}-check-in"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert "Enter a number." in response.text
    assert 'value="lots"' in response.text
    assert "Two partners live" in response.text
    assert not CheckIn.objects.exists()


def test_a_check_in_outside_the_quarter_is_refused(client_for, pm, key_result, current_quarter):
    before = current_quarter.start - timedelta(days=3)
    response = client_for(pm).post(url(key_result), entry(day=before))
    assert response.status_code == 200
    assert "pick a day between" in str(response.context["form"].errors["day"])
    assert not CheckIn.objects.exists()


def test_a_check_in_in_the_future_is_refused(client_for, pm, key_result):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(pm).post(url(key_result), entry(day=tomorrow))
    assert response.context["form"].errors["day"] == ["A check-in cannot be in the future."]


def test_a_milestone_takes_yes_or_no(client_for, pm, team, current_quarter):
    milestone = KeyResultFactory(
        objective=ObjectiveFactory(team=team, quarter=current_quarter),
        unit=KeyResult.Unit.MILESTONE,
        start_value=0,
        target_value=1,
    )
    client = client_for(pm)
    response = client.post(url(milestone), entry(value="0.5"))
    assert response.context["form"].errors["value"] == [
        "A milestone is either reached (yes) or not (no)."
    ]
    assert client.post(url(milestone), entry(value="1")).status_code == 302
    assert CheckIn.objects.get().value == 1


def test_a_missing_confidence_is_asked_for(client_for, pm, key_result):
    response = client_for(pm).post(url(key_result), entry(confidence=""))
    assert response.context["form"].errors["confidence"] == ["This field is required."]


def test_a_past_quarter_takes_no_check_in(client_for, pm, team):
    past = KeyResultFactory(
        objective=ObjectiveFactory(team=team, quarter=QuarterFactory(label="2021-Q2"))
    )
    response = client_for(pm).post(url(past), entry())
    assert response.status_code == 403
    assert "This quarter is closed" in response.text
    assert not CheckIn.objects.exists()


def test_another_teams_key_result_is_not_found_through_this_team(client_for, pm, team, other_team):
    foreign = KeyResultFactory(objective=ObjectiveFactory(team=other_team))
    path = reverse("objectives:check_in", args=[team.slug, foreign.pk])
    assert client_for(pm).get(path).status_code == 404


def test_cancel_brings_back_the_row(client_for, pm, key_result):
    path = reverse("objectives:key_result", args=[key_result.objective.team.slug, key_result.pk])
    response = client_for(pm).get(path, **HTMX)
    assert response.text.strip().startswith(
        f'<li class="key-result" id="key-result-{key_result.pk}"'
    )


@pytest.mark.parametrize("who", ["tech_lead", "outsider", "pm"])
def test_everyone_reads_a_key_results_history(request, client_for, key_result, who):
    path = reverse("objectives:key_result", args=[key_result.objective.team.slug, key_result.pk])
    response = client_for(request.getfixturevalue(who)).get(path)
    assert response.status_code == 200
    assert "Check-ins" in response.text
