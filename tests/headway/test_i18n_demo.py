"""`seed_demo --lang fr`: the same demo organization, every one of its texts in French, its
people's interface in French; the English demo as it was."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from coaching import demo as coaching_demo
from coaching.models import ActionItem, Learning, OneOnOne, TalkingPoint
from headway.models import Preference
from objectives import demo
from objectives.models import CheckIn, KeyResult, Objective, Problem, Team
from obstacles import demo as obstacles_demo
from obstacles.models import Obstacle, ObstacleEvent

pytestmark = pytest.mark.django_db

MODULES = (demo, obstacles_demo, coaching_demo)
SHIPPED = "%(title)s: shipped to every customer"
# Every field the demo writes text into.
TEXT_FIELDS = {
    Team: ("name", "mission"),
    Objective: ("title", "problem", "retrospective"),
    Problem: ("title", "why_it_matters"),
    KeyResult: ("description",),
    CheckIn: ("comment",),
    Obstacle: ("title", "description", "help_detail", "resolution"),
    ObstacleEvent: ("text",),
    OneOnOne: ("shared_notes", "private_notes"),
    TalkingPoint: ("text",),
    ActionItem: ("text",),
    Learning: ("title", "body"),
}


def seeded_texts():
    """(model.field, text) for every non-empty text the database holds."""
    for model, fields in TEXT_FIELDS.items():
        for field in fields:
            for text in model.objects.exclude(**{field: ""}).values_list(field, flat=True):
                yield f"{model.__name__}.{field}", text


def demo_texts(language):
    """Every text of the three demo modules in `language`, the past quarters' shipped key
    results written out."""
    texts = {
        demo.in_language(text, language, module.FRENCH)
        for module in MODULES
        for text in module.FRENCH
        if text != SHIPPED
    }
    shipped = demo.in_language(SHIPPED, language)
    achieved = [*demo.PREVIOUS_ACHIEVED.values(), *(a for a, _other in demo.EARLIER.values())]
    for title, _problem in achieved:
        texts.add(shipped % {"title": demo.in_language(title, language)})
    return texts


def test_french_typography():
    assert demo.french_typography("L'API : 30 % des cas ; vraiment ? « oui » 48 000 €") == (
        "L\u2019API\u00a0: 30\u00a0% des cas\u202f; vraiment\u202f? «\u00a0oui\u00a0» "
        "48\u202f000\u00a0€"
    )


def test_a_text_without_its_french_stops_the_seeding_and_leaves_nothing(monkeypatch):
    monkeypatch.delitem(obstacles_demo.FRENCH, "Partners need a refund webhook")

    with pytest.raises(KeyError, match="no French for 'Partners need a refund webhook'"):
        call_command("seed_demo", lang="fr", stdout=StringIO())

    assert not Team.objects.exists()


def test_every_text_of_the_french_demo_is_french():
    call_command("seed_demo", lang="fr", stdout=StringIO())
    english, french = demo_texts("en"), demo_texts("fr")

    texts = list(seeded_texts())
    not_french = [(where, text) for where, text in texts if text not in french]
    in_english = [(where, text) for where, text in texts if text in english]

    assert {where for where, _text in texts} == {
        f"{model.__name__}.{field}"
        for model, fields in TEXT_FIELDS.items()
        for field in fields
        if model is not CheckIn
    }
    assert not_french == []
    assert in_english == []


def test_the_french_demo_is_typeset_the_french_way():
    call_command("seed_demo", lang="fr", stdout=StringIO())

    untypeset = [
        (where, text)
        for where, text in seeded_texts()
        if "'" in text or re.search(r" [:;?!%»]|« ", text)
    ]

    assert untypeset == []
    urgent = Obstacle.objects.active().get(is_urgent=True)
    assert "30\u00a0% des paiements par carte" in urgent.description
    assert TalkingPoint.objects.filter(text__endswith="client\u202f?").exists()


def test_the_french_demo_is_the_same_organization_in_french():
    call_command("seed_demo", lang="fr", stdout=StringIO())

    checkout = Team.objects.get(slug="checkout")
    assert checkout.name == "Paiement"
    assert checkout.mission.startswith("Rendre le paiement d\u2019une réservation rapide")
    assert Team.objects.get(slug="payments-platform").name == "Plateforme paiements"
    assert Objective.objects.filter(title="Moins de paiements en échec").exists()
    assert KeyResult.objects.filter(description="Taux d\u2019échec des paiements").exists()
    assert KeyResult.objects.filter(
        description="Le paiement par carte en trois étapes\u00a0: disponible pour tous les clients"
    ).exists()
    assert Obstacle.objects.filter(
        title="Personne dans l\u2019équipe ne maîtrise la recherche vectorielle"
    ).exists()
    assert Learning.objects.filter(
        title="Apple Pay et Google Pay font baisser l\u2019abandon sur mobile"
    ).exists()
    assert not Objective.objects.filter(title="Fewer failed payments").exists()


def test_the_english_demo_is_unchanged_and_each_of_its_texts_has_its_french():
    output = StringIO()
    call_command("seed_demo", stdout=output)

    assert set(text for _where, text in seeded_texts()) == demo_texts("en")
    assert Team.objects.get(slug="checkout").name == "Checkout"
    assert Objective.objects.filter(title="Fewer failed payments").exists()
    assert Obstacle.objects.filter(title="No one on the team knows vector search").exists()
    assert "Demo organization ready in English" in output.getvalue()
    # Nobody's language is chosen for them (some chose their e-mails' day or time zone).
    assert not Preference.objects.exclude(language="").exists()


def test_seeding_again_in_the_other_language_keeps_the_demo_in_its_own():
    call_command("seed_demo", lang="fr", stdout=StringIO())
    counts = (Obstacle.objects.count(), ObstacleEvent.objects.count(), OneOnOne.objects.count())
    Preference.remember_language(Team.objects.get(slug="checkout").leader, "en")

    output = StringIO()
    call_command("seed_demo", lang="en", stdout=output)

    assert "was loaded in French and stays so" in output.getvalue()
    assert "Demo organization ready in French" in output.getvalue()
    assert (
        Obstacle.objects.count(),
        ObstacleEvent.objects.count(),
        OneOnOne.objects.count(),
    ) == counts
    assert Preference.objects.get(user__username="leader").language == "en"
    assert Preference.objects.get(user__username="pm").language == "fr"


def test_the_french_demos_people_see_headway_in_french(client):
    call_command("seed_demo", lang="fr", stdout=StringIO())
    assert set(Preference.objects.values_list("language", flat=True)) == {"fr"}

    client.post(reverse("login"), {"username": "leader", "password": demo.DEMO_PASSWORD})
    page = client.get(reverse("home")).text

    assert "Tableau de bord" in page
    assert "Paiement" in page
