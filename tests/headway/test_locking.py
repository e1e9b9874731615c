"""The one conditional update of optimistic locking (headway.locking), on a model that has it."""

import pytest
from django.utils import timezone

from headway.locking import Conflict, save_if_unchanged
from objectives.models import Objective
from tests.factories import ObjectiveFactory, OneOnOneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(team, current_quarter):
    return ObjectiveFactory(team=team, quarter=current_quarter, title="Pay in two taps")


def test_a_save_based_on_the_stored_version_is_one_update_that_bumps_it(
    objective, django_assert_num_queries
):
    before = objective.updated_at
    objective.title = "Pay in one tap"

    with django_assert_num_queries(1):
        save_if_unchanged(objective, 1, ["title"])

    assert objective.version == 2
    stored = Objective.objects.get(pk=objective.pk)
    assert (stored.title, stored.version) == ("Pay in one tap", 2)
    assert before < stored.updated_at <= timezone.now()


def test_only_the_named_fields_are_saved(objective):
    problem = objective.problem
    objective.title, objective.problem = "Pay in one tap", "Not saved"
    save_if_unchanged(objective, 1, ["title"])
    assert Objective.objects.get(pk=objective.pk).problem == problem


def test_a_save_based_on_an_older_version_saves_nothing_and_carries_the_stored_one(objective):
    theirs = Objective.objects.get(pk=objective.pk)
    theirs.title = "Theirs"
    save_if_unchanged(theirs, 1, ["title"])
    objective.title = "Mine"

    with pytest.raises(Conflict) as conflict:
        save_if_unchanged(objective, 1, ["title"])

    assert (conflict.value.current.title, conflict.value.current.version) == ("Theirs", 2)
    stored = Objective.objects.get(pk=objective.pk)
    assert (stored.title, stored.version) == ("Theirs", 2)
    assert objective.version == 1


def test_another_version_column_for_a_part_edited_apart(team, leader, pm):
    one_on_one = OneOnOneFactory(team=team, leader=leader, pm=pm)
    one_on_one.private_notes = "Mine alone"
    save_if_unchanged(one_on_one, 1, ["private_notes"], version_field="private_notes_version")

    assert (one_on_one.private_notes_version, one_on_one.shared_notes_version) == (2, 1)
    with pytest.raises(Conflict):
        save_if_unchanged(one_on_one, 1, ["private_notes"], version_field="private_notes_version")
