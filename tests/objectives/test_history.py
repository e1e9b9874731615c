"""Every change to objectives and key results made in Headway is in the admin's history."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.urls import reverse

from objectives.models import Objective
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return LogEntry.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)


def test_a_new_objective_is_recorded_with_who_added_it(client_for, team, pm, current_quarter):
    client_for(pm).post(
        reverse("objectives:objective_create", args=[team.slug]),
        {"title": "Faster checkout", "problem": "Slow", "owner": pm.pk},
    )
    objective = Objective.objects.get(title="Faster checkout")
    entry = entries_for(objective).get()
    assert (entry.user, entry.action_flag) == (pm, ADDITION)


def test_an_edit_records_the_fields_changed(client_for, team, leader, current_quarter):
    objective = ObjectiveFactory(team=team, quarter=current_quarter, title="Old")
    client_for(leader).post(
        reverse("objectives:objective_edit", args=[team.slug, objective.pk]),
        {"title": "New", "problem": objective.problem, "status": "active", "version": 1},
    )
    entry = entries_for(objective).get()
    assert (entry.user, entry.action_flag) == (leader, CHANGE)
    assert entry.get_change_message() == "Changed title."


def test_deleting_a_key_result_is_recorded(client_for, team, pm, current_quarter):
    key_result = KeyResultFactory(objective__team=team, objective__quarter=current_quarter)
    client_for(pm).post(reverse("objectives:key_result_delete", args=[team.slug, key_result.pk]))
    assert entries_for(key_result).get().action_flag == DELETION


def test_the_admin_shows_the_history(client_for, admin_user, team, pm, current_quarter):
    objective = ObjectiveFactory(team=team, quarter=current_quarter)
    client_for(pm).post(reverse("objectives:objective_drop", args=[team.slug, objective.pk]))
    response = client_for(admin_user).get(
        reverse("admin:objectives_objective_history", args=[objective.pk])
    )
    assert response.status_code == 200
    assert b"Dropped" in response.content
    assert pm.username.encode() in response.content
