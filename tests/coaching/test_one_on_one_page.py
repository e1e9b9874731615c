import pytest
from django.urls import reverse

from coaching.models import ActionItem, Learning, OneOnOne
from tests.factories import (
    ActionItemFactory,
    KeyResultFactory,
    ObjectiveFactory,
    ObstacleFactory,
    OneOnOneFactory,
)

pytestmark = pytest.mark.django_db


def test_the_pm_adds_a_talking_point_in_place(client_for, one_on_one, pm):
    response = client_for(pm).post(
        reverse("coaching:add_talking_point", args=[one_on_one.pk]),
        {"text": "Need a decision on scope"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"Need a decision on scope" in response.content
    assert b"<html" not in response.content
    assert one_on_one.talking_points.get().author == pm


def test_an_empty_talking_point_is_refused_with_a_message(client_for, one_on_one, pm):
    response = client_for(pm).post(
        reverse("coaching:add_talking_point", args=[one_on_one.pk]), {"text": ""}
    )
    assert response.status_code == 422
    assert b"This field is required." in response.content
    assert not one_on_one.talking_points.exists()


def test_ticking_an_item_toggles_it(client_for, one_on_one, leader):
    client = client_for(leader)
    url = reverse("coaching:toggle_discussed", args=[one_on_one.pk])
    response = client.post(url, {"key": "talking_point:3"}, HTTP_HX_REQUEST="true")
    assert b'aria-pressed="true"' in response.content
    assert one_on_one.discussed.filter(key="talking_point:3").exists()
    client.post(url, {"key": "talking_point:3"}, HTTP_HX_REQUEST="true")
    assert not one_on_one.discussed.exists()


def test_notes_save_and_say_so(client_for, one_on_one, leader):
    response = client_for(leader).post(
        reverse("coaching:save_notes", args=[one_on_one.pk, "shared"]),
        {"text": "We agreed on **scope**", "version": one_on_one.shared_notes_version},
        HTTP_HX_REQUEST="true",
    )
    assert b"Saved at" in response.content
    one_on_one.refresh_from_db()
    assert one_on_one.shared_notes == "We agreed on **scope**"


def test_two_saves_of_the_same_notes_lose_no_text(client, one_on_one, leader, pm):
    url = reverse("coaching:save_notes", args=[one_on_one.pk, "shared"])
    version = one_on_one.shared_notes_version
    client.force_login(leader)
    client.post(url, {"text": "Leader's text", "version": version}, HTTP_HX_REQUEST="true")
    client.force_login(pm)
    response = client.post(url, {"text": "PM's text", "version": version}, HTTP_HX_REQUEST="true")
    assert b"Not saved" in response.content
    assert b"Leader&#x27;s text" in response.content
    one_on_one.refresh_from_db()
    assert one_on_one.shared_notes == "Leader's text"


def test_the_leader_adds_an_action_item_linked_to_an_obstacle(
    client_for, one_on_one, leader, pm, time_machine
):
    time_machine.move_to("2029-12-20 10:00 +01:00")
    obstacle = ObstacleFactory(team=one_on_one.team, created_by=pm)
    response = client_for(leader).post(
        reverse("coaching:add_action_item", args=[one_on_one.pk]),
        {
            "text": "Talk to Finance",
            "owner": leader.pk,
            "due_date": "2030-01-10",
            "obstacle": obstacle.pk,
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.owner, item.obstacle, item.one_on_one) == (leader, obstacle, one_on_one)


def test_a_bad_action_item_keeps_the_input_and_saves_nothing(client_for, one_on_one, leader):
    response = client_for(leader).post(
        reverse("coaching:add_action_item", args=[one_on_one.pk]),
        {"text": "Talk to Finance", "owner": leader.pk, "due_date": "not a date"},
    )
    assert response.status_code == 422
    assert b"Enter a valid date." in response.content
    assert b'value="Talk to Finance"' in response.content
    assert not ActionItem.objects.exists()


def test_only_the_leader_records_the_one_on_one_as_held(client_for, one_on_one, leader, pm):
    assert (
        client_for(pm).post(reverse("coaching:mark_held", args=[one_on_one.pk])).status_code == 403
    )
    response = client_for(leader).post(reverse("coaching:mark_held", args=[one_on_one.pk]))
    assert response.status_code == 302
    one_on_one.refresh_from_db()
    assert one_on_one.is_held
    assert OneOnOne.objects.upcoming().get().scheduled_for > one_on_one.scheduled_for


def test_next_takes_the_pm_to_the_coming_one_on_one(client_for, one_on_one, pm):
    response = client_for(pm).get(reverse("coaching:next"))
    assert response.status_code == 302 and response.url == one_on_one.get_absolute_url()


def test_a_pm_without_a_coming_one_on_one_schedules_it(client_for, team, pm):
    client = client_for(pm)
    response = client.get(reverse("coaching:next"))
    assert "Schedule a 1:1 with Maya Chen" in response.text
    client.post(reverse("coaching:schedule_first", args=[team.slug]))
    assert OneOnOne.objects.upcoming().get().pm == pm


def test_help_queue_lists_what_the_leader_owns_overdue_first(
    client_for, one_on_one, last_one_on_one, leader, pm
):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    later = ActionItemFactory(one_on_one=one_on_one, due_date=today + timedelta(days=2))
    overdue = ActionItemFactory(one_on_one=last_one_on_one, due_date=today - timedelta(days=2))
    ActionItemFactory(one_on_one=one_on_one, owner=pm)
    response = client_for(leader).get(reverse("coaching:actions"))
    assert list(response.context["items"]) == [overdue, later]
    assert b"Overdue" in response.content


def test_a_leader_shares_a_learning_with_another_team(client_for, one_on_one, leader, other_team):
    response = client_for(leader).post(
        reverse("coaching:learning_new") + f"?one_on_one={one_on_one.pk}",
        {
            "title": "Wallets first",
            "body": "It works",
            "source_team": one_on_one.team.pk,
            "teams": [other_team.pk],
        },
    )
    assert response.status_code == 302
    learning = Learning.objects.get()
    assert learning.one_on_one == one_on_one
    assert list(learning.teams.all()) == [other_team]
    page = client_for(leader).get(other_team.get_absolute_url())
    assert b"Wallets first" in page.content


def test_a_learning_needs_an_audience(client_for, leader, team):
    response = client_for(leader).post(
        reverse("coaching:learning_new"),
        {"title": "Wallets first", "body": "It works", "source_team": team.pk},
    )
    assert response.status_code == 422
    assert b"Choose the teams this learning should reach" in response.content
    assert b'value="Wallets first"' in response.content


@pytest.mark.parametrize("rows", [1, 10])
def test_one_on_one_page_queries_do_not_grow_with_history(
    client_for, team, leader, pm, django_assert_num_queries, rows
):
    from datetime import timedelta

    from django.utils import timezone

    from objectives.models import Quarter
    from tests.factories import QuarterFactory

    coming = OneOnOneFactory(team=team, leader=leader, pm=pm)
    # The agenda reads the quarter the 1:1 falls in: tomorrow's, the next one on a last day.
    calendar = Quarter.for_day(timezone.localdate(coming.scheduled_for))
    quarter = QuarterFactory(label=calendar.label, start=calendar.start, end=calendar.end)
    for week in range(rows):
        when = timezone.now() - timedelta(days=7 * (week + 1))
        past = OneOnOneFactory(team=team, leader=leader, pm=pm, scheduled_for=when, held_at=when)
        ActionItemFactory(one_on_one=past)
        ObstacleFactory(team=team, created_by=pm)
        KeyResultFactory(objective=ObjectiveFactory(team=team, quarter=quarter))
    coming.talking_points.create(author=pm, text="A point")
    client = client_for(leader)
    with django_assert_num_queries(11):
        client.get(coming.get_absolute_url())


def test_the_leader_shares_a_learning_with_more_teams_later(client_for, leader, team, other_team):
    from tests.factories import LearningFactory

    learning = LearningFactory(source_team=team)
    learning.teams.add(team)
    response = client_for(leader).post(
        reverse("coaching:learning_share", args=[learning.pk]),
        {"teams": [team.pk, other_team.pk]},
    )
    assert response.status_code == 302
    assert set(learning.teams.all()) == {team, other_team}


def test_only_the_source_teams_leader_shares_a_learning_further(client_for, outsider, team):
    from tests.factories import LearningFactory

    learning = LearningFactory(source_team=team)
    response = client_for(outsider).get(reverse("coaching:learning_share", args=[learning.pk]))
    assert response.status_code == 403


def test_the_agendas_obstacles_say_what_they_are_escaped_and_in_french(
    client_for, one_on_one, team, other_team, pm
):
    other_team.name = "Ops & <Platform>"
    other_team.save()
    ObstacleFactory(
        team=team,
        created_by=pm,
        title='<script>alert("x")</script>',
        kind="dependency",
        blocking_team=other_team,
        is_urgent=True,
    )
    client = client_for(pm)

    page = client.get(one_on_one.get_absolute_url()).text
    french = client.get(one_on_one.get_absolute_url(), headers={"accept-language": "fr"}).text

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</a>" in page
    assert '<span class="badge bad">Urgent</span>' in page
    assert "Dependency on another team · Open · waits on Ops &amp; &lt;Platform&gt;</span>" in page
    assert "attend Ops &amp; &lt;Platform&gt;</span>" in french
    assert 'name="key" value="obstacle:' in page
