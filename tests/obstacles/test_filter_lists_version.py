"""The version of what the log's filters list (obstacles migration 0016): the database
changes it with anything those lists show, and only then; each process reads the lists again
only when it has changed, so the filters always list what is stored."""

import re

import pytest
from django.db import connection, transaction
from django.urls import reverse

from objectives.models import Problem, Quarter, Team
from obstacles.forms import FILTER_LISTS_VERSION
from obstacles.models import Obstacle
from tests.factories import (
    ObstacleFactory,
    ProblemFactory,
    QuarterFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LOG = reverse("obstacles:log")


def version():
    with connection.cursor() as cursor:
        cursor.execute(FILTER_LISTS_VERSION)
        return cursor.fetchone()[0]


def moves(change):
    """Whether `change()` changes the version."""
    before = version()
    change()
    return version() != before


def labels(page, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)[1:]


@pytest.fixture
def listed(team, pm):
    """An obstacle of `team` owned by its PM, a quarter and a problem: one of each list."""
    QuarterFactory(label="2026-Q4")
    ProblemFactory(title="Churn")
    return ObstacleFactory(team=team, created_by=pm, owner=pm)


def test_what_the_lists_show_moves_the_version(listed, team, pm, leader):
    assert moves(lambda: TeamFactory(name="New team"))
    assert moves(lambda: Team.objects.filter(pk=team.pk).update(name="Renamed"))
    assert moves(lambda: Team.objects.filter(pk=team.pk).update(slug="renamed"))
    assert moves(lambda: Team.objects.filter(pk=team.pk).update(leader=pm))
    assert moves(lambda: QuarterFactory(label="2027-Q1"))
    assert moves(lambda: Quarter.objects.filter(label="2026-Q4").update(label="Q4 2026"))
    assert moves(lambda: ProblemFactory(title="Speed"))
    assert moves(lambda: Problem.objects.filter(title="Churn").update(title="Retention"))
    assert moves(lambda: Problem.objects.filter(title="Speed").delete())
    assert moves(lambda: type(pm).objects.filter(pk=pm.pk).update(first_name="Pat"))
    assert moves(lambda: type(pm).objects.filter(pk=pm.pk).update(last_name="Doe"))
    assert moves(lambda: type(pm).objects.filter(pk=pm.pk).update(username="pat"))
    # Someone starts or stops owning an obstacle.
    assert moves(lambda: Obstacle.objects.filter(pk=listed.pk).update(owner=leader))
    newcomer = UserFactory()
    assert moves(lambda: ObstacleFactory(team=team, created_by=pm, owner=newcomer))
    assert moves(lambda: Obstacle.objects.filter(owner=newcomer).delete())
    assert moves(lambda: Obstacle.objects.filter(owner=leader).update(owner=None))


def test_what_they_do_not_show_leaves_it(listed, team, pm):
    assert not moves(lambda: Team.objects.filter(pk=team.pk).update(mission="Other"))
    assert not moves(lambda: type(pm).objects.filter(pk=pm.pk).update(email="p@example.com"))
    assert not moves(lambda: UserFactory())
    assert not moves(lambda: Problem.objects.update(why_it_matters="Because."))
    # An obstacle without an owner, or whose owner owns others: nobody starts or stops.
    assert not moves(lambda: ObstacleFactory(team=team, created_by=pm))
    second = ObstacleFactory(team=team, created_by=pm, owner=pm)
    assert not moves(lambda: Obstacle.objects.filter(pk=second.pk).delete())
    assert not moves(lambda: Obstacle.objects.filter(pk=listed.pk).update(title="Retitled"))
    assert not moves(lambda: listed.comment(pm, "Still there."))


def test_a_rollback_never_gives_the_same_version_to_other_lists(listed, team):
    before = version()
    with pytest.raises(RuntimeError), transaction.atomic():
        TeamFactory(name="Gone")
        rolled_back = version()
        raise RuntimeError
    assert version() == before
    TeamFactory(name="Kept")
    assert version() not in (before, rolled_back)


def test_the_log_lists_what_is_stored_after_each_change(client_for, outsider, listed, team, pm):
    client = client_for(outsider)
    assert "Checkout" in labels(client.get(LOG).text, "team")
    client.get(LOG)  # read from this process's lists

    Team.objects.filter(pk=team.pk).update(name="Checkout & <Co>")
    type(pm).objects.filter(pk=pm.pk).update(first_name="Renamed", last_name="Person")
    newcomer = UserFactory(first_name="New", last_name="Owner")
    ObstacleFactory(team=team, created_by=pm, owner=newcomer)
    page = client.get(LOG).text

    assert "Checkout &amp; &lt;Co&gt;" in labels(page, "team")
    assert "Checkout &amp; &lt;Co&gt;" in labels(page, "blocking")
    assert labels(page, "owner") == ["New Owner", "Renamed Person"]


@pytest.mark.parametrize("prepared", [True, False])
def test_lists_known_to_the_process_are_not_sent_again(
    client_for, outsider, listed, settings, prepared
):
    settings.DB_PREPARED_STATEMENTS = prepared
    client = client_for(outsider)
    first = client.get(LOG).text
    sent = Sent()
    with connection.execute_wrapper(sent):
        again = client.get(LOG).text

    assert again == first.replace(csrf(first), csrf(again)).replace(nonce(first), nonce(again))
    # The five lists in one round trip, each asked for only if the version is not the one
    # this process read them at (the current one), run by name once prepared.
    (lists,) = [
        (sql, params)
        for sql, params in sent.queries
        if sql.count("EXECUTE headway_") == 5 or sql.count("obstacles_filter_lists") == 5
    ]
    assert ("EXECUTE" in lists[0]) is prepared
    assert list(lists[1]) == [version()] * 5


class Sent:
    """The statements a connection runs, with their parameters."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params))
        return execute(sql, params, many, context)


def csrf(page):
    return re.search(r'"X-CSRFToken": "([^"]*)"', page).group(1)


def nonce(page):
    return re.search(r'nonce="([^"]*)"', page).group(1)
