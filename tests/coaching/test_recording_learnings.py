"""PMs record the learnings of their team's work or of a 1:1, as leaders do; the author, the
source team's leader and admins share one with more teams."""

import pytest
from django.urls import reverse

from coaching.models import Learning
from tests.factories import LearningFactory, MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = reverse("coaching:learning_new")


def learning(team, **fields):
    return {
        "title": "Wallets first",
        "body": "Abandonment fell by a third.",
        "source_team": team.pk,
        "for_everyone": "on",
        **fields,
    }


def share_url(item):
    return reverse("coaching:learning_share", args=[item.pk])


def test_a_pm_records_a_learning_of_their_team(client_for, pm, team):
    client = client_for(pm)
    assert NEW in client.get(reverse("coaching:learnings")).text

    response = client.post(NEW, learning(team))

    assert response.status_code == 302
    recorded = Learning.objects.get()
    assert (recorded.author, recorded.source_team, recorded.for_everyone) == (pm, team, True)


def test_a_pm_records_a_learning_from_their_one_on_one(client_for, pm, one_on_one):
    client = client_for(pm)
    page = client.get(one_on_one.get_absolute_url()).text
    link = f"{NEW}?one_on_one={one_on_one.pk}"
    assert link in page

    response = client.post(link, learning(one_on_one.team))

    assert response.status_code == 302 and response.url == one_on_one.get_absolute_url()
    assert Learning.objects.get().one_on_one == one_on_one


def test_a_pm_records_learnings_of_their_own_teams_only(client_for, pm, team, other_team):
    client = client_for(pm)
    form = client.get(NEW).context["form"]
    assert list(form.fields["source_team"].queryset) == [team]

    response = client.post(NEW, learning(other_team))

    assert response.status_code == 422
    assert "Select a valid choice" in response.text
    assert 'value="Wallets first"' in response.text
    assert not Learning.objects.exists()


def test_a_leader_records_learnings_of_the_teams_they_lead(client_for, leader, team, other_team):
    form = client_for(leader).get(NEW).context["form"]
    assert list(form.fields["source_team"].queryset) == [team]


@pytest.mark.parametrize("who", ["tech_lead", "outsider_without_team"])
def test_others_record_no_learning_and_are_not_offered_to(client_for, who, tech_lead):
    user = tech_lead if who == "tech_lead" else UserFactory()
    client = client_for(user)
    assert NEW not in client.get(reverse("coaching:learnings")).text
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, learning(TeamFactory())).status_code == 403
    assert not Learning.objects.exists()


def test_the_pm_who_recorded_it_and_the_leader_share_it_further(
    client_for, pm, leader, team, other_team
):
    recorded = LearningFactory(source_team=team, author=pm)
    recorded.teams.add(team)
    for person in (pm, leader):
        client = client_for(person)
        assert share_url(recorded) in client.get(reverse("coaching:learnings")).text
        response = client.post(share_url(recorded), {"teams": [team.pk, other_team.pk]})
        assert response.status_code == 302
    assert set(recorded.teams.all()) == {team, other_team}


def test_another_pm_of_the_team_is_not_offered_to_share_it_further(client_for, pm, team):
    recorded = LearningFactory(source_team=team, author=pm)
    second = UserFactory()
    MembershipFactory(team=team, user=second)
    client = client_for(second)
    assert share_url(recorded) not in client.get(reverse("coaching:learnings")).text
    assert client.post(share_url(recorded), {"for_everyone": "on"}).status_code == 403
