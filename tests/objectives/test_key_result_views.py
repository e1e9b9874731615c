"""Key results: added, edited and deleted by the team's responsible people."""

import pytest
from django.urls import reverse

from objectives.models import KeyResult
from objectives.views import get_key_result
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(team, current_quarter):
    return ObjectiveFactory(team=team, quarter=current_quarter)


def create_path(objective):
    return reverse("objectives:key_result_create", args=[objective.team.slug, objective.pk])


def path(name, key_result):
    return reverse(f"objectives:{name}", args=[key_result.objective.team.slug, key_result.pk])


def key_result_data(**changes):
    return {
        "description": "Churn from 8 % to 5 %",
        "unit": "percent",
        "start_value": "8",
        "target_value": "5",
        **changes,
    }


@pytest.mark.parametrize("who", ["pm", "leader", "admin_user"])
def test_the_responsible_add_a_key_result(request, client_for, objective, who):
    response = client_for(request.getfixturevalue(who)).post(
        create_path(objective), key_result_data()
    )
    assert response.url == objective.get_absolute_url()
    key_result = objective.key_results.get()
    assert (key_result.start_value, key_result.target_value) == (8, 5)


def test_save_and_add_another(client_for, pm, objective):
    response = client_for(pm).post(create_path(objective), key_result_data(add_another="1"))
    assert response.url == create_path(objective)


@pytest.mark.parametrize("who", ["tech_lead", "outsider"])
def test_others_may_not_change_key_results(request, client_for, objective, who):
    key_result = KeyResultFactory(objective=objective, description="Keep")
    client = client_for(request.getfixturevalue(who))
    assert client.post(create_path(objective), key_result_data()).status_code == 403
    assert client.post(path("key_result_edit", key_result), key_result_data()).status_code == 403
    assert client.post(path("key_result_delete", key_result)).status_code == 403
    assert list(KeyResult.objects.values_list("description", flat=True)) == ["Keep"]


def test_a_target_equal_to_the_start_is_refused_next_to_the_target(client_for, pm, objective):
    response = client_for(pm).post(create_path(objective), key_result_data(target_value="8"))
    assert response.context["form"].errors == {
        "target_value": ["The target must differ from the start value."]
    }
    assert "Churn from 8 % to 5 %" in response.text
    assert not KeyResult.objects.exists()


def test_a_non_number_is_refused(client_for, pm, objective):
    response = client_for(pm).post(create_path(objective), key_result_data(start_value="eight"))
    assert response.context["form"].errors["start_value"] == ["Enter a number."]
    assert 'value="eight"' in response.text


def test_numbers_are_required_unless_a_milestone(client_for, pm, objective):
    response = client_for(pm).post(create_path(objective), key_result_data(target_value=""))
    assert response.context["form"].errors["target_value"] == ["Enter a number."]
    client_for(pm).post(
        create_path(objective),
        key_result_data(unit="milestone", start_value="", target_value=""),
    )
    milestone = objective.key_results.get()
    assert (milestone.start_value, milestone.target_value) == (0, 1)


def test_editing_a_key_result(client_for, leader, objective):
    key_result = KeyResultFactory(objective=objective)
    client_for(leader).post(
        path("key_result_edit", key_result), key_result_data(target_value="4", version=1)
    )
    key_result.refresh_from_db()
    assert key_result.target_value == 4


def test_deleting_asks_first_and_takes_the_check_ins(client_for, pm, objective):
    key_result = KeyResultFactory(objective=objective)
    CheckInFactory(key_result=key_result)
    client = client_for(pm)
    assert "1 check-in goes with it" in client.get(path("key_result_delete", key_result)).text
    client.post(path("key_result_delete", key_result))
    assert not KeyResult.objects.exists()


def test_fetching_one_key_result_does_not_run_the_queryset_it_is_given(objective):
    """The benchmark found every key result and check-in loaded to redraw one: a queryset
    tested for truth runs in full, prefetches included."""
    key_result = KeyResultFactory(objective=objective)
    KeyResultFactory.create_batch(3, objective=objective)
    given = KeyResult.objects.prefetch_related("check_ins")

    assert get_key_result(objective.team, key_result.pk, given) == key_result
    assert given._result_cache is None
