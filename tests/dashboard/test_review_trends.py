"""The quarter review's trends across quarters: obstacles logged and removed by kind, the
median and 90th-percentile time to remove, and the teams most waited on, per quarter, drawn
as SVG with the same figures in tables; checked against figures computed by hand.

The review is 2026-Q3's, read on 15 October 2026 (Europe/Paris); its trends run from 2026-Q1
(2026-Q4 is later, so left out):

- Q1: Checkout logs two dependencies on Payments Platform, removed after 10 and 30 days
  (median 20 days; 90th percentile 10 + 0.9 × 20 = 28 days).
- Q2: Checkout logs a customer escalation, removed after 4 days, and a platform bottleneck on
  Payments Platform on 10 April, removed on 20 July (101 days).
- Q3: Payments Platform logs a dependency on Identity, removed after 2 days; Checkout logs a
  missing capability, withdrawn (logged, never removed). Removed in Q3: 2 and 101 days
  (median 51.5 days; 90th percentile 2 + 0.9 × 99 = 91.1 days).

Waiting on Payments Platform while they stood in the way: 2 in Q1, 1 in Q2 and 1 in Q3 (the
platform bottleneck, in the way across both); on Identity: 1 in Q3.
"""

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard import trends
from dashboard.review import Scope
from tests.factories import ObstacleFactory, QuarterFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo(settings.TIME_ZONE)
REVIEW = reverse("review", args=["2026-Q3"])


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=PARIS)


def obstacle(team, kind, opened, days=None, blocking=None, status="resolved"):
    """An obstacle logged at `opened` and, after `days`, closed with `status`."""
    closed = {} if days is None else {"status": status, "closed_at": opened + timedelta(days)}
    return ObstacleFactory(team=team, kind=kind, opened_at=opened, blocking_team=blocking, **closed)


@pytest.fixture
def story(time_machine, team, other_team):
    time_machine.move_to(at(10, 15))
    for label in ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]:
        QuarterFactory(label=label)
    identity = TeamFactory(name="Identity", slug="identity")
    obstacle(team, "dependency", at(1, 10), 10, other_team)
    obstacle(team, "dependency", at(2, 1), 30, other_team)
    obstacle(team, "customer", at(4, 5), 4)
    obstacle(team, "platform", at(4, 10), 101, other_team)
    obstacle(other_team, "dependency", at(7, 1), 2, identity)
    obstacle(team, "capability", at(8, 1), 1, status="withdrawn")
    return identity


def by_label(response):
    return {row.quarter.label: row for row in response.context["trends"]["rows"]}


def test_the_trends_run_up_to_the_quarter_reviewed(client_for, leader, story):
    response = client_for(leader).get(REVIEW)

    assert [q.label for q in response.context["trends"]["quarters"]] == [
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]


def test_obstacles_logged_and_removed_by_kind_per_quarter(client_for, leader, story):
    rows = by_label(client_for(leader).get(REVIEW))

    assert rows["2025-Q4"].logged_total == rows["2025-Q4"].removed_total == 0
    assert rows["2026-Q1"].logged["dependency"] == rows["2026-Q1"].removed["dependency"] == 2
    assert (rows["2026-Q2"].logged["customer"], rows["2026-Q2"].logged["platform"]) == (1, 1)
    assert (rows["2026-Q2"].removed["customer"], rows["2026-Q2"].removed["platform"]) == (1, 0)
    assert (rows["2026-Q3"].logged["dependency"], rows["2026-Q3"].logged["capability"]) == (1, 1)
    # Withdrawn is not removed; the platform bottleneck of Q2 was removed in Q3.
    assert rows["2026-Q3"].removed == {
        "dependency": 1,
        "capability": 0,
        "customer": 0,
        "platform": 1,
        "stakeholder": 0,
        "other": 0,
    }


def test_median_and_90th_percentile_time_to_remove_per_quarter(client_for, leader, story):
    rows = by_label(client_for(leader).get(REVIEW))

    assert rows["2025-Q4"].median is None and rows["2025-Q4"].p90 is None
    assert (rows["2026-Q1"].median, rows["2026-Q1"].p90) == (timedelta(20), timedelta(28))
    assert (rows["2026-Q2"].median, rows["2026-Q2"].p90) == (timedelta(4), timedelta(4))
    assert (rows["2026-Q3"].median, rows["2026-Q3"].p90) == (timedelta(51.5), timedelta(91.1))


def test_the_teams_most_waited_on_per_quarter(client_for, leader, story):
    platform, identity = client_for(leader).get(REVIEW).context["trends"]["bottlenecks"]

    assert (platform.slug, platform.counts) == ("payments-platform", [0, 2, 1, 1])
    assert platform.top == [False, True, True, True]
    assert (identity.slug, identity.counts, identity.top) == (
        "identity",
        [0, 0, 0, 1],
        [False, False, False, True],
    )


def test_only_the_most_waited_on_teams_of_each_quarter_are_named(
    client_for, leader, time_machine, team
):
    time_machine.move_to(at(10, 15))
    QuarterFactory(label="2026-Q3")
    waited_on = [TeamFactory(name=f"Team {n}") for n in range(trends.BOTTLENECKS_PER_QUARTER + 1)]
    for n, other in enumerate(waited_on):
        for _ in range(n + 1):
            obstacle(team, "dependency", at(7, 1), blocking=other)

    named = client_for(leader).get(REVIEW).context["trends"]["bottlenecks"]

    assert [b.name for b in named] == ["Team 3", "Team 2", "Team 1"]


def test_a_teams_trends_count_only_its_obstacles(client_for, pm, story):
    response = client_for(pm).get(REVIEW, {"team": "checkout"})

    rows = by_label(response)
    assert rows["2026-Q3"].logged_total == 1  # the missing capability
    assert rows["2026-Q3"].removed["platform"] == 1
    assert rows["2026-Q3"].median == rows["2026-Q3"].p90 == timedelta(101)
    assert [b.slug for b in response.context["trends"]["bottlenecks"]] == ["payments-platform"]
    page = response.content.decode()
    assert "blocking=payments-platform&amp;quarter=2026-Q1&amp;team=checkout" in page


def test_a_leaders_trends_link_to_their_teams_rows_only(client_for, leader, story):
    # Maya leads Checkout only: her review's trends and links leave the platform's out.
    client = client_for(leader)
    response = client.get(REVIEW, {"leader": leader.pk})

    assert by_label(response)["2026-Q3"].logged_total == 1  # the missing capability
    page = response.content.decode()
    log = reverse("obstacles:log")
    for link, count in [
        (f"{log}?status=all&kind=dependency&logged=2026-Q1&leader={leader.pk}", 2),
        (f"{log}?status=all&logged=2026-Q3&leader={leader.pk}", 1),
        (f"{log}?status=all&blocking=payments-platform&quarter=2026-Q2&leader={leader.pk}", 1),
        (f"{log}?status=all&kind=capability&logged=2026-Q3&leader={leader.pk}", 1),
    ]:
        assert f'href="{link.replace("&", "&amp;")}"' in page
        assert client.get(link).context["page"].paginator.count == count


def test_at_most_eight_quarters_back(client_for, admin_user, time_machine):
    time_machine.move_to(at(10, 15))
    for year in (2024, 2025, 2026):
        for number in (1, 2, 3, 4):
            QuarterFactory(label=f"{year}-Q{number}")

    quarters = client_for(admin_user).get(REVIEW).context["trends"]["quarters"]

    assert [q.label for q in quarters] == [
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]


def test_each_mark_links_to_the_rows_behind_it(client_for, leader, story):
    client = client_for(leader)
    page = client.get(REVIEW).content.decode()
    log = reverse("obstacles:log")

    for link, count in [
        (f"{log}?status=all&kind=dependency&logged=2026-Q1", 2),
        (f"{log}?status=resolved&kind=platform&removed=2026-Q3", 1),
        (f"{log}?status=resolved&removed=2026-Q3&sort=oldest", 2),
        (f"{log}?status=all&blocking=payments-platform&quarter=2026-Q2", 1),
    ]:
        assert f'href="{link.replace("&", "&amp;")}"' in page
        assert client.get(link).context["page"].paginator.count == count


def test_the_charts_are_svg_with_a_title_a_description_and_a_table(client_for, leader, story):
    page = client_for(leader).get(REVIEW).content.decode()

    assert page.count('<svg viewBox="0 0 640 ') == 3
    for chart in ["kinds", "times", "bottlenecks"]:
        assert (
            f'aria-labelledby="trend-{chart}-title" aria-describedby="trend-{chart}-desc"' in page
        )
    assert 'aria-label="2026-Q1, Dependency on another team: 2 obstacles logged"' in page
    assert 'aria-label="2026-Q3: median 51.5 days, 90th percentile 91.1 days' in page
    assert 'aria-label="2026-Q1: 2 obstacles waited on Payments Platform"' in page
    for caption in [
        "Obstacles logged, by kind",
        "Obstacles removed, by kind",
        "Time to remove, per quarter",
        "Obstacles waiting on each team, per quarter",
    ]:
        assert f"<caption>{caption}</caption>" in page
    # Numbers in SVG coordinates never take a decimal comma, whatever the language.
    french = client_for(leader).get(REVIEW, headers={"accept-language": "fr"}).content.decode()
    svg = french[french.index("<svg") : french.rindex("</svg>")]
    assert not re.search(r'(x|y|width|height|cx|cy|r)="\d+,\d', svg)


def test_the_chart_scales_to_a_round_number(client_for, leader, story):
    kinds = client_for(leader).get(REVIEW).context["trends"]["kinds_chart"]

    # Two logged at most in a quarter: the scale runs 0, 1, 2.
    assert [line["value"] for line in kinds["gridlines"]] == [0, 1, 2]
    q1_logged = next(b for b in kinds["bars"] if b["quarter"] == "2026-Q1" and not b["removed"])
    frame = kinds["frame"]
    assert q1_logged["segments"][0]["height"] == frame.plot_height
    assert trends.scale(91.1, whole=False) == (100, [0, 50, 100])
    assert trends.scale(7) == (8, [0, 2, 4, 6, 8])


def grow(quarters, times):
    """`times` obstacles in each of `quarters`: logged, removed, and waiting on a team."""
    pm = UserFactory()
    for quarter in quarters:
        opened = datetime.combine(quarter.start, datetime.min.time(), PARIS) + timedelta(hours=9)
        for _ in range(times):
            team, waited_on = TeamFactory(), TeamFactory()
            ObstacleFactory(
                team=team,
                created_by=pm,
                kind="platform",
                opened_at=opened,
                blocking_team=waited_on,
                status="resolved",
                closed_at=opened + timedelta(days=3),
            )


def test_the_trends_take_three_queries_whatever_the_quarters_and_rows(
    client_for, admin_user, time_machine, django_assert_num_queries
):
    time_machine.move_to(at(10, 15))
    labels = ["2024-Q4", *(f"2025-Q{n}" for n in (1, 2, 3, 4)), "2026-Q1", "2026-Q2", "2026-Q3"]
    client = client_for(admin_user)
    counts = []
    # 1x: two quarters, an obstacle in each; then 5x more rows and eight quarters.
    for quarters, times, in_last in [(2, 1, 1), (8, 5, 6)]:
        created = [QuarterFactory(label=label) for label in labels[-quarters:]]
        grow(created, times)
        scope = Scope(created[-1])
        with django_assert_num_queries(3):
            figures = trends.review_trends(scope, created)
        assert len(figures["quarters"]) == quarters
        assert figures["rows"][-1].removed_total == in_last
        with CaptureQueriesContext(connection) as page:
            assert client.get(REVIEW).status_code == 200
        counts.append(len(page))

    assert counts[0] == counts[1]


def test_the_trends_export_as_csv(client_for, leader, story):
    response = client_for(leader).get(reverse("review_export", args=["2026-Q3"]))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    logged = "Trends: obstacles logged, by kind"
    assert [logged, "2026-Q1", "Dependency on another team", "2"] in rows
    assert ["Trends: obstacles removed, by kind", "2026-Q3", "Platform bottleneck", "1"] in rows
    assert ["Trends: time to remove", "2026-Q3", "Median days to remove", "51.50"] in rows
    assert ["Trends: time to remove", "2026-Q1", "90th percentile days to remove", "28.00"] in rows
    waiting = "Trends: obstacles waiting on the teams most waited on"
    assert [waiting, "2026-Q1 · Payments Platform", "Waiting", "2"] in rows
