"""How long ago, as a person says it: "today" and "just now", never "0 days ago" or "0
minutes ago", in English and in French."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from headway.templatetags.time_words import ago, days_ago

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("days", "english", "french"),
    [
        (0, "today", "aujourd’hui"),
        (1, "yesterday", "hier"),
        (2, "2 days ago", "il y a 2 jours"),
        (10, "10 days ago", "il y a 10 jours"),
    ],
)
def test_days_ago(days, english, french):
    with translation.override("en"):
        assert days_ago(days) == english
    with translation.override("fr"):
        assert days_ago(days) == french


@pytest.mark.parametrize(
    ("before", "english", "french"),
    [
        (timedelta(seconds=0), "just now", "à l’instant"),
        (timedelta(seconds=59), "just now", "à l’instant"),
        (timedelta(minutes=5), "5\u00a0minutes ago", "il y a 5\u00a0minutes"),
        (
            timedelta(days=2, hours=3),
            "2\u00a0days, 3\u00a0hours ago",
            "il y a 2\u00a0jours, 3\u00a0heures",
        ),
    ],
)
def test_ago(before, english, french):
    with translation.override("en"):
        assert ago(NOW - before, NOW) == english
    with translation.override("fr"):
        assert ago(NOW - before, NOW) == french


def test_nothing_for_no_moment():
    assert ago(None) == "" and days_ago(None) == ""
