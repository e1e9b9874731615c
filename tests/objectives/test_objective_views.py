"""Creating, editing, reordering, dropping and carrying over objectives."""

from datetime import timedelta

import pytest
from django.urls import reverse

from objectives.models import Objective, Quarter
from tests.factories import KeyResultFactory, ObjectiveFactory, QuarterFactory, UserFactory

pytestmark = pytest.mark.django_db

REFUSED = ["tech_lead", "outsider"]
ALLOWED = ["pm", "leader", "admin_user"]


@pytest.fixture
def objective(team, current_quarter, pm):
    return ObjectiveFactory(team=team, quarter=current_quarter, title="Pay in two taps", owner=pm)


@pytest.fixture
def next_quarter(current_quarter):
    calendar = Quarter.for_day(current_quarter.end + timedelta(days=1))
    return QuarterFactory(label=calendar.label, start=calendar.start, end=calendar.end)


def path(name, objective):
    return reverse(f"objectives:{name}", args=[objective.team.slug, objective.pk])


def edit(objective, **changes):
    data = {
        "title": objective.title,
        "problem": objective.problem,
        "owner": objective.owner_id or "",
        "status": objective.status,
        "version": objective.version,
    }
    return {**data, **changes}


@pytest.mark.parametrize("who", ALLOWED)
def test_the_responsible_add_an_objective(request, client_for, team, current_quarter, who):
    ObjectiveFactory(team=team, quarter=current_quarter)
    create = reverse("objectives:objective_create", args=[team.slug])
    response = client_for(request.getfixturevalue(who)).post(
        create, {"title": "Cut checkout time", "problem": "Slow", "quarter": current_quarter.label}
    )
    objective = Objective.objects.get(title="Cut checkout time")
    assert response.url == reverse("objectives:key_result_create", args=[team.slug, objective.pk])
    assert (objective.team, objective.quarter, objective.order) == (team, current_quarter, 1)


@pytest.mark.parametrize("who", REFUSED)
def test_others_may_not_add_or_change_objectives(request, client_for, objective, who):
    client = client_for(request.getfixturevalue(who))
    create = reverse("objectives:objective_create", args=[objective.team.slug])
    assert client.get(create).status_code == 403
    assert client.post(create, {"title": "Mine now"}).status_code == 403
    assert (
        client.post(path("objective_edit", objective), edit(objective, title="X")).status_code
        == 403
    )
    assert client.post(path("objective_move", objective), {"direction": "up"}).status_code == 403
    assert client.post(path("objective_drop", objective)).status_code == 403
    assert client.post(path("objective_carry_over", objective)).status_code == 403
    objective.refresh_from_db()
    assert (objective.title, objective.status) == ("Pay in two taps", "active")
    assert Objective.objects.count() == 1


def test_a_title_is_required_and_input_is_kept(client_for, pm, team, current_quarter):
    create = reverse("objectives:objective_create", args=[team.slug])
    response = client_for(pm).post(create, {"title": "", "problem": "Keep me"})
    assert response.context["form"].errors["title"] == ["This field is required."]
    assert "Keep me" in response.text
    assert not Objective.objects.exists()


def test_the_owner_is_one_of_the_team(client_for, pm, objective):
    stranger = UserFactory()
    response = client_for(pm).post(
        path("objective_edit", objective), edit(objective, owner=stranger.pk)
    )
    assert "owner" in response.context["form"].errors


@pytest.mark.parametrize("who", ALLOWED)
def test_the_responsible_edit_an_objective(request, client_for, objective, who):
    client = client_for(request.getfixturevalue(who))
    response = client.post(
        path("objective_edit", objective), edit(objective, title="Pay in one tap")
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert (objective.title, objective.version) == ("Pay in one tap", 2)


def test_reordering(client_for, pm, team, current_quarter, objective):
    second = ObjectiveFactory(team=team, quarter=current_quarter, order=1)
    client_for(pm).post(path("objective_move", second), {"direction": "up"})
    assert list(team.objectives.order_by("order")) == [second, objective]


def test_move_takes_only_a_post(client_for, pm, objective):
    assert client_for(pm).get(path("objective_move", objective)).status_code == 405


def test_dropping_asks_first_then_keeps_it_marked(client_for, pm, objective):
    client = client_for(pm)
    assert "Drop this objective?" in client.get(path("objective_drop", objective)).text
    response = client.post(path("objective_drop", objective))
    assert response.url == objective.get_absolute_url()
    objective.refresh_from_db()
    assert objective.status == Objective.Status.DROPPED


def test_carrying_over_into_the_next_quarter(client_for, pm, objective, next_quarter):
    KeyResultFactory(objective=objective)
    client = client_for(pm)
    assert next_quarter.label in client.get(path("objective_carry_over", objective)).text

    response = client.post(path("objective_carry_over", objective))

    carried = Objective.objects.get(carried_from=objective)
    assert response.url == carried.get_absolute_url()
    assert carried.quarter == next_quarter
    assert carried.key_results.count() == 1


def test_carrying_over_twice_is_refused_with_a_message(client_for, pm, objective, next_quarter):
    client = client_for(pm)
    client.post(path("objective_carry_over", objective))
    response = client.post(path("objective_carry_over", objective))
    assert response.status_code == 200
    assert "already been carried over" in response.text
    assert Objective.objects.count() == 2


def test_without_a_next_quarter_carry_over_says_why(client_for, pm, objective):
    response = client_for(pm).post(path("objective_carry_over", objective))
    assert "no next quarter yet" in response.text
    assert Objective.objects.count() == 1


def test_a_past_quarter_is_read_only_but_can_be_carried_over(client_for, pm, team, current_quarter):
    calendar = Quarter.for_day(current_quarter.start - timedelta(days=1))
    past = QuarterFactory(label=calendar.label, start=calendar.start, end=calendar.end)
    old = ObjectiveFactory(team=team, quarter=past, title="Old")
    client = client_for(pm)
    create = reverse("objectives:objective_create", args=[team.slug])

    assert client.post(create + f"?quarter={past.label}", {"title": "Late"}).status_code == 403
    assert client.post(path("objective_edit", old), edit(old, title="New")).status_code == 403
    assert client.post(path("objective_drop", old)).status_code == 403
    assert client.post(path("objective_carry_over", old)).status_code == 302
    assert Objective.objects.get(carried_from=old).quarter == current_quarter
