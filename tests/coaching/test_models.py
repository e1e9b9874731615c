from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from coaching.models import OneOnOne, teams_learning_from, with_cadence
from headway.locking import Conflict
from objectives.models import Team
from tests.factories import LearningFactory, OneOnOneFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_marking_held_schedules_the_next_one_a_week_later(one_on_one):
    upcoming = one_on_one.mark_held()
    assert one_on_one.held_at is not None
    assert upcoming.held_at is None
    assert upcoming.scheduled_for == max(one_on_one.scheduled_for, one_on_one.held_at) + (
        timedelta(days=7)
    )
    assert one_on_one.mark_held() == upcoming


def test_a_pair_has_one_upcoming_one_on_one(one_on_one, team, leader, pm):
    with pytest.raises(IntegrityError):
        OneOnOneFactory(team=team, leader=leader, pm=pm)


def test_a_leader_does_not_meet_themselves(team, leader):
    with pytest.raises(IntegrityError):
        OneOnOneFactory(team=team, leader=leader, pm=leader)


def test_next_for_creates_the_coming_one_after_the_last(last_one_on_one, team, leader, pm):
    upcoming = OneOnOne.next_for(leader, pm, team)
    assert upcoming.scheduled_for == last_one_on_one.held_at + timedelta(days=7)
    assert OneOnOne.next_for(leader, pm, team) == upcoming


def test_notes_saved_from_a_stale_copy_are_refused_with_the_other_text(one_on_one):
    version = one_on_one.shared_notes_version
    one_on_one.save_notes("shared", "First writer", version)
    stale = OneOnOne.objects.get(pk=one_on_one.pk)
    stale.shared_notes_version = version
    with pytest.raises(Conflict) as conflict:
        stale.save_notes("shared", "Second writer", version)
    assert conflict.value.current.shared_notes == "First writer"
    assert OneOnOne.objects.get(pk=one_on_one.pk).shared_notes == "First writer"


def test_cadence_counts_days_since_the_last_held_one_on_one(team, leader, pm):
    when = timezone.now() - timedelta(days=10)
    OneOnOneFactory(team=team, leader=leader, pm=pm, scheduled_for=when, held_at=when)
    quiet = TeamFactory(leader=leader)
    recent = TeamFactory(leader=leader)
    when = timezone.now() - timedelta(days=3)
    OneOnOneFactory(team=recent, leader=leader, scheduled_for=when, held_at=when)

    rows = {t.pk: t for t in with_cadence(Team.objects.all())}
    assert (rows[team.pk].days_since_one_on_one, rows[team.pk].one_on_one_overdue) == (10, True)
    assert (rows[recent.pk].days_since_one_on_one, rows[recent.pk].one_on_one_overdue) == (
        3,
        False,
    )
    assert rows[quiet.pk].last_one_on_one_at is None
    assert rows[quiet.pk].one_on_one_overdue


def test_learnings_reach_the_teams_they_are_shared_with(team, other_team):
    shared = LearningFactory(title="Shared")
    shared.teams.add(team)
    everyone = LearningFactory(title="Everyone", for_everyone=True)
    own = LearningFactory(title="Own", source_team=team)
    LearningFactory(title="Elsewhere").teams.add(other_team)

    assert set(type(shared).objects.shared_with(team)) == {shared, everyone, own}


def test_learnings_search_ranks_titles_first():
    body_match = LearningFactory(title="Hiring", body="Wallets were a surprise")
    title_match = LearningFactory(title="Wallets first", body="Mobile")
    assert list(type(body_match).objects.search("wallets")) == [title_match, body_match]


def test_a_one_on_one_exactly_a_week_ago_is_not_yet_overdue(team, leader, pm):
    when = timezone.now() - timedelta(days=7)
    OneOnOneFactory(team=team, leader=leader, pm=pm, scheduled_for=when, held_at=when)
    row = with_cadence(Team.objects.filter(pk=team.pk)).get()
    assert (row.days_since_one_on_one, row.one_on_one_overdue) == (7, False)


@pytest.fixture
def learning(team, pm, other_team):
    """Written by the PM of the team that learned it, shared with another team."""
    learning = LearningFactory(source_team=team, author=pm)
    learning.teams.set([other_team])
    return learning


@pytest.mark.parametrize(
    ("who", "may"),
    [("pm", True), ("leader", True), ("admin_user", True), ("outsider", False)],
    ids=["its author", "the leader of the team that learned it", "an admin", "another PM"],
)
def test_who_may_share_a_learning_with_more_teams(request, learning, who, may):
    assert learning.may_be_shared_by(request.getfixturevalue(who)) is may


def test_the_leader_of_a_team_it_was_shared_with_may_not_share_it_further(learning, other_team):
    assert not learning.may_be_shared_by(other_team.leader)


@pytest.mark.parametrize(
    ("who", "may"), [("leader", True), ("admin_user", True), ("pm", True), ("outsider", False)]
)
def test_who_may_record_learnings(request, team, who, may):
    assert teams_learning_from(request.getfixturevalue(who)).filter(pk=team.pk).exists() is may
