"""The page where an administrator or a person's leader hands over what they still own."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, OneOnOne, TalkingPoint
from objectives.models import KeyResult, Objective
from obstacles.models import Obstacle, ObstacleEvent
from tests.factories import MembershipFactory, OneOnOneFactory, TeamFactory, UserFactory

from .conftest import give_work

pytestmark = pytest.mark.django_db


def url(person):
    return reverse("people:handover", args=[person.pk])


# --- who may -----------------------------------------------------------------------------


def test_an_administrator_and_the_persons_leader_see_the_page(client_for, pm_work, pm, leader):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    for viewer in (admin, leader):
        response = client_for(viewer).get(url(pm))
        assert response.status_code == 200
        assert b"What Sam Rivera still owns" in response.content


@pytest.mark.parametrize(
    "who",
    [
        "the pm themselves",
        "a tech lead of the team",
        "a pm of another team",
        "the leader of another team",
    ],
)
def test_everyone_else_is_refused(client_for, pm, tech_lead, outsider, other_team, who):
    viewer = {
        "the pm themselves": pm,
        "a tech lead of the team": tech_lead,
        "a pm of another team": outsider,
        "the leader of another team": other_team.leader,
    }[who]
    client = client_for(viewer)

    assert client.get(url(pm)).status_code == 403
    assert client.post(url(pm), {"obstacles_to": viewer.pk}).status_code == 403
    assert client.post(reverse("people:deactivate", args=[pm.pk])).status_code == 403
    if viewer != other_team.leader:  # who leads a team looks after its people, not Sam
        assert client.get(reverse("people:people")).status_code == 403
    pm.refresh_from_db()
    assert pm.is_active


def test_a_leader_cannot_manage_an_administrator_in_their_team(client_for, team, leader):
    admin = UserFactory(username="root", is_superuser=True)
    MembershipFactory(team=team, user=admin)

    assert client_for(leader).get(url(admin)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, pm):
    response = client.get(url(pm))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_people_page_lists_whom_the_viewer_looks_after(
    client_for, leader, pm, tech_lead, outsider
):
    response = client_for(leader).get(reverse("people:people"))

    assert response.status_code == 200
    assert list(response.context["people"]) == [pm, tech_lead] or set(
        response.context["people"]
    ) == {pm, tech_lead}
    assert outsider not in response.context["people"]


def test_a_leaders_and_an_administrators_home_lead_to_the_people_page(client_for, leader, pm, team):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    people = f'href="{reverse("people:people")}"'
    assert people in client_for(leader).get(reverse("home")).text
    assert "People in your teams" in client_for(leader).get(reverse("home")).text
    assert people in client_for(admin).get(reverse("home")).text
    # A PM's home is their team's: they look after nobody, and are not offered the page.
    assert people not in client_for(pm).get(reverse("home")).text


# --- what it shows -----------------------------------------------------------------------


def test_the_page_lists_what_the_person_owns(client_for, pm_work, pm, leader):
    page = client_for(leader).get(url(pm)).content.decode()

    assert "Waiting on legal 0" in page
    assert "Grow checkout 0" in page
    assert "Orders a week 0" in page
    assert "Maya Chen and Sam Rivera, Checkout" in page
    assert "Send the spec 0" in page  # the leader is in that 1:1


def test_an_administrator_sees_an_action_item_but_never_its_text(
    client_for, pm_work, pm, admin_user
):
    page = client_for(admin_user).get(url(pm)).content.decode()

    assert "Send the spec 0" not in page
    assert "An action item from their 1:1 (only the two of them read it)" in page


def test_closed_work_and_past_objectives_are_not_listed(client_for, pm, team, leader):
    from tests.factories import ObjectiveFactory, ObstacleFactory, QuarterFactory

    ObstacleFactory(team=team, created_by=pm, owner=pm, status="resolved", title="Done one")
    ObjectiveFactory(team=team, quarter=QuarterFactory(label="2020-Q1"), owner=pm, title="Old")

    response = client_for(leader).get(url(pm))

    assert b"owns nothing still open" in response.content


@pytest.mark.parametrize("times", [1, 10])
def test_the_page_costs_the_same_queries_however_much_is_owned(
    client_for, django_assert_num_queries, pm, team, leader, current_quarter, times
):
    give_work(pm, team, leader, current_quarter, times=times)
    OneOnOneFactory(team=team, leader=leader, pm=pm)
    client = client_for(leader)

    # session, viewer, person + memberships + led teams, permission, obstacles, objectives,
    # key results, upcoming 1:1s, action items, readable 1:1s, successors
    with django_assert_num_queries(13):
        response = client.get(url(pm))
    assert response.status_code == 200
    assert len(response.context["work"].obstacles) == times
    assert len(response.context["work"].key_results) == times


# --- handing over ------------------------------------------------------------------------


def test_obstacles_and_objectives_go_to_their_new_owner_on_the_record(
    client_for, pm_work, pm, leader, successor
):
    response = client_for(leader).post(
        url(pm), {"obstacles_to": successor.pk, "objectives_to": successor.pk}
    )

    assert response.status_code == 302
    obstacle = Obstacle.objects.get(title="Waiting on legal 0")
    assert obstacle.owner == successor
    event = obstacle.events.get(kind=ObstacleEvent.Kind.OWNER_CHANGED)
    assert (event.actor, event.from_value, event.to_value) == (leader, "Sam Rivera", "Nadia Okafor")
    objective = Objective.objects.get(title="Grow checkout 0")
    assert objective.owner == successor and objective.version == 2
    assert LogEntry.objects.filter(object_id=str(objective.pk), user=leader).exists()


def test_key_results_go_to_a_member_of_their_team_who_then_checks_in(
    client_for, pm_work, pm, leader, team, successor
):
    MembershipFactory(team=team, user=successor)

    response = client_for(leader).post(url(pm), {"key_results_to": successor.pk})

    assert response.status_code == 302
    key_result = KeyResult.objects.get(description="Orders a week 0")
    assert key_result.owner == successor
    assert LogEntry.objects.filter(object_id=str(key_result.pk), user=leader).exists()
    check_in = reverse("objectives:check_in", args=[team.slug, key_result.pk])
    assert client_for(successor).get(check_in).status_code == 200


def test_key_results_can_go_back_to_the_teams_pm(client_for, pm_work, pm, leader):
    response = client_for(leader).post(url(pm), {"key_results_to_pm": "on"})

    assert response.status_code == 302
    assert KeyResult.objects.get(description="Orders a week 0").owner is None


def test_a_key_result_cannot_go_to_someone_outside_its_team(
    client_for, pm_work, pm, leader, successor
):
    response = client_for(leader).post(
        url(pm), {"key_results_to": successor.pk, "obstacles_to": successor.pk}
    )

    assert response.status_code == 422
    assert b"Nadia Okafor is not a member of Checkout" in response.content
    # Nothing half done: the obstacle stays with its owner too.
    assert KeyResult.objects.get(description="Orders a week 0").owner == pm
    assert Obstacle.objects.get(title="Waiting on legal 0").owner == pm


def test_key_results_go_to_someone_or_to_the_pm_not_both(
    client_for, pm_work, pm, leader, team, successor
):
    MembershipFactory(team=team, user=successor)

    response = client_for(leader).post(
        url(pm), {"key_results_to": successor.pk, "key_results_to_pm": "on"}
    )

    assert response.status_code == 422
    assert b"Either someone checks in on them, or each team" in response.content
    assert KeyResult.objects.get(description="Orders a week 0").owner == pm


def test_a_series_goes_to_the_successor_from_now_on_only(
    client_for, pm_work, pm, leader, team, successor
):
    upcoming = pm_work
    TalkingPoint.objects.create(one_on_one=upcoming, author=leader, text="Hiring plan")
    held = OneOnOne.objects.of_pair(leader, pm, team).held().get()
    held.shared_notes = "What Sam and Maya said"
    held.save()

    response = client_for(leader).post(url(pm), {"series_to": successor.pk})

    assert response.status_code == 302
    new = OneOnOne.objects.of_pair(leader, successor, team).upcoming().get()
    assert new.scheduled_for == upcoming.scheduled_for
    assert list(new.talking_points.values_list("text", flat=True)) == ["Hiring plan"]
    item = ActionItem.objects.get(text="Send the spec 0")
    assert (item.owner, item.one_on_one) == (successor, new)
    assert not OneOnOne.objects.filter(pk=upcoming.pk).exists()  # nothing left in it
    # The held 1:1 stays the old pair's, readable by them alone.
    held.refresh_from_db()
    assert (held.leader, held.pm) == (leader, pm)
    assert client_for(successor).get(held.get_absolute_url()).status_code == 404
    assert client_for(leader).get(held.get_absolute_url()).status_code == 200


def test_what_the_leaver_wrote_in_the_coming_1_1_stays_with_the_old_pair(
    client_for, pm_work, pm, leader, team, successor
):
    TalkingPoint.objects.create(one_on_one=pm_work, author=pm, text="I am leaving")

    client_for(leader).post(url(pm), {"series_to": successor.pk})

    assert OneOnOne.objects.filter(pk=pm_work.pk, pm=pm).exists()
    new = OneOnOne.objects.of_pair(leader, successor, team).upcoming().get()
    assert not new.talking_points.exists()
    assert client_for(successor).get(new.get_absolute_url()).status_code == 200
    assert b"I am leaving" not in client_for(successor).get(new.get_absolute_url()).content


def test_the_other_person_of_a_series_cannot_take_it_over(client_for, pm_work, pm, leader):
    response = client_for(leader).post(url(pm), {"series_to": leader.pk})

    assert response.status_code == 422
    assert b"is already the other person in 1 of these series" in response.content
    assert ActionItem.objects.get(text="Send the spec 0").owner == pm


def test_ending_the_series_leaves_the_action_items_to_the_other_person(
    client_for, pm_work, pm, leader
):
    client_for(leader).post(url(pm), {"end_series": "on"})

    assert ActionItem.objects.get(text="Send the spec 0").owner == leader
    assert not OneOnOne.objects.filter(pk=pm_work.pk).exists()
    assert OneOnOne.objects.filter(pm=pm).held().count() == 1


def test_a_leader_who_leaves_hands_their_pms_to_the_new_leader(
    client_for, admin_user, pm_work, pm, leader, team, successor
):
    client_for(admin_user).post(url(leader), {"series_to": successor.pk})

    new = OneOnOne.objects.of_pair(successor, pm, team).upcoming().get()
    assert new.scheduled_for == pm_work.scheduled_for
    assert client_for(pm).get(new.get_absolute_url()).status_code == 200


def test_choosing_nobody_is_refused_with_a_message(client_for, pm_work, pm, leader):
    response = client_for(leader).post(url(pm), {})

    assert response.status_code == 422
    assert b"Choose who takes over something first." in response.content


def test_a_successor_must_be_active(client_for, pm_work, pm, leader, successor):
    successor.is_active = False
    successor.save()

    response = client_for(leader).post(url(pm), {"obstacles_to": successor.pk})

    assert response.status_code == 422
    assert Obstacle.objects.get(title="Waiting on legal 0").owner == pm


# --- moving a PM to another team --------------------------------------------------------


def test_a_pm_who_moves_team_keeps_their_history_with_the_old_leader_only(
    client_for, pm, team, leader, last_held_with_secret
):
    new_team = TeamFactory(name="Search", slug="search")
    team.memberships.filter(user=pm).delete()
    MembershipFactory(team=new_team, user=pm)

    for reader in (pm, leader):
        response = client_for(reader).get(last_held_with_secret.get_absolute_url())
        assert response.status_code == 200 and b"Move to Search" in response.content
    assert (
        client_for(new_team.leader).get(last_held_with_secret.get_absolute_url()).status_code == 404
    )


@pytest.fixture
def last_held_with_secret(team, leader, pm):
    when = timezone.now() - timedelta(days=3)
    return OneOnOneFactory(
        team=team,
        leader=leader,
        pm=pm,
        scheduled_for=when,
        held_at=when,
        shared_notes="Move to Search",
        private_notes="Leader only",
    )
