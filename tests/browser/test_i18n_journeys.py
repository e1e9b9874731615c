"""The leader's and the PM's journeys through Headway's interface in a browser that asks for
French, at desktop and phone widths: French headings, no English left in the interface (no
string of the catalogue shown in English, no English count or time span), French spacing
before : ; ? ! and %, nothing that scrolls sideways, and axe clean. The forms are used too:
a filter, a refused form, a check-in, an action item.

The demo's own texts are test_i18n_demo.py's concern; these tests look at what the code says.
"""

import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from coaching.models import OneOnOne
from objectives.models import KeyResult, Quarter
from obstacles.models import Obstacle
from tests.headway.test_i18n_catalogue import FRENCH, catalogue_entries, translations

from .conftest import (
    FRENCH_WIDTHS,
    SCREENSHOTS,
    assert_accessible,
    assert_no_horizontal_scroll,
    sign_in_in_french,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def english_fragments(po_path=FRENCH):
    """Every run of two words or more of the catalogue's English (between placeholders and
    tags) that its French does not also use: on a French page, each is a string left in
    English."""
    entries = catalogue_entries(Path(po_path).read_text(encoding="utf-8"))
    french = " ".join(text for entry in entries for text in translations(entry))
    fragments = set()
    for entry in entries:
        for source in (entry["msgid"], entry.get("msgid_plural", "")):
            for part in re.split(r"%\(\w+\)[sd]|%[sd]|%%|<[^>]+>|\n", source):
                part = part.strip(" .,:;()?!—")
                if len(part.split()) >= 2 and part not in french:
                    fragments.add(part)
    return fragments


ENGLISH_FRAGMENTS = english_fragments()
# Django's own English, and English words French pages have no use for.
ENGLISH_WORDS = re.compile(
    r"\b(the|and|of|with|ago|late|days?|hours?|weeks?|months?|years?|your|you|yes|no)\b"
)
# A colon glued to a word, or a plain space where French wants a no-break one.
ENGLISH_SPACING = re.compile(r"[^\W\d]: | [:;?!%](?=\s|$)")

ALL_TEXT = """() => {
  const parts = [document.title, document.body.innerText];
  for (const element of document.querySelectorAll("[aria-label], [title], [alt], [placeholder]")) {
    for (const name of ["aria-label", "title", "alt", "placeholder"]) {
      if (element.hasAttribute(name)) parts.push(element.getAttribute(name));
    }
  }
  for (const element of document.querySelectorAll("svg title, svg desc")) {
    parts.push(element.textContent);
  }
  return parts.join("\\n");
}"""


def english_left_on(page):
    """What the page shows (text, labels, titles, chart descriptions) that is not French."""
    text = re.sub(r"[ \t\r\n]+", " ", page.evaluate(ALL_TEXT))
    left = sorted(fragment for fragment in ENGLISH_FRAGMENTS if fragment in text)
    left += [f"word {m.group(0)!r} in …{around(text, m)}…" for m in ENGLISH_WORDS.finditer(text)]
    left += [f"spacing in …{around(text, m)}…" for m in ENGLISH_SPACING.finditer(text)]
    return left


def around(text, match):
    return text[max(0, match.start() - 30) : match.end() + 30]


def assert_french_page(page, screenshot, name):
    assert page.locator("html").get_attribute("lang") == "fr"
    assert english_left_on(page) == []
    assert_no_horizontal_scroll(page)
    screenshot(page, f"i18n-journey-{name}")
    assert_accessible(page)


@pytest.fixture
def french_demo(live_server):
    call_command("seed_demo", lang="fr", stdout=StringIO())


def coming_one_on_one():
    return OneOnOne.objects.upcoming().get(leader__username="leader", pm__username="pm")


def urgent_obstacle():
    return Obstacle.objects.filter(team__slug="checkout", is_urgent=True).first()


def checkout_key_result():
    quarter = Quarter.objects.current()
    key_results = KeyResult.objects.filter(objective__team__slug="checkout")
    return key_results.filter(objective__quarter=quarter).exclude(unit="milestone").first()


# (who, page, its address once the demo is loaded, the level-1 heading it shows)
JOURNEYS = [
    ("leader", "dashboard", lambda: "/", "Vos équipes"),
    ("leader", "all-teams", lambda: "/?scope=all&sort=pace", "Toutes les équipes"),
    ("leader", "team", lambda: "/teams/checkout/", "Paiement"),
    ("leader", "obstacle", lambda: urgent_obstacle().get_absolute_url(), None),
    ("leader", "one-on-ones", lambda: "/coaching/", "1:1"),
    ("leader", "one-on-one", lambda: coming_one_on_one().get_absolute_url(), "1:1\u00a0:"),
    ("leader", "learnings", lambda: "/coaching/learnings/", "Enseignements"),
    ("leader", "action-items", lambda: "/coaching/actions/", "Vos actions à mener"),
    ("pm", "home", lambda: "/", "Votre équipe"),
    ("pm", "log-filtered", lambda: "/obstacles/?team=checkout&status=all", "Obstacles"),
    ("pm", "new-obstacle", lambda: "/obstacles/new/?team=checkout", "Signaler un obstacle"),
    (
        "pm",
        "check-in",
        lambda: checkout_key_result().get_absolute_url() + "check-in/",
        "Faire le point",
    ),
    ("pm", "key-result", lambda: checkout_key_result().get_absolute_url(), None),
    ("pm", "next-one-on-one", lambda: "/coaching/next/", "1:1\u00a0:"),
]


@pytest.mark.parametrize("width", FRENCH_WIDTHS)
@pytest.mark.parametrize(
    ("who", "name", "address", "heading"), JOURNEYS, ids=[f"{j[0]}-{j[1]}" for j in JOURNEYS]
)
def test_the_interface_reads_in_french(
    french_page, french_demo, screenshot, who, name, address, heading, width
):
    page = french_page(width)
    sign_in_in_french(page, who)

    page.goto(address())

    if heading:
        assert page.get_by_role("heading", level=1).inner_text().startswith(heading)
    assert_french_page(page, screenshot, f"{who}-{name}-{width}")


@pytest.mark.parametrize("width", FRENCH_WIDTHS)
def test_the_pm_filters_the_log_in_french(french_page, french_demo, screenshot, width):
    page = french_page(width)
    sign_in_in_french(page, "pm")
    page.goto("/obstacles/")

    page.get_by_label("Type").select_option(label="Dépendance à une autre équipe")
    page.wait_for_url(re.compile(r"kind=dependency"))

    count = Obstacle.objects.active().filter(kind="dependency").count()
    results = page.get_by_role("heading", level=2, name=re.compile("obstacle"))
    assert results.inner_text() == f"{count} obstacle" + ("s" if count > 1 else "")
    assert_french_page(page, screenshot, f"pm-log-by-kind-{width}")


@pytest.mark.parametrize("width", FRENCH_WIDTHS)
def test_a_refused_obstacle_says_why_in_french(french_page, french_demo, screenshot, width):
    page = french_page(width)
    sign_in_in_french(page, "pm")
    page.goto("/obstacles/new/?team=checkout")

    page.get_by_label("Titre").fill("Le juridique hésite sur la nouvelle offre")
    page.get_by_label("Type").select_option(label="Réserve d’une partie prenante")
    expect(page.get_by_label("Décision attendue le")).to_be_visible()
    page.get_by_role("button", name="Le signaler").click()

    expect(page.get_by_text("Indiquez pour quand la décision est nécessaire.")).to_be_visible()
    assert page.get_by_label("Titre").input_value() == "Le juridique hésite sur la nouvelle offre"
    assert_french_page(page, screenshot, f"pm-obstacle-refused-{width}")


def test_the_pm_checks_in_in_french(french_page, french_demo, screenshot):
    key_result = checkout_key_result()
    page = french_page("phone")
    sign_in_in_french(page, "pm")
    page.goto(key_result.get_absolute_url() + "check-in/")

    page.get_by_label("Valeur").fill("3,5")
    page.get_by_label("À risque").check()
    page.get_by_role("button", name="Enregistrer le point").click()

    expect(page.get_by_text("Point d’avancement enregistré.")).to_be_visible()
    assert key_result.check_ins.latest("created_at").value == Decimal("3.5")
    assert_french_page(page, screenshot, "pm-checked-in-phone")


def test_the_leader_adds_an_action_item_in_french(french_page, french_demo, screenshot):
    due = timezone.localdate() + timedelta(days=7)
    page = french_page("desktop")
    sign_in_in_french(page, "leader")
    page.goto(coming_one_on_one().get_absolute_url())

    page.get_by_text("Ajouter une action", exact=True).click()
    page.get_by_label("Action", exact=True).fill(
        "Relancer l’équipe plateforme sur les remboursements"
    )
    page.get_by_label("Échéance").fill(due.isoformat())
    page.get_by_role("button", name="Ajouter l’action").click()

    with translation.override("fr"):
        french_due = formats.date_format(due, "DATE_FORMAT")
    item = page.locator(".action-items li", has_text="Relancer l’équipe plateforme")
    expect(item).to_contain_text(f"échéance le {french_due}")
    page.locator("#action-items").screenshot(path=SCREENSHOTS / "i18n-journey-action-added.png")
    assert english_left_on(page) == []
