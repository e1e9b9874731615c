"""The learnings page: its filters' options (written once, escaped, the chosen one kept), its
cards, and its queries, which do not grow with the learnings, teams or people."""

import re

import pytest
from django.urls import reverse

from tests.factories import LearningFactory, QuarterFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

LEARNINGS = reverse("coaching:learnings")
FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}


def options(page, name):
    """The (value, label, selected) of each option of the <select> named `name`."""
    select = re.search(rf'<select id="id_{name}" name="{name}">(.*?)</select>', page, re.S)
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1)
        )
    ]


def test_the_filters_list_teams_authors_and_quarters_with_the_chosen_ones_selected(
    client_for, outsider, leader, pm, team, other_team
):
    QuarterFactory(label="2026-Q2")
    QuarterFactory(label="2026-Q3")
    LearningFactory(source_team=team)
    LearningFactory(source_team=team, author=pm)

    page = (
        client_for(outsider)
        .get(LEARNINGS, {"team": "checkout", "author": pm.pk, "recorded_in": "2026-Q2"})
        .text
    )

    assert options(page, "team") == [
        ("", "Any team", False),
        ("checkout", "Checkout", True),
        ("payments-platform", "Payments Platform", False),
    ]
    assert options(page, "author") == [
        ("", "Anyone", False),
        (str(leader.pk), "Maya Chen", False),
        (str(pm.pk), "Sam Rivera", True),
    ]
    assert options(page, "recorded_in") == [
        ("", "Any time", False),
        ("2026-Q3", "2026-Q3", False),
        ("2026-Q2", "2026-Q2", True),
    ]


def test_unknown_filters_select_nothing_and_list_the_latest(client_for, outsider, team):
    LearningFactory(source_team=team, title="Ship smaller")

    response = client_for(outsider).get(
        LEARNINGS, {"team": "nowhere", "author": "12345", "recorded_in": "1999-Q9"}
    )

    page = response.text
    assert [learning.title for learning in response.context["learnings"]] == ["Ship smaller"]
    for name in ("team", "author", "recorded_in"):
        assert not any(selected for _value, _label, selected in options(page, name))
    assert "Latest learnings" in page


def test_team_and_person_names_are_escaped(client_for, outsider):
    hostile = TeamFactory(name="<script>alert('team')</script>", slug="hostile")
    author = UserFactory(first_name="<script>alert('person')</script>", last_name="")
    LearningFactory(source_team=hostile, author=author, title="<script>alert('title')</script>")

    page = client_for(outsider).get(LEARNINGS).text

    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#x27;team&#x27;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#x27;person&#x27;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page


def test_a_card_shows_its_team_who_it_is_shared_with_and_its_rendered_body(
    client_for, leader, team, other_team
):
    learning = LearningFactory(source_team=team, body="Ship **smaller** batches.")
    learning.teams.set([other_team])

    page = client_for(leader).get(LEARNINGS).text

    assert "Learned by Checkout" in page
    assert "shared with Payments Platform" in page
    assert "<p>Ship <strong>smaller</strong> batches.</p>" in page
    assert reverse("coaching:learning_share", args=[learning.pk]) in page


def test_the_page_in_french(client_for, outsider, team):
    LearningFactory(source_team=team)

    page = client_for(outsider).get(LEARNINGS, {"team": "checkout"}, headers=FRENCH).text

    assert options(page, "team")[:2] == [
        ("", "Toutes les équipes", False),
        ("checkout", "Checkout", True),
    ]
    assert options(page, "author")[0] == ("", "N’importe qui", False)


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize(
    ("filtered", "queries"),
    [
        # Session and user; the learnings and the teams they are shared with; the options
        # of the teams, authors and quarters; whether the user may record one.
        (False, 8),
        # And the team, the author and the quarter chosen.
        (True, 11),
    ],
)
def test_queries_do_not_grow_with_data(
    client_for,
    django_assert_num_queries,
    outsider,
    leader,
    team,
    current_quarter,
    scale,
    filtered,
    queries,
):
    for _ in range(scale):
        shared = LearningFactory(source_team=team, author=leader)
        shared.teams.set([TeamFactory(), TeamFactory()])
        LearningFactory(source_team=TeamFactory(), author=UserFactory(), for_everyone=True)
    filters = {"team": "checkout", "author": leader.pk, "recorded_in": current_quarter.label}
    client = client_for(outsider)

    with django_assert_num_queries(queries):
        response = client.get(LEARNINGS, filters if filtered else {})

    assert len(response.context["learnings"]) == (scale if filtered else 2 * scale)


def test_a_card_escapes_the_names_of_its_teams(client_for, outsider):
    hostile = TeamFactory(name="<script>alert('learned')</script>", slug="hostile")
    learning = LearningFactory(source_team=hostile)
    learning.teams.set([TeamFactory(name="<b>Bold</b>")])

    page = client_for(outsider).get(LEARNINGS).text

    assert "Learned by &lt;script&gt;alert(&#x27;learned&#x27;)&lt;/script&gt;, " in page
    assert "shared with &lt;b&gt;Bold&lt;/b&gt;</p>" in page


def test_a_card_in_french(client_for, outsider, team, other_team, time_machine):
    time_machine.move_to("2026-07-24T10:00:00+00:00")
    for_everyone = LearningFactory(source_team=team, for_everyone=True)
    LearningFactory(source_team=team).teams.set([other_team, team])

    page = client_for(outsider).get(LEARNINGS, headers=FRENCH).text

    assert "Appris par Checkout, 24 juillet 2026\n    · partagé avec toutes les équipes" in page
    assert "· partagé avec Checkout, Payments Platform</p>" in page
    assert for_everyone.title in page
