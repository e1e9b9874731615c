"""A 1:1 is its leader's and its PM's only; the private notes the leader's only."""

import pytest
from django.urls import reverse

from tests.factories import ActionItemFactory, MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Thinking of moving Sam to another team"


@pytest.fixture
def private(one_on_one):
    one_on_one.private_notes = SECRET
    one_on_one.save()
    return one_on_one


def pages(one_on_one):
    pk = one_on_one.pk
    return [
        ("get", reverse("coaching:one_on_one", args=[pk]), {}),
        ("post", reverse("coaching:add_talking_point", args=[pk]), {"text": "x"}),
        ("post", reverse("coaching:toggle_discussed", args=[pk]), {"key": "obstacle:1"}),
        ("post", reverse("coaching:save_notes", args=[pk, "shared"]), {"text": "x", "version": 1}),
        ("post", reverse("coaching:save_notes", args=[pk, "private"]), {"text": "x", "version": 1}),
        ("post", reverse("coaching:reschedule", args=[pk]), {"scheduled_for": "2030-01-01T10:00"}),
        ("post", reverse("coaching:mark_held", args=[pk]), {}),
        ("post", reverse("coaching:add_action_item", args=[pk]), {"text": "x"}),
    ]


@pytest.fixture
def strangers(team, other_team, outsider, tech_lead, admin_user):
    another_leader = UserFactory(username="another-leader")
    TeamFactory(leader=another_leader)
    another_pm = UserFactory(username="another-pm")
    MembershipFactory(team=team, user=another_pm)  # a second PM of the same team
    return {
        "pm of another team": outsider,
        "second pm of the team": another_pm,
        "tech lead of the team": tech_lead,
        "leader of other teams": another_leader,
        "admin": admin_user,
    }


@pytest.mark.parametrize("htmx", [False, True])
def test_nobody_else_sees_a_one_on_one_or_its_fragments(client, private, strangers, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    for who, user in strangers.items():
        client.force_login(user)
        for method, url, data in pages(private):
            response = getattr(client, method)(url, data, headers=headers)
            assert response.status_code == 404, (who, url)
            assert SECRET.encode() not in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client, private):
    for method, url, data in pages(private):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_pm_sees_the_one_on_one_but_never_the_private_notes(client_for, private, pm):
    client = client_for(pm)
    response = client.get(reverse("coaching:one_on_one", args=[private.pk]))
    assert response.status_code == 200
    assert SECRET.encode() not in response.content
    assert b"private notes" not in response.content.lower()
    assert response.context["one_on_one"].private_notes == ""


def test_the_pm_cannot_read_or_write_private_notes_through_the_fragment(client_for, private, pm):
    url = reverse("coaching:save_notes", args=[private.pk, "private"])
    response = client_for(pm).post(url, {"text": "overwrite", "version": 1}, HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    private.refresh_from_db()
    assert private.private_notes == SECRET


def test_the_leader_sees_the_private_notes(client_for, private, leader):
    response = client_for(leader).get(reverse("coaching:one_on_one", args=[private.pk]))
    assert SECRET.encode() in response.content


def test_lists_show_only_ones_own_one_on_ones(client_for, private, outsider):
    response = client_for(outsider).get(reverse("coaching:one_on_ones"))
    assert response.status_code == 200
    assert list(response.context["upcoming"]) == []


def test_action_items_of_others_cannot_be_ticked(client_for, private, outsider):
    item = ActionItemFactory(one_on_one=private)
    response = client_for(outsider).post(reverse("coaching:toggle_action_item", args=[item.pk]))
    assert response.status_code == 404
    item.refresh_from_db()
    assert not item.is_done
