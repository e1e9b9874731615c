"""`seed_demo --lang fr`: the same demo organization, its names and texts in French, its
people's interface in French."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from headway.models import Preference
from objectives import demo
from objectives.models import KeyResult, Objective, Team

pytestmark = pytest.mark.django_db


def english_demo_texts():
    for name, mission, *_ in demo.TEAMS.values():
        yield from (name, mission)
    for objectives in demo.OBJECTIVES.values():
        for title, problem, key_results in objectives:
            yield from (title, problem, *(text for text, *_ in key_results))
    for title, problem in demo.PREVIOUS_ACHIEVED.values():
        yield from (title, problem)
    yield "%(title)s: shipped to every customer"


def test_every_demo_text_has_its_french():
    english = set(english_demo_texts())
    assert english - demo.FRENCH.keys() == set()
    assert demo.FRENCH.keys() - english == set()
    assert all(demo.FRENCH[text] != text for text in english if " " in text)


def test_the_french_demo_is_the_same_organization_in_french():
    call_command("seed_demo", lang="fr", stdout=StringIO())

    checkout = Team.objects.get(slug="checkout")
    assert checkout.name == "Paiement"
    assert checkout.mission.startswith("Rendre le paiement d'une réservation rapide")
    assert Team.objects.get(slug="payments-platform").name == "Plateforme paiements"
    assert Objective.objects.filter(title="Moins de paiements en échec").exists()
    assert KeyResult.objects.filter(description="Taux d'échec des paiements").exists()
    assert KeyResult.objects.filter(
        description="Le paiement par carte en trois étapes : disponible pour tous les clients"
    ).exists()
    assert not Objective.objects.filter(title="Fewer failed payments").exists()


def test_the_french_demos_people_see_headway_in_french(client):
    call_command("seed_demo", lang="fr", stdout=StringIO())
    assert set(Preference.objects.values_list("language", flat=True)) == {"fr"}

    client.post(reverse("login"), {"username": "leader", "password": demo.DEMO_PASSWORD})
    page = client.get(reverse("home")).text

    assert "Tableau de bord" in page
    assert "Paiement" in page


def test_the_english_demo_by_default_follows_each_browser():
    call_command("seed_demo", stdout=StringIO())
    assert Team.objects.get(slug="checkout").name == "Checkout"
    assert Objective.objects.filter(title="Fewer failed payments").exists()
    assert not Preference.objects.exists()
