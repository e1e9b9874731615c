"""Full-text search over titles, descriptions and comments, best match first."""

import pytest
from django.urls import reverse

from obstacles.models import Obstacle
from tests.factories import ObstacleFactory

pytestmark = pytest.mark.django_db


def test_title_outranks_description_outranks_comment(team, pm):
    in_comment = ObstacleFactory(team=team, created_by=pm, title="Slow releases", description="")
    in_comment.comment(pm, "The refunds webhook would help here.")
    in_description = ObstacleFactory(
        team=team, created_by=pm, title="Partner unhappy", description="They want refunds."
    )
    in_title = ObstacleFactory(team=team, created_by=pm, title="Refunds are manual")
    ObstacleFactory(team=team, created_by=pm, title="Unrelated")

    found = list(Obstacle.objects.search("refund"))

    assert found == [in_title, in_description, in_comment]


def test_stemming_and_several_words(team, pm):
    match = ObstacleFactory(team=team, created_by=pm, title="Payments failing for agencies")
    ObstacleFactory(team=team, created_by=pm, title="Payment page redesign")

    assert list(Obstacle.objects.search("failed payment")) == [match]


def test_an_edited_title_is_found_by_its_new_words(team, pm):
    obstacle = ObstacleFactory(team=team, created_by=pm, title="Old words")
    obstacle.edit(pm, obstacle.version, title="Kubernetes upgrade")

    assert list(Obstacle.objects.search("kubernetes")) == [obstacle]
    assert not Obstacle.objects.search("old words").exists()


def test_the_log_searches_and_ranks(client_for, outsider, team, pm):
    ObstacleFactory(team=team, created_by=pm, title="Vendor", description="GDPR review pending")
    ObstacleFactory(team=team, created_by=pm, title="GDPR review blocks launch")

    response = client_for(outsider).get(reverse("obstacles:log"), {"q": "gdpr review"})

    assert [o.title for o in response.context["page"].object_list] == [
        "GDPR review blocks launch",
        "Vendor",
    ]


def test_search_text_is_not_sql(team, pm):
    ObstacleFactory(team=team, created_by=pm, title="Quotes")
    assert list(Obstacle.objects.search("'); DROP TABLE obstacles_obstacle; --")) == []
    assert Obstacle.objects.count() == 1
