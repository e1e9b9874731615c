"""The objective–obstacle link read both ways: an obstacle names the objectives it threatens,
and an objective shows the obstacles threatening it, in its card, in the export, and in the
next quarter when it is carried over."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import ObjectiveFactory, ObstacleFactory, QuarterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(team, current_quarter):
    return ObjectiveFactory(team=team, quarter=current_quarter, title="Pay in a minute")


def test_an_objectives_card_shows_the_obstacles_threatening_it(client_for, outsider, objective, pm):
    ObstacleFactory(
        team=objective.team,
        created_by=pm,
        title="Wallet API not ready",
        threatened_objectives=[objective],
    )
    ObstacleFactory(
        team=objective.team,
        created_by=pm,
        title="Old, resolved",
        status="resolved",
        threatened_objectives=[objective],
    )
    ObstacleFactory(team=objective.team, created_by=pm, title="Threatens nothing")

    page = client_for(outsider).get(objective.get_absolute_url()).text

    threats = page[page.index(f'id="objective-{objective.pk}-threats"') :]
    threats = threats[: threats.index("</div>")]
    assert "Threatened by" in threats
    assert "Wallet API not ready" in threats
    assert "Old, resolved" not in threats
    assert "Threatens nothing" not in threats


def test_the_export_names_the_objectives_each_obstacle_threatens(
    client_for, outsider, objective, pm
):
    other = ObjectiveFactory(team=objective.team, quarter=objective.quarter, title="Fewer fails")
    ObstacleFactory(
        team=objective.team, created_by=pm, title="Both", threatened_objectives=[objective, other]
    )
    ObstacleFactory(team=objective.team, created_by=pm, title="None")

    response = client_for(outsider).get(reverse("obstacles:export"))

    header, *rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    column = header.index("Threatens")
    by_title = {row[1]: row[column] for row in rows}
    quarter = objective.quarter.label
    assert by_title == {
        "Both": f"Fewer fails ({quarter}); Pay in a minute ({quarter})",
        "None": "",
    }
    assert header[-1] == "Link"


def test_carrying_an_objective_over_keeps_the_obstacles_still_in_its_way(pm, team):
    last_quarter = QuarterFactory(label="2026-Q3")
    QuarterFactory(label="2026-Q4")  # the quarter it is carried into
    objective = ObjectiveFactory(team=team, quarter=last_quarter)
    standing = ObstacleFactory(team=team, created_by=pm, threatened_objectives=[objective])
    removed = ObstacleFactory(
        team=team, created_by=pm, status="resolved", threatened_objectives=[objective]
    )

    carried = objective.carry_over(by=pm)

    assert list(carried.obstacles.all()) == [standing]
    assert set(standing.threatened_objectives.all()) == {objective, carried}
    assert list(removed.threatened_objectives.all()) == [objective]


@pytest.mark.parametrize("scale", [1, 10])
def test_the_cards_threats_cost_one_query_whatever_their_number(
    client_for, django_assert_num_queries, pm, team, current_quarter, scale
):
    for _ in range(scale):
        objective = ObjectiveFactory(team=team, quarter=current_quarter)
        ObstacleFactory(team=team, created_by=pm, threatened_objectives=[objective], owner=pm)
    client = client_for(pm)
    with django_assert_num_queries(13):  # with the team's closing of the quarter
        client.get(team.get_absolute_url())
