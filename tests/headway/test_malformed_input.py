"""Requests no Headway form sends: a clear 400 page (or a 404, or the value ignored), never a
server error, and nothing saved."""

import pytest
from django.urls import reverse

from coaching.models import OneOnOne
from obstacles.models import Obstacle
from tests.factories import OneOnOneFactory

pytestmark = pytest.mark.django_db

BAD_REQUEST_TITLE = "This request could not be read"


@pytest.mark.parametrize(
    "path",
    [
        "/?quarter=%00",
        "/teams/checkout/?quarter=%00",
        "/coaching/learnings/?q=%00",
        "/coaching/learnings/?team=%00",
        "/obstacles/new/?team=%00",
        "/obstacles/?q=a%00b",
    ],
)
def test_a_nul_character_in_a_query_parameter_answers_the_400_page(client_for, pm, path):
    response = client_for(pm).get(path)

    assert response.status_code == 400
    assert BAD_REQUEST_TITLE in response.text


def test_a_nul_character_in_a_posted_field_saves_nothing(client_for, pm, team, leader):
    one_on_one = OneOnOneFactory(team=team, leader=leader, pm=pm)
    url = reverse("coaching:toggle_discussed", args=[one_on_one.pk])

    response = client_for(pm).post(url, {"key": "talking_point:\x00"})

    assert response.status_code == 400
    assert not one_on_one.discussed.exists()


def test_a_form_sent_in_utf_16_answers_the_400_page_and_saves_nothing(client_for, pm, team):
    body = f"team={team.pk}&kind=other&title=Typed".encode("utf-16")

    response = client_for(pm).generic(
        "POST",
        reverse("obstacles:new"),
        body,
        "application/x-www-form-urlencoded; charset=utf-16",
    )

    assert response.status_code == 400
    assert BAD_REQUEST_TITLE in response.text
    assert not Obstacle.objects.exists()


def test_notes_of_an_unknown_kind_are_not_found(client_for, pm, team, leader):
    one_on_one = OneOnOneFactory(team=team, leader=leader, pm=pm)
    url = reverse("coaching:save_notes", args=[one_on_one.pk, "bogus"])

    response = client_for(pm).post(url, {"text": "Hello", "version": "1"})

    assert response.status_code == 404
    assert OneOnOne.objects.get(pk=one_on_one.pk).shared_notes == ""


def test_a_page_number_past_bigint_shows_the_last_page(client_for, leader, team):
    response = client_for(leader).get("/", {"page": "100000000000000000000"})

    assert response.status_code == 200
