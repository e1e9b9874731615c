"""The organization's few important problems: their rules, who keeps the list, and how an
objective says which problem it serves."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from headway.permissions import Action, Relation, allows
from objectives.forms import ObjectiveForm
from objectives.models import FOCUSED_PROBLEMS, Problem, Quarter, relations_to_organization
from tests.factories import (
    KeyResultFactory,
    ObjectiveFactory,
    ProblemFactory,
    QuarterFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("objectives:problem_create")
ALLOWED = ["leader", "admin_user"]
REFUSED = ["pm", "tech_lead", "outsider"]


@pytest.fixture(autouse=True)
def today(time_machine):
    """A day in 2026-Q4: the quarters before it are past."""
    time_machine.move_to(datetime(2026, 11, 16, 10, tzinfo=ZoneInfo(settings.TIME_ZONE)))


@pytest.fixture
def quarters():
    """Four consecutive quarters of 2026."""
    return [QuarterFactory(label=f"2026-Q{n}") for n in range(1, 5)]


@pytest.fixture
def problem(leader, team, quarters):
    return ProblemFactory(title="Paying is slow on phones", owner=leader, first_quarter=quarters[1])


def form_data(problem=None, **changes):
    data = {
        "title": "Business customers leave before booking",
        "why_it_matters": "Half of new business accounts never book.",
        "owner": "",
        "first_quarter": "",
        "last_quarter": "",
    }
    if problem is not None:
        data.update(
            title=problem.title,
            why_it_matters=problem.why_it_matters,
            owner=problem.owner_id,
            first_quarter=problem.first_quarter_id,
            last_quarter=problem.last_quarter_id or "",
        )
    return {**data, **changes}


def test_a_problem_is_worked_on_from_its_first_quarter_to_its_last(quarters, leader, team):
    q1, q2, q3, q4 = quarters
    ongoing = ProblemFactory(owner=leader, first_quarter=q2)
    ended = ProblemFactory(owner=leader, first_quarter=q1, last_quarter=q2)
    later = ProblemFactory(owner=leader, first_quarter=q4)

    assert set(Problem.objects.in_quarter(q1)) == {ended}
    assert set(Problem.objects.in_quarter(q2)) == {ongoing, ended}
    assert set(Problem.objects.in_quarter(q3)) == {ongoing}
    assert set(Problem.objects.in_quarter(q4)) == {ongoing, later}
    assert [ended.is_in(q) for q in quarters] == [True, True, False, False]
    assert [ongoing.is_in(q) for q in quarters] == [False, True, True, True]


def test_a_problem_is_owned_by_a_leader(quarters, pm, team):
    problem = Problem(title="T", why_it_matters="W", owner=pm, first_quarter=quarters[0])
    with pytest.raises(ValidationError) as refusal:
        problem.full_clean()
    assert "owner" in refusal.value.message_dict


def test_its_last_quarter_cannot_come_before_its_first(quarters, leader, team):
    problem = Problem(
        title="T",
        why_it_matters="W",
        owner=leader,
        first_quarter=quarters[2],
        last_quarter=quarters[1],
    )
    with pytest.raises(ValidationError) as refusal:
        problem.full_clean()
    assert refusal.value.message_dict == {
        "last_quarter": ["The last quarter cannot come before the first one."]
    }


def test_leaders_and_admins_manage_the_problems_nobody_else(
    team, leader, pm, tech_lead, outsider, admin_user
):
    assert relations_to_organization(leader) == {Relation.SIGNED_IN, Relation.LEADER}
    assert relations_to_organization(admin_user) == {Relation.SIGNED_IN, Relation.ADMIN}
    for allowed in (leader, admin_user):
        assert allows(relations_to_organization(allowed), Action.MANAGE_PROBLEMS)
    for refused in (pm, tech_lead, outsider):
        assert relations_to_organization(refused) == {Relation.SIGNED_IN}
        assert not allows(relations_to_organization(refused), Action.MANAGE_PROBLEMS)


def test_leading_only_archived_teams_is_not_leading(team, leader):
    team.archived = True
    team.save()
    assert Relation.LEADER not in relations_to_organization(leader)


@pytest.mark.parametrize("who", ALLOWED)
def test_a_leader_or_an_admin_adds_a_problem(request, client_for, leader, team, quarters, who):
    user = request.getfixturevalue(who)
    client = client_for(user)

    page = client.get(CREATE, {"quarter": quarters[3].label})
    response = client.post(
        CREATE, form_data(owner=leader.pk, first_quarter=quarters[3].pk, quarter="2026-Q4")
    )

    assert page.context["form"]["first_quarter"].value() == quarters[3].pk
    problem = Problem.objects.get()
    assert response.url == reverse("problems") + "?quarter=2026-Q4"
    assert (problem.owner, problem.first_quarter, problem.last_quarter) == (
        leader,
        quarters[3],
        None,
    )
    assert LogEntry.objects.get().object_id == str(problem.pk)


def test_a_leader_adding_a_problem_owns_it_unless_they_choose_another(
    client_for, leader, team, quarters
):
    page = client_for(leader).get(CREATE, {"quarter": quarters[0].label})
    assert page.context["form"]["owner"].value() == leader.pk


def test_an_admin_chooses_the_owner_among_the_leaders(client_for, admin_user, leader, team, pm):
    page = client_for(admin_user).get(CREATE, {"quarter": QuarterFactory().label})
    form = page.context["form"]
    assert form["owner"].value() is None
    assert list(form.fields["owner"].queryset) == [leader]


@pytest.mark.parametrize("who", REFUSED)
def test_others_may_not_add_change_or_delete_problems(request, client_for, problem, who):
    client = client_for(request.getfixturevalue(who))
    edit = reverse("objectives:problem_edit", args=[problem.pk])
    delete = reverse("objectives:problem_delete", args=[problem.pk])
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(owner=problem.owner_id)).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, form_data(problem, title="Mine now")).status_code == 403
    assert client.post(delete).status_code == 403
    problem.refresh_from_db()
    assert problem.title == "Paying is slow on phones"
    assert Problem.objects.count() == 1


def test_a_title_is_required_and_the_input_is_kept(client_for, leader, team, quarters):
    response = client_for(leader).post(
        CREATE,
        form_data(title="", owner=leader.pk, first_quarter=quarters[0].pk, why_it_matters="Keep"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["This field is required."]
    assert "Keep" in response.text
    assert not Problem.objects.exists()


def test_a_sixth_problem_is_added_with_a_warning(client_for, leader, team, quarters):
    for _ in range(FOCUSED_PROBLEMS):
        ProblemFactory(owner=leader, first_quarter=quarters[0])
    client = client_for(leader)

    page = client.get(CREATE, {"quarter": quarters[0].label})
    response = client.post(
        CREATE, form_data(owner=leader.pk, first_quarter=quarters[0].pk), follow=True
    )

    assert "already has 5 important problems" in page.text
    assert Problem.objects.count() == FOCUSED_PROBLEMS + 1
    assert "now has 6 important problems" in response.text


def test_the_fifth_problem_comes_without_a_warning(client_for, leader, team, quarters):
    for _ in range(FOCUSED_PROBLEMS - 1):
        ProblemFactory(owner=leader, first_quarter=quarters[0])
    response = client_for(leader).post(
        CREATE, form_data(owner=leader.pk, first_quarter=quarters[0].pk), follow=True
    )
    assert Problem.objects.count() == FOCUSED_PROBLEMS
    assert "now has" not in response.text


def test_a_leader_ends_a_problem(client_for, leader, problem, quarters):
    edit = reverse("objectives:problem_edit", args=[problem.pk])
    response = client_for(leader).post(edit, form_data(problem, last_quarter=quarters[2].pk))
    problem.refresh_from_db()
    assert response.status_code == 302
    assert problem.last_quarter == quarters[2]
    assert not problem.is_in(quarters[3])


def test_an_unused_problem_is_deleted(client_for, leader, problem):
    delete = reverse("objectives:problem_delete", args=[problem.pk])
    client = client_for(leader)
    assert "Delete the problem" in client.get(delete).text
    response = client.post(delete)
    assert response.status_code == 302
    assert not Problem.objects.exists()


def test_a_problem_objectives_serve_is_ended_not_deleted(client_for, admin_user, problem, team):
    ObjectiveFactory(team=team, quarter=problem.first_quarter, serves=problem)
    delete = reverse("objectives:problem_delete", args=[problem.pk])
    client = client_for(admin_user)

    page = client.get(delete)
    response = client.post(delete)

    assert "Delete the problem" not in page.text
    assert "Set its last quarter" in page.text
    assert response.status_code == 409
    assert Problem.objects.filter(pk=problem.pk).exists()


# An objective says which problem it serves


def test_an_objective_chooses_among_the_problems_of_its_quarter(team, leader, quarters, problem):
    ended = ProblemFactory(owner=leader, first_quarter=quarters[0], last_quarter=quarters[0])
    objective = ObjectiveFactory(team=team, quarter=quarters[2])
    form = ObjectiveForm(instance=objective, team=team)
    assert list(form.fields["serves"].queryset) == [problem]
    assert form.fields["serves"].empty_label == "None of the organization's problems"
    assert ended not in form.fields["serves"].queryset


def test_an_objective_cannot_serve_a_problem_of_other_quarters(team, leader, quarters):
    ended = ProblemFactory(owner=leader, first_quarter=quarters[0], last_quarter=quarters[0])
    objective = ObjectiveFactory(team=team, quarter=quarters[2], serves=ended)
    with pytest.raises(ValidationError) as refusal:
        objective.full_clean()
    assert refusal.value.message_dict == {
        "serves": ["This problem is not one the organization works on in 2026-Q3."]
    }


def test_a_problem_that_ended_stays_choosable_for_an_objective_already_serving_it(
    team, leader, quarters
):
    ended = ProblemFactory(owner=leader, first_quarter=quarters[0], last_quarter=quarters[0])
    objective = ObjectiveFactory(team=team, quarter=quarters[1], serves=ended)
    assert ended in ObjectiveForm(instance=objective, team=team).fields["serves"].queryset


def test_the_pm_says_which_problem_an_objective_serves(client_for, pm, team, quarters, problem):
    objective = ObjectiveFactory(team=team, quarter=quarters[3], owner=pm)
    edit = reverse("objectives:objective_edit", args=[team.slug, objective.pk])
    data = {
        "title": objective.title,
        "problem": objective.problem,
        "serves": problem.pk,
        "owner": pm.pk,
        "status": objective.status,
        "version": objective.version,
    }
    response = client_for(pm).post(edit, data)
    objective.refresh_from_db()
    assert response.status_code == 302
    assert objective.serves == problem


def test_a_carried_over_objective_keeps_serving_its_problem_while_it_lasts(
    team, pm, leader, quarters
):
    lasting = ProblemFactory(owner=leader, first_quarter=quarters[0])
    ending = ProblemFactory(owner=leader, first_quarter=quarters[0], last_quarter=quarters[0])
    first = ObjectiveFactory(team=team, quarter=quarters[0], serves=lasting)
    second = ObjectiveFactory(team=team, quarter=quarters[0], serves=ending)
    KeyResultFactory(objective=first)

    assert first.carry_over(by=pm).serves == lasting
    assert second.carry_over(by=pm).serves is None


def test_the_team_page_says_which_problem_each_objective_serves(
    client_for, outsider, team, problem, quarters
):
    ObjectiveFactory(team=team, quarter=quarters[1], title="Wallets", serves=problem)
    ObjectiveFactory(team=team, quarter=quarters[1], title="Something else")
    page = client_for(outsider).get(team.get_absolute_url(), {"quarter": quarters[1].label})
    assert "Serves:" in page.text
    assert reverse("problem", args=[problem.pk]) in page.text
    assert "Serves none of the organization" in page.text


def test_the_quarters_and_the_owner_of_a_problem_are_never_deleted_under_it(problem):
    with pytest.raises(ProtectedError):
        Quarter.objects.filter(pk=problem.first_quarter_id).delete()
    with pytest.raises(ProtectedError):
        problem.owner.delete()


def test_an_administrator_edits_problems_in_the_administration(client_for, admin_user, problem):
    page = client_for(admin_user).get(reverse("admin:objectives_problem_change", args=[problem.pk]))
    assert page.status_code == 200
    assert problem.title in page.text


def test_the_administration_refuses_staff_who_are_not_admins(client, problem):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    page = client.get(reverse("admin:objectives_problem_changelist"))
    assert page.status_code == 403
