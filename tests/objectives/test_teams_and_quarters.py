from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from objectives.models import Membership, Quarter, Team
from tests.factories import MembershipFactory, QuarterFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_team_slugs_are_unique(leader):
    TeamFactory(slug="checkout", leader=leader)
    with pytest.raises(IntegrityError):
        TeamFactory(slug="checkout", leader=leader)


def test_a_person_joins_a_team_once(team):
    user = UserFactory()
    MembershipFactory(team=team, user=user, role=Membership.Role.PRODUCT_MANAGER)
    with pytest.raises(IntegrityError):
        MembershipFactory(team=team, user=user, role=Membership.Role.DESIGNER)


def test_a_leader_referenced_by_a_team_cannot_be_deleted(team, leader):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        leader.delete()


def test_quarter_labels_are_unique():
    Quarter.objects.create(label="2026-Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
    with pytest.raises(IntegrityError):
        Quarter.objects.create(label="2026-Q4", start=date(2027, 10, 1), end=date(2027, 12, 31))


def test_a_quarter_ends_after_it_starts_in_the_database():
    with pytest.raises(IntegrityError):
        Quarter.objects.create(label="bad", start=date(2026, 10, 1), end=date(2026, 9, 1))


def test_a_quarter_ends_after_it_starts_with_a_message():
    quarter = Quarter(label="bad", start=date(2026, 10, 1), end=date(2026, 9, 1))
    with pytest.raises(ValidationError) as error:
        quarter.full_clean()
    assert "The last day must come after the first day." in error.value.messages


def test_quarters_do_not_overlap():
    Quarter.objects.create(label="2026-Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        Quarter.objects.create(label="odd", start=date(2026, 12, 31), end=date(2027, 3, 31))
    overlapping = Quarter(label="odd", start=date(2026, 11, 1), end=date(2027, 1, 31))
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    assert "This quarter overlaps another quarter." in error.value.messages


def test_current_quarter_contains_today(current_quarter):
    QuarterFactory(label="2019-Q1", start=date(2019, 1, 1), end=date(2019, 3, 31))
    assert Quarter.objects.current() == current_quarter


def test_calendar_quarter_for_a_day():
    quarter = Quarter.for_day(date(2026, 11, 25))
    assert (quarter.label, quarter.start, quarter.end) == (
        "2026-Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )


def test_elapsed_share_of_a_quarter():
    quarter = Quarter(label="q", start=date(2026, 10, 1), end=date(2026, 12, 31))
    assert quarter.elapsed_share(date(2026, 9, 1)) == 0
    assert quarter.elapsed_share(date(2026, 10, 1)) == pytest.approx(1 / 92)
    assert quarter.elapsed_share(date(2026, 11, 15)) == pytest.approx(46 / 92)
    assert quarter.elapsed_share(date(2027, 1, 5)) == 1


def test_the_teams_a_person_is_the_pm_of(team, pm, tech_lead, other_team):
    MembershipFactory(team=other_team, user=pm, role=Membership.Role.DESIGNER)
    assert list(Team.objects.with_pm(pm)) == [team]
    assert list(Team.objects.with_pm(tech_lead)) == []


def test_the_teams_a_person_may_change(team, leader, pm, tech_lead, other_team, admin_user):
    assert set(Team.objects.changeable_by(leader)) == {team}
    assert set(Team.objects.changeable_by(pm)) == {team}
    assert set(Team.objects.changeable_by(tech_lead)) == set()
    assert set(Team.objects.changeable_by(admin_user)) == {team, other_team}


@pytest.mark.parametrize("scale", [1, 10])
def test_each_teams_pms_in_one_query(django_assert_num_queries, scale):
    for team in TeamFactory.create_batch(scale):
        MembershipFactory(team=team, role=Membership.Role.PRODUCT_MANAGER)
        MembershipFactory(team=team, role=Membership.Role.TECH_LEAD)

    with django_assert_num_queries(2):
        teams = list(Team.objects.with_product_managers())

    assert [len(team.pm_memberships) for team in teams] == [1] * scale
    assert {m.role for team in teams for m in team.pm_memberships} == {"pm"}
