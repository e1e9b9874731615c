"""CSV export of the log's current filter, safe to open in a spreadsheet."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import ObstacleFactory, TeamFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("obstacles:export")


def rows(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_exports_the_current_filter(client_for, outsider, team, pm):
    ObstacleFactory(team=team, created_by=pm, title="Ours")
    ObstacleFactory(team=TeamFactory(), created_by=pm, title="Theirs")

    response = client_for(outsider).get(EXPORT, {"team": "checkout"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *data = rows(response)
    assert header[:3] == ["ID", "Title", "Team"]
    assert [row[1] for row in data] == ["Ours"]
    assert data[0][-1].endswith(f"/obstacles/{data[0][0]}/")


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_prefixes_are_neutralized(client_for, outsider, team, pm, prefix):
    ObstacleFactory(team=team, created_by=pm, title=f'{prefix}HYPERLINK("http://evil")')

    _header, row = rows(client_for(outsider).get(EXPORT))

    assert row[1] == f'\'{prefix}HYPERLINK("http://evil")'


def test_commas_quotes_and_newlines_survive(client_for, outsider, team, pm):
    ObstacleFactory(
        team=team,
        created_by=pm,
        title='Waits, "again"',
        status="resolved",
        resolution="Done, at last.\nThe platform shipped it.",
    )

    _header, row = rows(client_for(outsider).get(EXPORT, {"status": "resolved"}))

    assert row[1] == 'Waits, "again"'
    assert row[14] == "Done, at last.\nThe platform shipped it."


def test_the_link_column_is_on_the_address_headway_is_served_at(
    client_for, outsider, team, pm, settings
):
    settings.SITE_URL = "http://127.0.0.1:8311"
    obstacle = ObstacleFactory(team=team, created_by=pm)

    _header, row = rows(client_for(outsider).get(EXPORT))

    assert row[-1] == f"http://127.0.0.1:8311/obstacles/{obstacle.pk}/"
