"""The administration of people: teams, roles, 1:1 series and last sign-in at a glance."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from headway.models import Identity
from objectives.models import Membership
from tests.factories import MembershipFactory, OneOnOneFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:auth_user_changelist")


def test_the_list_shows_teams_roles_last_sign_in_and_single_sign_on(
    client_for, admin_user, pm, leader
):
    Identity.objects.create(user=pm, issuer="https://id.example.com", subject="0001")
    pm.last_login = timezone.now()
    pm.save()

    page = client_for(admin_user).get(CHANGELIST).content.decode()

    assert "Checkout (product manager)" in page
    assert "Checkout (leader)" in page


def test_people_are_found_by_name_and_by_address(client_for, admin_user, pm, tech_lead):
    client = client_for(admin_user)

    by_name = client.get(CHANGELIST, {"q": "Sam Rivera"}).context["cl"].result_list
    by_address = client.get(CHANGELIST, {"q": "pm@example.com"}).context["cl"].result_list

    assert list(by_name) == [pm] and list(by_address) == [pm]


def test_people_are_filtered_by_team_and_by_role(
    client_for, admin_user, team, pm, tech_lead, leader, outsider
):
    client = client_for(admin_user)

    in_team = client.get(CHANGELIST, {"team": team.pk}).context["cl"].result_list
    pms = (
        client.get(CHANGELIST, {"role": Membership.Role.PRODUCT_MANAGER}).context["cl"].result_list
    )
    leaders = client.get(CHANGELIST, {"role": "leader"}).context["cl"].result_list

    assert set(in_team) == {pm, tech_lead, leader}
    assert set(pms) == {pm, outsider}
    assert leader in set(leaders) and pm not in set(leaders)


@pytest.mark.parametrize("people", [3, 30])
def test_the_list_costs_the_same_queries_for_more_people(
    client_for, admin_user, django_assert_num_queries, people
):
    for n in range(people):
        team = TeamFactory()
        MembershipFactory(team=team, user=UserFactory(username=f"person{n}"))
    client = client_for(admin_user)

    # session, user, filters' teams, count, full count, people, memberships, led teams,
    # identities
    with django_assert_num_queries(9):
        response = client.get(CHANGELIST)
    assert response.status_code == 200


def test_a_persons_page_shows_their_1_1_series_but_never_what_was_said(
    client_for, admin_user, team, leader, pm
):
    when = timezone.now() - timedelta(days=2)
    OneOnOneFactory(
        team=team,
        leader=leader,
        pm=pm,
        scheduled_for=when,
        held_at=when,
        shared_notes="Budget worries",
        private_notes="Thinking of moving Sam",
    )
    OneOnOneFactory(team=team, leader=leader, pm=pm)

    page = (
        client_for(admin_user).get(reverse("admin:auth_user_change", args=[pm.pk])).content.decode()
    )

    assert "with Maya Chen (Checkout): 1 held" in page
    assert "Budget worries" not in page and "Thinking of moving Sam" not in page
    assert reverse("people:handover", args=[pm.pk]) in page


def test_the_1_1_admin_shows_who_meets_whom_but_no_content(
    client_for, admin_user, team, leader, pm
):
    meeting = OneOnOneFactory(
        team=team, leader=leader, pm=pm, shared_notes="Budget worries", private_notes="Secret"
    )
    meeting.talking_points.create(author=pm, text="My raise")
    meeting.action_items.create(owner=leader, text="Call legal")
    client = client_for(admin_user)

    pages = [
        client.get(reverse("admin:coaching_oneonone_changelist")).content.decode(),
        client.get(reverse("admin:coaching_oneonone_change", args=[meeting.pk])).content.decode(),
        client.get(reverse("admin:index")).content.decode(),
    ]

    for secret in ("Budget worries", "Secret", "My raise", "Call legal"):
        assert all(secret not in page for page in pages), secret
    assert "leader · pm (Checkout)" in pages[1]
    assert "coaching/actionitem" not in pages[2]


def test_people_who_are_not_administrators_never_reach_it(client_for, pm):
    response = client_for(pm).get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_staff_without_the_permission_to_add_people_cannot_import(client_for):
    staff = UserFactory(username="helpdesk", is_staff=True)

    assert client_for(staff).get(reverse("admin:auth_user_import")).status_code == 403
    assert client_for(staff).get(reverse("admin:auth_user_export")).status_code == 403
