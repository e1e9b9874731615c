"""A check-in's value makes sense for its key result: a percentage stays within 0–100 unless
the key result allows more, and a value far beyond the start and the target is saved only
once confirmed (a slipped decimal point should not flip a team to "On pace")."""

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.models import CheckIn, KeyResult
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def objective(team, current_quarter):
    return ObjectiveFactory(team=team, quarter=current_quarter)


@pytest.fixture
def abandonment(objective):
    """Mobile payment abandonment, from 38% down to 20%."""
    return KeyResultFactory(
        objective=objective, unit=KeyResult.Unit.PERCENT, start_value=38, target_value=20
    )


@pytest.fixture
def recovered(objective):
    """Recovered failed payments per week, from 40 to 150."""
    return KeyResultFactory(objective=objective, start_value=40, target_value=150)


def check_in(client, key_result, value, **extra):
    url = reverse("objectives:check_in", args=[key_result.objective.team.slug, key_result.pk])
    data = {
        "value": value,
        "confidence": "on_track",
        "day": timezone.localdate().isoformat(),
        **extra,
    }
    return client.post(url, data)


@pytest.mark.parametrize("value", ["-1e9", "-1", "100.5", "250"])
def test_a_percentage_outside_0_to_100_is_refused_with_the_input_kept(
    client_for, pm, abandonment, value
):
    response = check_in(client_for(pm), abandonment, value)

    assert response.status_code == 200
    assert "A percentage is between 0% and 100%" in response.text
    assert f'value="{value}"' in response.text
    assert not CheckIn.objects.exists()


def test_confirming_does_not_let_a_percentage_out_of_range(client_for, pm, abandonment):
    check_in(client_for(pm), abandonment, "-1e9", confirmed="on")
    assert not CheckIn.objects.exists()


def test_a_key_result_may_allow_percentages_beyond_100(client_for, pm, objective):
    growth = KeyResultFactory(
        objective=objective,
        unit=KeyResult.Unit.PERCENT,
        start_value=0,
        target_value=150,
        allows_any_percent=True,
    )
    assert check_in(client_for(pm), growth, "120").status_code == 302
    assert CheckIn.objects.get().value == 120


def test_a_value_far_beyond_start_and_target_asks_for_confirmation(client_for, pm, recovered):
    client = client_for(pm)
    response = check_in(client, recovered, "9000")

    assert response.status_code == 200
    assert "far beyond this key result's start (40) and target (150)" in response.text.replace(
        "&#x27;", "'"
    )
    assert 'name="confirmed"' in response.text
    assert 'value="9000"' in response.text
    assert not CheckIn.objects.exists()

    response = check_in(client, recovered, "9000", confirmed="on")

    assert response.status_code == 302
    assert CheckIn.objects.get().value == 9000


def test_a_negative_count_asks_for_confirmation(client_for, pm, recovered):
    response = check_in(client_for(pm), recovered, "-3")
    assert "below zero" in response.text
    assert not CheckIn.objects.exists()


def test_a_plausible_value_is_saved_without_a_question(client_for, pm, recovered):
    # Beyond the target, as a good quarter goes, but not absurdly.
    assert check_in(client_for(pm), recovered, "180").status_code == 302
    assert CheckIn.objects.get().value == 180


def test_the_inline_form_asks_for_confirmation_in_place(client_for, pm, recovered):
    url = reverse("objectives:check_in", args=[recovered.objective.team.slug, recovered.pk])
    data = {"value": "9000", "confidence": "on_track", "day": timezone.localdate().isoformat()}
    response = client_for(pm).post(url, data, **HTMX)
    assert "<html" not in response.text
    assert 'name="confirmed"' in response.text
    assert not CheckIn.objects.exists()


def test_a_percent_key_result_starts_and_ends_within_0_to_100(client_for, pm, objective):
    url = reverse("objectives:key_result_create", args=[objective.team.slug, objective.pk])
    response = client_for(pm).post(
        url,
        {
            "description": "Abandonment",
            "unit": "percent",
            "start_value": "38",
            "target_value": "120",
        },
    )
    assert response.status_code == 200
    assert "A percentage is between 0% and 100%" in response.text
    assert not KeyResult.objects.exists()


def test_the_database_keeps_a_percentage_in_range(abandonment, pm):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        KeyResult.objects.filter(pk=abandonment.pk).update(target_value=150)
