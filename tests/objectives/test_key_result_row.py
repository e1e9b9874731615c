"""A key result as the team page lists it and a check-in redraws it (`{% key_result_row %}`),
drawn in Python: what people typed escaped, the links its viewer may follow, French."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from objectives.models import KeyResult, Objective
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(team, current_quarter):
    return ObjectiveFactory(team=team, quarter=current_quarter)


def row(html, key_result):
    """The key result's <li>: up to the next one's, the end of their list or of `html`."""
    start = html.index(f'<li class="key-result" id="key-result-{key_result.pk}">')
    ends = [html.find(mark, start + 1) for mark in ('<li class="key-result"', "</ul>")]
    return html[start : min([end for end in ends if end != -1] + [len(html)])]


def check_in_url(key_result):
    return reverse("objectives:check_in", args=[key_result.objective.team.slug, key_result.pk])


def test_what_people_typed_is_escaped(client_for, pm, team, objective):
    owner = UserFactory(first_name="<b>Eve</b>", last_name="")
    team.memberships.create(user=owner, role="member")
    key_result = KeyResultFactory(
        objective=objective, description="<script>alert(1)</script>", owner=owner
    )
    CheckInFactory(key_result=key_result, author=owner, value=10)

    shown = row(client_for(pm).get(team.get_absolute_url()).text, key_result)

    assert "<script>" not in shown and "<b>" not in shown
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f'<p class="key-result-description">{escaped}</p>' in shown
    assert f'aria-label="Check in: {escaped}"' in shown
    assert f'aria-label="Edit key result: {escaped}"' in shown
    assert "Owner: &lt;b&gt;Eve&lt;/b&gt;" in shown
    assert " by &lt;b&gt;Eve&lt;/b&gt;</span>" in shown


def test_a_row_shows_where_the_key_result_stands_and_its_history(client_for, pm, team, objective):
    key_result = KeyResultFactory(objective=objective, start_value=0, target_value=200)
    CheckInFactory(key_result=key_result, value=20, created_at=timezone.now() - timedelta(days=7))
    CheckInFactory(key_result=key_result, value=50, confidence="at_risk")
    never = KeyResultFactory(objective=objective)

    page = client_for(pm).get(team.get_absolute_url()).text

    shown = row(page, key_result)
    assert "<strong>50</strong> of 200 (from 0)\n      · 25%" in shown
    assert '<span class="badge tone-at_risk">At risk</span>' in shown
    assert "<summary>History: 2 check-ins</summary>" in shown
    assert f'<a href="{key_result.get_absolute_url()}">Open the key result\'s page</a>' in shown
    assert 'class="progress-line"' in shown
    untouched = row(page, never)
    assert '<span class="muted">No check-in yet</span>' in untouched
    assert "History" not in untouched


def test_a_milestone_says_whether_it_is_reached(client_for, pm, team, objective):
    milestone = KeyResultFactory(
        objective=objective, unit=KeyResult.Unit.MILESTONE, start_value=0, target_value=1
    )
    CheckInFactory(key_result=milestone, value=1)

    assert "<strong>Reached</strong>" in row(
        client_for(pm).get(team.get_absolute_url()).text, milestone
    )


def test_only_those_who_may_check_in_or_edit_get_the_links(
    client_for, pm, outsider, team, objective
):
    key_result = KeyResultFactory(objective=objective)

    for_pm = row(client_for(pm).get(team.get_absolute_url()).text, key_result)
    for_outsider = row(client_for(outsider).get(team.get_absolute_url()).text, key_result)

    assert f'href="{check_in_url(key_result)}" data-hx-get="{check_in_url(key_result)}"' in for_pm
    assert "/edit/" in for_pm
    assert "key-result-actions" in for_outsider
    assert "/check-in/" not in for_outsider and "/edit/" not in for_outsider


def test_a_dropped_objectives_key_results_take_no_check_in(client_for, pm, team, objective):
    key_result = KeyResultFactory(objective=objective)
    Objective.objects.filter(pk=objective.pk).update(status=Objective.Status.DROPPED)

    shown = row(client_for(pm).get(team.get_absolute_url()).text, key_result)

    assert "/check-in/" not in shown


def test_a_check_in_saved_inline_redraws_the_row_saying_so(client_for, pm, objective):
    key_result = KeyResultFactory(objective=objective)

    response = client_for(pm).post(
        check_in_url(key_result),
        {"value": "30", "confidence": "on_track", "comment": "", "day": timezone.localdate()},
        HTTP_HX_REQUEST="true",
    )

    shown = row(response.text, key_result)
    assert '<p class="saved-note" role="status">Check-in saved.</p>' in shown
    assert "<strong>30</strong> of 100 (from 0)" in shown


def test_a_row_speaks_french(client_for, pm, team, objective):
    key_result = KeyResultFactory(objective=objective, start_value=0, target_value=2000)
    CheckInFactory(key_result=key_result, author=pm, value=1500)
    client = client_for(pm)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    shown = row(client.get(team.get_absolute_url()).text, key_result)

    assert "<strong>1\xa0500</strong> sur 2\xa0000 (départ\xa0: 0)" in shown
    assert "<summary>Historique\xa0: 1 point</summary>" in shown
