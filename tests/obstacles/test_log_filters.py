"""The log's filter form: its lists of teams, people and quarters, read once and written
without a template per option, escaped, kept after bad input, in English and French."""

import re

import pytest
from django.urls import reverse

from tests.factories import ObstacleFactory, QuarterFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

LOG = reverse("obstacles:log")
FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}


def options(page, name):
    """The (value, label, selected) of each option of the <select> named `name`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select
        )
    ]


def selected(page, name):
    return [value for value, _label, chosen in options(page, name) if chosen]


def test_both_team_filters_list_every_team_each_with_its_empty_label(
    client_for, outsider, team, other_team
):
    page = client_for(outsider).get(LOG, {"blocking": "payments-platform"}).text

    assert options(page, "team") == [
        ("", "All teams", True),
        ("checkout", "Checkout", False),
        ("payments-platform", "Payments Platform", False),
    ]
    assert options(page, "blocking") == [
        ("", "Any team or none", False),
        ("checkout", "Checkout", False),
        ("payments-platform", "Payments Platform", True),
    ]


def test_people_are_listed_by_their_display_name_in_name_order(client_for, outsider, team, pm):
    nameless = UserFactory(username="zed", first_name="", last_name="")
    ada = UserFactory(first_name="Ada", last_name="Byron")
    ObstacleFactory(team=team, created_by=pm, owner=pm)
    ObstacleFactory(team=team, created_by=pm, owner=nameless)
    ObstacleFactory(team=TeamFactory(leader=ada), created_by=pm)

    page = client_for(outsider).get(LOG, {"owner": pm.pk}).text

    # Names first (a person without one sorts first, by the empty first name), then usernames.
    assert options(page, "owner") == [
        ("", "Anyone", False),
        (str(nameless.pk), "zed", False),
        (str(pm.pk), "Sam Rivera", True),
    ]
    leaders = [label for _value, label, _chosen in options(page, "leader")]
    assert leaders[0] == "Any leader"
    assert leaders.index("Ada Byron") < leaders.index("Maya Chen")


def test_team_and_person_names_are_escaped(client_for, outsider, pm):
    hostile = TeamFactory(name="<script>alert('team')</script>", slug="hostile")
    owner = UserFactory(first_name="<script>alert('person')</script>", last_name="")
    ObstacleFactory(team=hostile, created_by=pm, owner=owner)

    page = client_for(outsider).get(LOG).text

    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#x27;team&#x27;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#x27;person&#x27;)&lt;/script&gt;" in page


def test_bad_input_is_ignored_for_results_and_every_choice_is_kept(
    client_for, outsider, team, other_team, current_quarter
):
    ObstacleFactory(team=team, title="Checkout's", kind="customer")
    ObstacleFactory(team=other_team, title="Payments'", kind="customer")

    response = client_for(outsider).get(
        LOG,
        {
            "team": "checkout",
            "kind": "customer",
            "quarter": current_quarter.label,
            "logged": "no-such-quarter",
            "owner": "not-a-number",
            "sort": "sideways",
        },
    )

    page = response.text
    assert [o.title for o in response.context["page"].object_list] == ["Checkout's"]
    assert selected(page, "team") == ["checkout"]
    assert selected(page, "kind") == ["customer"]
    assert selected(page, "quarter") == [current_quarter.label]
    # What matches no choice selects none: the browser shows the first, "Any time", "Anyone".
    assert selected(page, "logged") == []
    assert selected(page, "owner") == []
    assert selected(page, "sort") == []


def test_the_quarter_filters_list_the_quarters_latest_first(client_for, outsider):
    QuarterFactory(label="2026-Q1")
    QuarterFactory(label="2026-Q2")

    page = client_for(outsider).get(LOG, {"removed": "2026-Q1"}).text

    for name in ("quarter", "logged", "removed", "asked_in", "due_in"):
        assert [value for value, _label, _chosen in options(page, name)] == [
            "",
            "2026-Q2",
            "2026-Q1",
        ]
    assert selected(page, "removed") == ["2026-Q1"]
    assert selected(page, "quarter") == [""]


def test_the_filters_in_french(client_for, outsider, team):
    page = client_for(outsider).get(LOG, {"status": "closed"}, headers=FRENCH).text

    assert options(page, "team")[0] == ("", "Toutes les équipes", True)
    assert ("closed", "Clos (quelle qu’en soit l’issue)", True) in options(page, "status")
    assert options(page, "kind")[0] == ("", "Tous les types", True)
