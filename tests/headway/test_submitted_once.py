"""A form sent twice (a double click, a retry after a lost answer) does its work once: the
second send gets the first one's answer (headway.middleware.submitted_once)."""

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import Learning, OneOnOne, TalkingPoint
from headway.models import Submission
from objectives.models import CheckIn
from obstacles.models import Obstacle, ObstacleEvent
from tests.factories import (
    PASSWORD,
    KeyResultFactory,
    ObjectiveFactory,
    ObstacleFactory,
    OneOnOneFactory,
)
from tests.ops.conftest import CSRF_FIELD, Browser

pytestmark = pytest.mark.django_db

KEY = re.compile(r'name="submission" value="([0-9a-f-]{36})"')


def key_of(page):
    """The submission key of the (first) form of a page."""
    return KEY.search(page.content.decode()).group(1)


@pytest.fixture
def creations(team, pm, leader, other_team, current_quarter):
    """Each form that adds something: (page that shows it, its action, its data, what it adds)."""
    one_on_one = OneOnOneFactory(team=team, leader=leader, pm=pm)
    objective = ObjectiveFactory(team=team, quarter=current_quarter)
    key_result = KeyResultFactory(objective=objective)
    obstacle = ObstacleFactory(team=team, created_by=pm)
    return {
        "an obstacle": (
            reverse("obstacles:new"),
            reverse("obstacles:new"),
            {"team": team.pk, "title": "Waiting on payments", "kind": "other", "severity": 2},
            Obstacle.objects.filter(title="Waiting on payments"),
        ),
        "a check-in": (
            reverse("objectives:check_in", args=[team.slug, key_result.pk]),
            reverse("objectives:check_in", args=[team.slug, key_result.pk]),
            {"value": "40", "confidence": "on_track", "day": timezone.localdate().isoformat()},
            CheckIn.objects.filter(key_result=key_result),
        ),
        "a comment": (
            obstacle.get_absolute_url(),
            reverse("obstacles:comment", args=[obstacle.pk]),
            {"text": "Finance signed off"},
            ObstacleEvent.objects.filter(kind="comment"),
        ),
        "a talking point": (
            one_on_one.get_absolute_url(),
            reverse("coaching:add_talking_point", args=[one_on_one.pk]),
            {"text": "Hiring plan"},
            TalkingPoint.objects.all(),
        ),
        "a learning": (
            reverse("coaching:learning_new"),
            reverse("coaching:learning_new"),
            {
                "title": "Ship small",
                "body": "It works.",
                "source_team": team.pk,
                "for_everyone": "on",
            },
            Learning.objects.all(),
        ),
    }


@pytest.mark.parametrize(
    "what", ["an obstacle", "a check-in", "a comment", "a talking point", "a learning"]
)
def test_a_form_sent_twice_adds_once_and_answers_the_same(client_for, leader, creations, what):
    page, action, data, added = creations[what]
    client = client_for(leader)
    form = {**data, "submission": key_of(client.get(page))}

    first = client.post(action, form)
    second = client.post(action, form)

    assert first.status_code in (200, 302)
    assert added.count() == 1
    assert (second.status_code, second.content) == (first.status_code, first.content)
    assert second.get("Location") == first.get("Location")


def test_the_second_send_brings_the_first_ones_message(client_for, pm, team):
    client = client_for(pm)
    form = {"team": team.pk, "title": "Waiting", "kind": "other", "severity": 2}
    form["submission"] = key_of(client.get(reverse("obstacles:new")))
    client.post(reverse("obstacles:new"), form)
    client.cookies.pop("messages", None)  # the browser took the first answer, not its cookie

    second = client.post(reverse("obstacles:new"), form, follow=True)

    assert "Obstacle logged." in second.content.decode()


def test_a_form_refused_can_be_sent_again_corrected_with_the_same_key(client_for, pm, team):
    client = client_for(pm)
    key = key_of(client.get(reverse("obstacles:new")))
    form = {"team": team.pk, "title": "", "kind": "other", "severity": 2, "submission": key}

    refused = client.post(reverse("obstacles:new"), form)
    accepted = client.post(reverse("obstacles:new"), {**form, "title": "Now with a title"})

    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    assert accepted.status_code == 302
    assert Obstacle.objects.get().title == "Now with a title"


def test_someone_elses_key_is_refused(client_for, pm, leader, team):
    form = {"team": team.pk, "title": "Mine", "kind": "other", "severity": 2}
    form["submission"] = str(uuid.uuid4())
    client_for(pm).post(reverse("obstacles:new"), form)

    response = client_for(leader).post(reverse("obstacles:new"), {**form, "title": "Theirs"})

    assert response.status_code == 400
    assert Obstacle.objects.count() == 1


def test_a_malformed_key_is_refused(client_for, pm, team):
    form = {"team": team.pk, "title": "Mine", "kind": "other", "severity": 2, "submission": "1"}
    assert client_for(pm).post(reverse("obstacles:new"), form).status_code == 400
    assert not Obstacle.objects.exists()


def test_keys_are_forgotten_after_a_day(client_for, pm, team, time_machine):
    client = client_for(pm)
    form = {"team": team.pk, "title": "Old", "kind": "other", "severity": 2}
    client.post(reverse("obstacles:new"), {**form, "submission": str(uuid.uuid4())})
    time_machine.move_to(timezone.now() + timedelta(days=1, minutes=1))

    client.post(reverse("obstacles:new"), {**form, "submission": str(uuid.uuid4())})

    assert Submission.objects.count() == 1


def test_a_1_1_recorded_twice_is_recorded_once(client_for, leader, pm, team):
    one_on_one = OneOnOneFactory(team=team, leader=leader, pm=pm)
    client = client_for(leader)
    url = reverse("coaching:mark_held", args=[one_on_one.pk])

    responses = [client.post(url), client.post(url)]  # two tabs: two keys, or none

    assert [response.status_code for response in responses] == [302, 302]
    assert OneOnOne.objects.upcoming().count() == 1
    assert OneOnOne.objects.held().get() == one_on_one


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_the_same_moment_add_one_obstacle(live_server, pm, team):
    """The double click a browser sends: the same form, twice, on two connections at once."""
    browser = Browser(live_server.url)
    page = signed_in(browser, "pm").get(reverse("obstacles:new")).text
    form = {
        "csrfmiddlewaretoken": CSRF_FIELD.search(page).group(1),
        "submission": KEY.search(page).group(1),
        "team": team.pk,
        "title": "Sent twice",
        "kind": "other",
        "severity": 2,
    }

    answers = at_the_same_moment(2, lambda _: browser.post(reverse("obstacles:new"), form))

    assert Obstacle.objects.filter(title="Sent twice").count() == 1
    obstacle_page = Obstacle.objects.get().get_absolute_url()
    assert [(answer.status, answer.location) for answer in answers] == [(302, obstacle_page)] * 2


@pytest.mark.django_db(transaction=True)
def test_scheduling_the_first_1_1_from_many_tabs_at_once_schedules_one(live_server, pm, team):
    """Each tab with a key of its own: the database keeps one coming 1:1 per pair."""
    tabs = 8
    browsers = [signed_in(Browser(live_server.url), "pm") for _ in range(tabs)]
    forms = []
    for browser in browsers:
        page = browser.get(reverse("coaching:next")).text
        token, key = CSRF_FIELD.search(page).group(1), KEY.search(page).group(1)
        forms.append({"csrfmiddlewaretoken": token, "submission": key})
    action = reverse("coaching:schedule_first", args=[team.slug])

    answers = at_the_same_moment(tabs, lambda n: browsers[n].post(action, forms[n]))

    upcoming = OneOnOne.objects.upcoming().get()
    assert [(answer.status, answer.location) for answer in answers] == [
        (302, upcoming.get_absolute_url())
    ] * tabs


def signed_in(browser, username):
    page = browser.get(reverse("login")).text
    token = CSRF_FIELD.search(page).group(1)
    answer = browser.post(
        reverse("login"),
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert answer.status == 302
    return browser


def at_the_same_moment(count, send):
    """`send(n)` for n in range(count), all released at once from their own threads."""
    start = threading.Barrier(count)

    def together(n):
        start.wait(timeout=60)
        return send(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(together, range(count)))
