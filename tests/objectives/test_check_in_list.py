"""A key result's check-ins as the team page and the key result's page list them
(`{% check_in_list %}`), and its progress line (`{% progress_line %}`): both drawn in Python."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from objectives.models import KeyResult
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_result(team, current_quarter):
    objective = ObjectiveFactory(team=team, quarter=current_quarter)
    return KeyResultFactory(objective=objective, start_value=0, target_value=100)


def history(html):
    """The check-in list of the page (its first), as HTML."""
    start = html.index('<ol class="check-in-list"')
    return html[start : html.index("</ol>", start)]


def test_what_people_typed_is_escaped(client_for, pm, key_result):
    author = UserFactory(first_name="<script>alert(1)</script>", last_name="Eve")
    CheckInFactory(
        key_result=key_result,
        author=author,
        comment="<script>alert(2)</script>\nSecond line & more",
    )

    page = client_for(pm).get(key_result.get_absolute_url())

    listed = history(page.text)
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Eve" in listed
    expected = "&lt;script&gt;alert(2)&lt;/script&gt;<br>Second line &amp; more"
    assert f'<p class="check-in-comment">{expected}</p>' in listed


def test_the_latest_check_in_comes_first_with_its_value_and_confidence(client_for, pm, key_result):
    CheckInFactory(key_result=key_result, value=20, created_at=timezone.now() - timedelta(1))
    CheckInFactory(key_result=key_result, value=1234.5, confidence="at_risk")

    listed = history(client_for(pm).get(key_result.objective.team.get_absolute_url()).text)

    assert listed.index("<strong>1,234.5</strong>") < listed.index("<strong>20</strong>")
    assert '<span class="badge tone-at_risk">At risk</span>' in listed


def test_a_milestone_says_whether_each_check_in_reached_it(client_for, pm, key_result):
    KeyResult.objects.filter(pk=key_result.pk).update(unit=KeyResult.Unit.MILESTONE, target_value=1)
    CheckInFactory(key_result=key_result, value=0, created_at=timezone.now() - timedelta(1))
    CheckInFactory(key_result=key_result, value=1)

    listed = history(client_for(pm).get(key_result.get_absolute_url()).text)

    assert listed.index("<strong>Reached</strong>") < listed.index("<strong>Not yet</strong>")


def test_only_check_ins_the_viewer_may_change_have_links_to_change_them(
    client_for, pm, tech_lead, key_result
):
    recent = CheckInFactory(key_result=key_result, author=pm)
    old = CheckInFactory(
        key_result=key_result, author=pm, created_at=timezone.now() - timedelta(days=8)
    )

    by_author = history(client_for(pm).get(key_result.get_absolute_url()).text)
    by_someone_else = history(client_for(tech_lead).get(key_result.get_absolute_url()).text)

    assert f"/check-ins/{recent.pk}/correct/" in by_author
    assert f"/check-ins/{recent.pk}/delete/" in by_author
    assert f"/check-ins/{old.pk}/" not in by_author
    assert "check-in-actions" not in by_someone_else


def test_a_corrected_check_in_says_so(client_for, pm, key_result):
    CheckInFactory(key_result=key_result, author=pm, corrected_at=timezone.now())

    assert " · corrected</span>" in history(client_for(pm).get(key_result.get_absolute_url()).text)


def test_the_list_and_the_line_speak_french(client_for, pm, key_result):
    check_in = CheckInFactory(
        key_result=key_result, author=pm, value=1234.5, corrected_at=timezone.now()
    )
    day = timezone.localtime(check_in.created_at)
    client = client_for(pm)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    page = client.get(key_result.objective.team.get_absolute_url()).text

    listed = history(page)
    assert "<strong>1\xa0234,5</strong>" in listed
    assert '<span class="badge tone-on_track">En bonne voie</span>' in listed
    assert " · corrigé</span>" in listed
    assert f'aria-label="Corriger le point d’avancement du {day.day} ' in listed
    assert 'aria-label="Courbe d’avancement tirée de 1 point\xa0: ' in page
