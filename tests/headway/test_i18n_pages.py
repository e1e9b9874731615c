"""Pages served in French when the browser asks for it: the compiled catalogue, Django's
own French (form labels, time spans), and dates and numbers written the French way."""

import re
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActionItemFactory,
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    ObstacleFactory,
    OneOnOneFactory,
)

pytestmark = pytest.mark.django_db

FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}


@pytest.fixture
def checked_in_key_result(team, pm, current_quarter):
    objective = ObjectiveFactory(
        team=team, quarter=current_quarter, owner=pm, title="Fewer fraud losses"
    )
    key_result = KeyResultFactory(
        objective=objective,
        description="Fraud losses per month",
        unit="currency",
        start_value=48000,
        target_value=20000,
    )
    day = max(current_quarter.start, timezone.localdate().replace(day=1))
    when = timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=9)))
    CheckInFactory(key_result=key_result, author=pm, value="35250.5", created_at=when)
    return key_result, day


def test_sign_in_page_in_french_with_djangos_own_labels(client):
    page = client.get(reverse("login"), headers=FRENCH).text
    assert "<title>Se connecter" in page
    assert "Nom d\u2019utilisateur" in page
    assert "Mot de passe oublié\u202f?" in page
    assert "Sign in" not in page


def test_a_refused_sign_in_explains_itself_in_french(client):
    response = client.post(
        reverse("login"), {"username": "nobody", "password": "wrong"}, headers=FRENCH
    )
    assert "Saisissez un nom d\u2019utilisateur et un mot de passe valides" in response.text


def test_team_page_in_french_with_french_dates_and_numbers(
    client_for, pm, team, checked_in_key_result, current_quarter
):
    _key_result, day = checked_in_key_result

    page = client_for(pm).get(reverse("team", args=[team.slug]), headers=FRENCH).text

    assert f"Objectifs pour {current_quarter.label}" in page
    assert "Ajouter un résultat clé" in page
    assert "Confiance de l\u2019équipe" in page
    assert "35\xa0250,50" in page and "48\xa0000" in page
    months = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    assert f"{day.day} {months.split()[day.month - 1]} {day.year}, par Sam Rivera" in page


def test_the_same_team_page_in_english(client_for, pm, team, checked_in_key_result):
    page = client_for(pm).get(reverse("team", args=[team.slug])).text
    assert "Add a key result" in page
    assert "35,250.50" in page and "48,000" in page


def test_leaders_dashboard_in_french(client_for, leader, team, current_quarter):
    page = client_for(leader).get(reverse("home"), headers=FRENCH).text
    assert "Vos équipes" in page
    assert "Goulots d\u2019étranglement" in page


def test_a_refusal_in_french(client_for, outsider, team, current_quarter):
    response = client_for(outsider).get(
        reverse("objectives:objective_create", args=[team.slug]), headers=FRENCH
    )
    assert response.status_code == 403
    assert "Vous ne pouvez pas faire cela" in response.text


def assert_svg_numbers_unlocalized(page):
    """SVG wants 0.5, never the French 0,5: a chart's figures are not localized."""
    charts = "".join(re.findall(r"<svg.*?</svg>", page, re.DOTALL))
    attributes = re.findall(
        r'\b(x|y|x1|x2|y1|y2|cx|cy|width|height|points|viewBox)="([^"]*)"', charts
    )
    assert attributes
    for name, value in attributes:
        number = r"-?\d+(?:\.\d+)?"
        pattern = rf"{number},{number}" if name == "points" else number
        assert all(re.fullmatch(pattern, part) for part in value.split()), (name, value)


def test_the_team_pages_charts_in_french(client_for, pm, team, checked_in_key_result):
    page = client_for(pm).get(reverse("team", args=[team.slug]), headers=FRENCH).text
    assert_svg_numbers_unlocalized(page)


def test_the_dashboards_waiting_graph_in_french(client_for, leader, team, other_team):
    ObstacleFactory(team=team, kind="platform", blocking_team=other_team, title="Refund API")
    page = client_for(leader).get(reverse("home"), headers=FRENCH).text
    assert 'class="waiting-graph"' in page
    assert_svg_numbers_unlocalized(page)


def test_date_fields_keep_iso_dates_in_french(client_for, pm, team, checked_in_key_result):
    key_result, _day = checked_in_key_result
    url = reverse("objectives:check_in", args=[team.slug, key_result.pk])
    page = client_for(pm).get(url, headers=FRENCH).text
    today = timezone.localdate().isoformat()
    assert re.search(rf'<input type="date" name="day" value="{today}"', page)


def test_an_edit_on_the_timeline_names_the_fields_in_the_readers_language(
    client_for, pm, leader, team
):
    obstacle = ObstacleFactory(team=team, created_by=pm, title="Refund API")
    client_for(pm).post(
        reverse("obstacles:edit", args=[obstacle.pk]),
        {
            "title": "Remboursements bloqués",
            "kind": "other",
            "description": obstacle.description,
            "severity": 4,
            "help_wanted": "",
            "version": obstacle.version,
        },
        headers=FRENCH,
    )
    url = obstacle.get_absolute_url()

    english = client_for(leader).get(url).text
    french = client_for(leader).get(url, headers=FRENCH).text

    assert "</strong> edited: title, severity" in english
    assert "</strong> a modifié\xa0: titre, gravité" in french


def test_counts_of_every_size_read_in_french(client_for, leader, team, pm, current_quarter):
    """French has three plural forms (0 and 1, millions, the rest): a count of ten used to
    fall back to English when the catalogue gave only two."""
    held = OneOnOneFactory(
        team=team, pm=pm, scheduled_for=timezone.now() - timezone.timedelta(days=10)
    )
    held.mark_held(when=held.scheduled_for)
    for days_late in (1, 10):
        ActionItemFactory(
            one_on_one=held, due_date=timezone.localdate() - timezone.timedelta(days=days_late)
        )

    page = client_for(leader).get(reverse("home"), headers=FRENCH).text

    assert "1 jour de retard" in page and "10 jours de retard" in page
    assert "il y a 10 jours" in page
    assert "days" not in page


def test_the_obstacle_export_in_french(client_for, pm, team):
    ObstacleFactory(team=team, created_by=pm, kind="customer", is_urgent=True, title="Refus")

    response = client_for(pm).get(reverse("obstacles:export"), headers=FRENCH)

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("ID,Titre,Équipe,Type,Statut,Gravité,Urgent")
    assert ",Refus,Checkout,Escalade client,Ouvert,Moyenne,oui," in lines[1]
