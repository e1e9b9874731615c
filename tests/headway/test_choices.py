"""headway.choices: a model's choice labels, read once per field, still in the reader's
language."""

import pytest
from django.utils import translation

from obstacles.models import Obstacle


@pytest.mark.parametrize(
    ("language", "kind", "status"),
    [("en", "Platform bottleneck", "Open"), ("fr", "Équipe plateforme saturée", "Ouvert")],
)
def test_a_choice_is_labelled_in_the_language_of_the_request(language, kind, status):
    obstacle = Obstacle(kind=Obstacle.Kind.PLATFORM, status=Obstacle.Status.OPEN)
    with translation.override(language):
        assert (obstacle.get_kind_display(), obstacle.get_status_display()) == (kind, status)


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Obstacle(kind="retired-kind").get_kind_display() == "retired-kind"
