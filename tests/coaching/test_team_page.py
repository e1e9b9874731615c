import pytest

from tests.factories import LearningFactory

pytestmark = pytest.mark.django_db


def test_the_team_page_shows_the_learnings_shared_with_the_team(client_for, team, other_team, pm):
    LearningFactory(title="For us").teams.add(team)
    LearningFactory(title="For everyone", for_everyone=True)
    LearningFactory(title="Not for us").teams.add(other_team)
    response = client_for(pm).get(team.get_absolute_url())
    assert b"For us" in response.content and b"For everyone" in response.content
    assert b"Not for us" not in response.content


@pytest.mark.parametrize("rows", [1, 10])
def test_learnings_on_the_team_page_cost_the_same_whatever_their_number(
    client_for, team, pm, django_assert_num_queries, rows
):
    for _ in range(rows):
        LearningFactory().teams.add(team)
    client = client_for(pm)
    with django_assert_num_queries(10):
        client.get(team.get_absolute_url())
