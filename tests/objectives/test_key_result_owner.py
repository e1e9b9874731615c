"""A key result's own owner: a member of the team who checks in on it, sees it on their
home, and whom the 1:1 agenda names."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coaching.agenda import build_agenda
from headway.permissions import Action, Relation, allows
from objectives.models import CheckIn, Membership
from tests.factories import (
    KeyResultFactory,
    ObjectiveFactory,
    OneOnOneFactory,
    QuarterFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(time_machine):
    """A day in the middle of 2026-Q4."""
    time_machine.move_to(datetime(2026, 11, 16, 10, tzinfo=ZoneInfo(settings.TIME_ZONE)))


@pytest.fixture
def quarter():
    return QuarterFactory(label="2026-Q4")


@pytest.fixture
def objective(team, quarter, pm):
    return ObjectiveFactory(team=team, quarter=quarter, title="Pay in two taps", owner=pm)


@pytest.fixture
def owned(objective, tech_lead):
    """The tech lead's key result."""
    return KeyResultFactory(objective=objective, description="Wallets live", owner=tech_lead)


@pytest.fixture
def other(objective):
    """A key result of the same objective without an owner of its own."""
    return KeyResultFactory(objective=objective, description="Abandonment down")


def check_in_url(key_result):
    return reverse("objectives:check_in", args=[key_result.objective.team.slug, key_result.pk])


def entry():
    return {"value": "30", "confidence": "on_track", "day": "2026-11-16", "comment": ""}


def test_the_owner_of_a_key_result_is_a_member_of_its_team(objective, outsider, leader):
    for stranger in (outsider, leader):
        key_result = KeyResultFactory.build(objective=objective, owner=stranger)
        with pytest.raises(ValidationError) as refusal:
            key_result.full_clean()
        assert refusal.value.message_dict["owner"] == [
            "The owner of a key result is a member of the team."
        ]


def test_its_owner_checks_in_on_it_and_only_on_it(client_for, tech_lead, owned, other):
    client = client_for(tech_lead)

    response = client.post(check_in_url(owned), entry())
    refused = client.post(check_in_url(other), entry())

    assert response.status_code == 302
    assert CheckIn.objects.get().author == tech_lead
    assert refused.status_code == 403
    assert CheckIn.objects.count() == 1


def test_the_matrix_gives_the_owner_the_check_in_and_nothing_else(team, tech_lead, owned):
    relations = owned.relations_to(tech_lead, team.relations_to(tech_lead))
    assert Relation.KEY_RESULT_OWNER in relations
    assert allows(relations, Action.CHECK_IN)
    assert not allows(relations, Action.EDIT_OBJECTIVES)
    assert not allows(relations, Action.LOG_OBSTACLE)


def test_an_owner_who_left_the_team_no_longer_checks_in(client_for, team, tech_lead, owned):
    Membership.objects.filter(team=team, user=tech_lead).delete()
    assert client_for(tech_lead).post(check_in_url(owned), entry()).status_code == 403
    assert not CheckIn.objects.exists()


def test_the_pm_still_checks_in_on_a_key_result_someone_else_owns(client_for, pm, owned):
    assert client_for(pm).post(check_in_url(owned), entry()).status_code == 302


def test_the_owner_of_a_past_quarters_key_result_cannot_check_in(client_for, team, tech_lead):
    past = ObjectiveFactory(team=team, quarter=QuarterFactory(label="2026-Q2"))
    key_result = KeyResultFactory(objective=past, owner=tech_lead)
    response = client_for(tech_lead).post(check_in_url(key_result), entry())
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_the_team_page_offers_the_owner_the_check_in_of_theirs_alone(
    client_for, team, tech_lead, owned, other, quarter
):
    page = client_for(tech_lead).get(team.get_absolute_url(), {"quarter": quarter.label}).text
    assert check_in_url(owned) in page
    assert check_in_url(other) not in page
    assert "Owner: " + tech_lead.get_full_name() in page


def test_the_pm_chooses_the_owner_among_the_team_members(client_for, pm, tech_lead, owned):
    path = reverse("objectives:key_result_edit", args=[owned.objective.team.slug, owned.pk])
    page = client_for(pm).get(path)
    assert set(page.context["form"].fields["owner"].queryset) == {pm, tech_lead}
    response = client_for(pm).post(
        path,
        {
            "description": owned.description,
            "unit": owned.unit,
            "start_value": "0",
            "target_value": "100",
            "owner": pm.pk,
            "version": owned.version,
        },
    )
    owned.refresh_from_db()
    assert response.status_code == 302
    assert owned.owner == pm


def test_an_outsider_is_refused_as_owner_with_the_input_kept(client_for, pm, outsider, owned):
    path = reverse("objectives:key_result_edit", args=[owned.objective.team.slug, owned.pk])
    response = client_for(pm).post(
        path,
        {
            "description": "Wallets live everywhere",
            "unit": owned.unit,
            "start_value": "0",
            "target_value": "100",
            "owner": outsider.pk,
            "version": owned.version,
        },
    )
    assert "owner" in response.context["form"].errors
    assert "Wallets live everywhere" in response.text
    owned.refresh_from_db()
    assert (owned.owner, owned.description) != (outsider, "Wallets live everywhere")


def test_the_owner_sees_their_key_results_on_their_home(
    client_for, tech_lead, owned, other, quarter
):
    page = client_for(tech_lead).get(reverse("home"), {"quarter": quarter.label})
    assert list(page.context["owned_key_results"]) == [owned]
    assert "Key results you own" in page.text
    assert check_in_url(owned) in page.text


def test_a_home_without_key_results_of_ones_own_shows_no_such_panel(client_for, pm, owned):
    page = client_for(pm).get(reverse("home"))
    assert list(page.context["owned_key_results"]) == []
    assert "Key results you own" not in page.text


def test_the_one_on_one_agenda_names_the_owner_of_a_key_result_to_talk_about(
    client_for, team, leader, pm, tech_lead, owned
):
    UserFactory()  # someone else, to be sure the agenda names the right person
    one_on_one = OneOnOneFactory(
        team=team, leader=leader, pm=pm, scheduled_for=timezone.now() + timedelta(days=1)
    )
    agenda = build_agenda(one_on_one)
    assert [kr.owner for kr in agenda.key_results if kr.pk == owned.pk] == [tech_lead]
    page = client_for(leader).get(one_on_one.get_absolute_url())
    assert f"owner: {tech_lead.get_full_name()}" in page.text
