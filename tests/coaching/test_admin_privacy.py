"""The administration never shows what a 1:1's pair wrote: an admin can reassign or delete a
series on request, and sees who, which team and when, never the notes, talking points or
action items."""

import json
import logging

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from coaching.models import ActionItem, OneOnOne, TalkingPoint
from tests.factories import ActionItemFactory, OneOnOneFactory, TeamFactory

pytestmark = pytest.mark.django_db

PRIVATE = "Thinking of moving Sam to another team"
SHARED = "Agreed to cut the scope of the wallet work"
TALKING_POINT = "Can I take two weeks off in March"
ACTION = "Ask Finance about the fraud review budget"
CONTENT = [PRIVATE, SHARED, TALKING_POINT, ACTION]


@pytest.fixture
def written(one_on_one, last_one_on_one, pm):
    """A series whose 1:1s hold every kind of content."""
    for meeting in (one_on_one, last_one_on_one):
        meeting.private_notes, meeting.shared_notes = PRIVATE, SHARED
        meeting.save()
        TalkingPoint.objects.create(one_on_one=meeting, author=pm, text=TALKING_POINT)
        ActionItemFactory(one_on_one=meeting, text=ACTION)
    return one_on_one


def assert_no_content(response):
    assert response.status_code == 200, response.status_code
    for text in CONTENT:
        assert text not in response.text, text


def admin_pages(one_on_one, pm):
    change = f"admin:{OneOnOne._meta.app_label}_oneonone"
    return [
        reverse("admin:index"),
        reverse("admin:app_list", args=["coaching"]),
        reverse(f"{change}_changelist"),
        reverse(f"{change}_changelist") + "?q=fraud",
        reverse(f"{change}_change", args=[one_on_one.pk]),
        reverse(f"{change}_history", args=[one_on_one.pk]),
        reverse(f"{change}_delete", args=[one_on_one.pk]),
        # Deleting the PM lists what refers to them: their 1:1s, talking points, action items.
        reverse("admin:auth_user_delete", args=[pm.pk]),
        reverse("admin:auth_user_change", args=[pm.pk]),
    ]


def test_no_admin_page_shows_what_the_pair_wrote(client_for, admin_user, written, pm):
    client = client_for(admin_user)
    for url in admin_pages(written, pm):
        assert_no_content(client.get(url))


def test_the_admin_cannot_reach_notes_talking_points_or_action_items(
    client_for, admin_user, written
):
    client = client_for(admin_user)
    for model in (TalkingPoint, ActionItem):
        url = f"/admin/coaching/{model._meta.model_name}/"
        assert client.get(url).status_code == 404
    # A 1:1's page in the administration has nothing to edit: a post changes nothing.
    url = reverse("admin:coaching_oneonone_change", args=[written.pk])
    response = client.post(url, {"private_notes": "overwritten", "shared_notes": "overwritten"})
    assert response.status_code == 403
    written.refresh_from_db()
    assert written.private_notes == PRIVATE and written.shared_notes == SHARED


def test_search_and_filters_do_not_look_into_the_content(client_for, admin_user, written):
    url = reverse("admin:coaching_oneonone_changelist")
    client = client_for(admin_user)
    for words in ("moving Sam", "scope of the wallet", "two weeks off", "fraud review"):
        response = client.get(url, {"q": words})
        assert response.context["cl"].result_count == 0, words
    # People and teams are what an admin looks a series up by.
    response = client.get(url, {"q": "Rivera"})
    assert response.context["cl"].result_count == 2


def test_the_delete_confirmation_counts_the_content_without_showing_it(
    client_for, admin_user, written
):
    url = reverse("admin:coaching_oneonone_changelist")
    response = client_for(admin_user).post(
        url, {"action": "delete_selected", "_selected_action": [written.pk]}
    )
    assert_no_content(response)
    assert "Talking points: 1" in response.text


def test_the_admin_moves_a_series_to_another_team_without_seeing_it(
    client_for, admin_user, written, last_one_on_one, leader, pm
):
    new_team = TeamFactory(name="Wallets", leader=leader)
    url = reverse("admin:coaching_oneonone_changelist")
    client = client_for(admin_user)
    form = client.post(url, {"action": "move_series", "_selected_action": [written.pk]})
    assert_no_content(form)
    assert "handover page" in form.text

    response = client.post(
        url,
        {
            "action": "move_series",
            "_selected_action": [written.pk],
            "apply": "1",
            "team": new_team.pk,
        },
    )

    assert response.status_code == 302
    moved = OneOnOne.objects.filter(team=new_team)
    assert set(moved) == {written, last_one_on_one}
    # The same two people: all they wrote stays theirs, private notes included.
    assert {(o.leader, o.pm, o.private_notes) for o in moved} == {(leader, pm, PRIVATE)}
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(OneOnOne))
    assert entries.filter(action_flag=CHANGE).count() == 2
    for entry in entries:
        assert all(text not in entry.change_message for text in CONTENT)
    assert_no_content(client.get(reverse("admin:coaching_oneonone_history", args=[written.pk])))


def test_an_admin_cannot_hand_a_series_to_someone_else(client_for, admin_user, written):
    """Who takes one side's place is a handover: the 1:1s held stay with those who held them."""
    form = client_for(admin_user).post(
        reverse("admin:coaching_oneonone_change", args=[written.pk]), {"pm": 1, "leader": 1}
    )
    assert form.status_code == 403
    action = client_for(admin_user).post(
        reverse("admin:coaching_oneonone_changelist"),
        {"action": "move_series", "_selected_action": [written.pk]},
    )
    assert 'name="pm"' not in action.text and 'name="leader"' not in action.text


def test_moving_onto_a_team_where_the_pair_has_a_series_is_refused(
    client_for, admin_user, written, leader, pm
):
    other = TeamFactory(leader=leader)
    OneOnOneFactory(team=other, leader=leader, pm=pm)
    url = reverse("admin:coaching_oneonone_changelist")
    response = client_for(admin_user).post(
        url,
        {
            "action": "move_series",
            "_selected_action": [written.pk],
            "apply": "1",
            "team": other.pk,
        },
    )
    assert response.status_code == 200
    assert "These two already have 1:1s for" in response.text
    assert OneOnOne.objects.filter(team=other).count() == 1


def test_the_admin_deletes_a_whole_series(client_for, admin_user, written, leader):
    another_team = TeamFactory(leader=leader)
    kept = OneOnOneFactory(team=another_team, leader=leader)
    url = reverse("admin:coaching_oneonone_changelist")
    client = client_for(admin_user)
    confirm = client.post(url, {"action": "delete_series", "_selected_action": [written.pk]})
    assert_no_content(confirm)
    assert "2 1:1s" in confirm.text

    response = client.post(
        url, {"action": "delete_series", "_selected_action": [written.pk], "apply": "1"}
    )

    assert response.status_code == 302
    assert list(OneOnOne.objects.all()) == [kept]
    assert not TalkingPoint.objects.exists() and not ActionItem.objects.exists()
    for entry in LogEntry.objects.all():
        assert all(text not in entry.object_repr + entry.change_message for text in CONTENT)


def test_no_log_line_carries_what_the_pair_wrote(client_for, written, leader, pm, caplog):
    caplog.set_level(logging.DEBUG)
    pk = written.pk
    client = client_for(leader)
    private = {"text": PRIVATE + "!", "version": 1}
    client.post(reverse("coaching:save_notes", args=[pk, "private"]), private)
    client.post(reverse("coaching:save_notes", args=[pk, "shared"]), {"text": SHARED, "version": 1})
    client.post(reverse("coaching:add_talking_point", args=[pk]), {"text": TALKING_POINT})
    client.post(reverse("coaching:add_action_item", args=[pk]), {"text": ACTION})
    assert caplog.records
    for record in caplog.records:
        line = record.getMessage() + json.dumps(vars(record), default=str)
        assert all(text not in line for text in CONTENT), record.name


@pytest.mark.parametrize("name", ["save_notes", "add_talking_point", "add_action_item"])
def test_error_reports_hide_what_the_pair_wrote(client_for, leader, written, name):
    """An error while saving would be reported with the request: its text is masked."""
    args = [written.pk, "private"] if name == "save_notes" else [written.pk]
    response = client_for(leader).post(reverse(f"coaching:{name}", args=args), {"text": PRIVATE})
    assert "text" in response.wsgi_request.sensitive_post_parameters


def test_old_history_entries_lose_the_content_they_named(admin_user, written):
    """History written before: the inlines of the 1:1 admin named each talking point."""
    import importlib

    from django.apps import apps

    one_on_one_type = ContentType.objects.get_for_model(OneOnOne)
    point_type = ContentType.objects.get_for_model(TalkingPoint)
    message = [{"changed": {"name": "talking point", "object": TALKING_POINT, "fields": ["Text"]}}]
    changed = LogEntry.objects.create(
        user=admin_user,
        content_type=one_on_one_type,
        object_id=str(written.pk),
        object_repr=str(written),
        action_flag=CHANGE,
        change_message=json.dumps(message),
    )
    deleted = LogEntry.objects.create(
        user=admin_user,
        content_type=point_type,
        object_id="7",
        object_repr=TALKING_POINT,
        action_flag=CHANGE,
        change_message=f"Changed {ACTION}",
    )
    migration = importlib.import_module("coaching.migrations.0003_scrub_admin_history")

    migration.scrub_history(apps, None)

    changed.refresh_from_db()
    deleted.refresh_from_db()
    assert TALKING_POINT not in changed.change_message
    assert json.loads(changed.change_message)[0]["changed"]["fields"] == ["Text"]
    assert TALKING_POINT not in deleted.object_repr and ACTION not in deleted.change_message
