"""The administration in French for a French reader: Django's own admin in French, Headway's
names (models, fields, choices, filters, actions) in French too, and the history of a change
in the language of whoever reads it, not of whoever made the change."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils.html import strip_tags

from tests.factories import ObjectiveFactory, ObstacleFactory

pytestmark = pytest.mark.django_db

FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}


def visible_text(response):
    return " ".join(strip_tags(response.text).split())


def test_the_admins_sign_in_page_in_french(client):
    response = client.get(reverse("admin:login"), headers=FRENCH)

    assert '<html lang="fr"' in response.text
    text = visible_text(response)
    assert "Administration de Headway" in text
    assert "Nom d’utilisateur" in text and "Mot de passe" in text
    assert "Username" not in text and "Log in" not in text


def test_the_admins_index_in_french(client_for, admin_user):
    text = visible_text(client_for(admin_user).get(reverse("admin:index"), headers=FRENCH))

    for french in ["Administration de Headway", "Objectifs", "Obstacles", "Coaching"]:
        assert french in text
    for name in ["Équipes", "Trimestres", "Points d’avancement", "1:1", "Enseignements"]:
        assert name in text
    assert "Site administration" not in text and "Recent actions" not in text


def test_the_obstacle_changelist_in_french(client_for, admin_user, team, pm):
    ObstacleFactory(team=team, created_by=pm, kind="customer", severity=4, is_urgent=True)

    response = client_for(admin_user).get(
        reverse("admin:obstacles_obstacle_changelist"), headers=FRENCH
    )

    text = visible_text(response)
    for french in ["Titre", "Équipe", "Gravité", "Escalade client", "Critique", "Ouvert"]:
        assert french in text
    assert "Par ouvert ou clos" in text
    assert "Ouvert ou en cours" in text
    for english in ["Customer escalation", "Severity", "Add obstacle", "Filter", "Open or"]:
        assert english not in text


def test_the_teams_admin_actions_in_french(client_for, admin_user, team):
    response = client_for(admin_user).get(
        reverse("admin:objectives_team_changelist"), headers=FRENCH
    )

    assert "Archiver les équipes sélectionnées" in response.text
    assert "Équipe plateforme" in visible_text(response)


def test_a_change_made_in_french_reads_in_english_for_an_english_admin(
    client_for, admin_user, team, pm, current_quarter
):
    objective = ObjectiveFactory(team=team, quarter=current_quarter, title="Old")
    client_for(pm).post(
        reverse("objectives:objective_edit", args=[team.slug, objective.pk]),
        {"title": "Nouveau", "problem": objective.problem, "status": "active", "version": 1},
        headers=FRENCH,
    )
    entry = LogEntry.objects.get(object_id=str(objective.pk))
    history = reverse("admin:objectives_objective_history", args=[objective.pk])

    english = visible_text(client_for(admin_user).get(history))
    french = visible_text(client_for(admin_user).get(history, headers=FRENCH))

    assert entry.change_message == '[{"changed": {"fields": ["title"]}}]'
    assert "Changed title." in english
    assert "Modification de titre." in french
