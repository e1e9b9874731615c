"""The French demo as its leader and its PM see it in a browser that asks for French: every
page of their journeys reads in French, the demo's own texts included (no English left, no raw
Markdown), and French, longer than English, neither overflows nor scrolls sideways at desktop
and phone widths."""

from io import StringIO

import pytest
from django.core.management import call_command

from coaching.models import OneOnOne
from obstacles.models import Obstacle
from tests.headway.test_i18n_demo import demo_texts

from .conftest import (
    FRENCH_WIDTHS,
    SCREENSHOTS,
    assert_accessible,
    assert_no_horizontal_scroll,
    sign_in_in_french,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def last_held(pm):
    return OneOnOne.objects.filter(pm__username=pm, held_at__isnull=False).latest("held_at")


def obstacle(title_start):
    return Obstacle.objects.get(title__startswith=title_start)


# (who, page, its address once the demo is loaded, a heading it shows)
JOURNEYS = [
    ("leader", "dashboard", lambda: "/", "Vos équipes"),
    ("leader", "team", lambda: "/teams/onboarding/", "Onboarding entreprises"),
    ("leader", "log", lambda: "/obstacles/", "Obstacles"),
    (
        "leader",
        "obstacle-urgent",
        lambda: obstacle("Les paiements par carte").get_absolute_url(),
        "Les paiements par carte de notre plus grosse agence partenaire échouent",
    ),
    (
        "leader",
        "obstacle-accepted",
        lambda: obstacle("Le mode hors connexion").get_absolute_url(),
        "Résolution",
    ),
    (
        "leader",
        "one-on-one-coming",
        lambda: OneOnOne.objects.upcoming().get(pm__username="pm").get_absolute_url(),
        "Ordre du jour",
    ),
    ("leader", "one-on-one-held", lambda: last_held("pm").get_absolute_url(), "Notes"),
    ("leader", "learnings", lambda: "/coaching/learnings/", "Enseignements"),
    ("pm", "team", lambda: "/teams/checkout/", "Paiement"),
    ("pm", "log", lambda: "/obstacles/?team=checkout", "Obstacles"),
    (
        "pm",
        "obstacle-dependency",
        lambda: obstacle("Le parcours 3-D Secure 2").get_absolute_url(),
        "Historique",
    ),
    ("pm", "next-one-on-one", lambda: "/coaching/next/", "Ordre du jour"),
    ("pm", "one-on-one-held", lambda: last_held("pm").get_absolute_url(), "Notes"),
    ("pm", "learnings", lambda: "/coaching/learnings/", "Enseignements"),
]


@pytest.fixture
def french_demo(live_server):
    call_command("seed_demo", lang="fr", stdout=StringIO())


def english_left_on(page):
    """The demo's English texts of three words or more that the page still shows."""
    text = page.locator("main").inner_text()
    return sorted(
        source for source in demo_texts("en") if source.count(" ") >= 2 and source in text
    )


@pytest.mark.parametrize("width", FRENCH_WIDTHS)
@pytest.mark.parametrize(
    ("who", "name", "address", "heading"), JOURNEYS, ids=[f"{j[0]}-{j[1]}" for j in JOURNEYS]
)
def test_the_french_demo_reads_in_french(
    french_page, french_demo, screenshot, who, name, address, heading, width
):
    page = french_page(width)
    sign_in_in_french(page, who)

    page.goto(address())

    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name=heading).first.is_visible()
    assert english_left_on(page) == []
    assert "**" not in page.locator("main").inner_text()
    assert_no_horizontal_scroll(page)
    screenshot(page, f"i18n-demo-{who}-{name}-{width}")
    assert_accessible(page)


@pytest.mark.parametrize("width", FRENCH_WIDTHS)
def test_the_leader_previews_french_markdown_notes(french_page, french_demo, width):
    one_on_one = OneOnOne.objects.filter(
        pm__username="pm", held_at__isnull=False, shared_notes__contains="\n- "
    ).first()
    page = french_page(width)
    sign_in_in_french(page, "leader")
    page.goto(one_on_one.get_absolute_url())

    notes = page.locator("form.notes-form").first
    notes.get_by_text("Aperçu").click()

    preview = notes.locator(".markdown")
    assert preview.locator("strong").inner_text() == "confiance"
    assert preview.locator("li").all_inner_texts() == [
        "L\u2019équipe veut un circuit de décision plus clair quand le périmètre change",
        "Démo à l\u2019équipe commerciale la semaine prochaine",
    ]
    assert_no_horizontal_scroll(page)
    notes.screenshot(path=SCREENSHOTS / f"i18n-demo-leader-notes-preview-{width}.png")
    assert_accessible(page)
