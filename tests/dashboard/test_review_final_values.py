"""The quarter review's objectives with their key results' final values: the latest check-in
made in the quarter (a later one is the next quarter's), against target; their grade, final
score and retrospective once the quarter is closed; checked against figures computed by hand.

2026-Q3 runs from 1 July to 30 September (Europe/Paris), reviewed on 15 October 2026.
Checkout's "Checkout in seconds" was achieved (0.9): its p95 went 8 → 7 → 5 → 4.5 s against a
target of 4 s (progress (8 - 4.5) / (8 - 4) = 87.5 %); a check-in at 3 s on 5 October is not
the quarter's. Its milestone was reached on 1 September; its conversion rate never checked in
(final value its start, 2 %). "Fewer refunds" was missed (0.4) and carried into 2026-Q4.
"""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from dashboard import review
from objectives.models import KeyResult
from obstacles.export import spreadsheet_safe
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    QuarterFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo(settings.TIME_ZONE)
REVIEW = reverse("review", args=["2026-Q3"])


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=PARIS)


@pytest.fixture
def closed_quarter(time_machine, team, other_team, pm):
    time_machine.move_to(at(10, 15))
    q3, q4 = QuarterFactory(label="2026-Q3"), QuarterFactory(label="2026-Q4")
    fast = ObjectiveFactory(
        team=team,
        quarter=q3,
        title="Checkout in seconds",
        status="achieved",
        final_score=Decimal("0.9"),
        retrospective="The new payment form did it.",
        order=0,
    )
    p95 = KeyResultFactory(
        objective=fast, description="p95 checkout time", start_value=8, target_value=4, order=0
    )
    for value, when in [(7, at(7, 10)), (5, at(8, 20)), ("4.5", at(9, 30, 23)), (3, at(10, 5))]:
        CheckInFactory(key_result=p95, value=Decimal(value), author=pm, created_at=when)
    launch = KeyResultFactory(
        objective=fast,
        description="One-page checkout live",
        unit=KeyResult.Unit.MILESTONE,
        start_value=0,
        target_value=1,
        order=1,
    )
    CheckInFactory(key_result=launch, value=1, author=pm, created_at=at(9, 1))
    KeyResultFactory(
        objective=fast,
        description="Conversion rate",
        unit=KeyResult.Unit.PERCENT,
        start_value=2,
        target_value=3,
        order=2,
    )
    refunds = ObjectiveFactory(
        team=team,
        quarter=q3,
        title="Fewer refunds",
        status="missed",
        final_score=Decimal("0.4"),
        order=1,
    )
    ObjectiveFactory(team=team, quarter=q4, title="Fewer refunds", carried_from=refunds)
    ObjectiveFactory(team=other_team, quarter=q3, title="Faster ledger")
    return fast


def test_each_objective_with_its_key_results_final_values_against_target(
    client_for, leader, closed_quarter
):
    objectives = list(client_for(leader).get(REVIEW).context["objectives"])

    assert [o.title for o in objectives] == [
        "Checkout in seconds",
        "Fewer refunds",
        "Faster ledger",
    ]
    fast, refunds, ledger = objectives
    assert (fast.status, fast.final_score) == ("achieved", Decimal("0.9"))
    p95, launch, conversion = fast.final_key_results
    # The latest check-in of the quarter (30 September, 23:00 in Paris), not 5 October's.
    assert (p95.current_value, p95.target_value, p95.progress) == (
        Decimal("4.5"),
        Decimal("4"),
        Decimal("0.875"),
    )
    assert launch.progress == 1
    assert conversion.latest_value is None
    assert (conversion.current_value, conversion.progress) == (Decimal("2"), Decimal("0"))
    assert refunds.carried_into.quarter.label == "2026-Q4"
    assert ledger.status == "active" and ledger.final_key_results == []


def test_the_page_shows_grades_retrospectives_and_final_values(client_for, leader, closed_quarter):
    page = client_for(leader).get(REVIEW).content.decode()

    for text in [
        "Checkout in seconds",
        "The new payment form did it.",
        "0.90",
        "4.5",
        "88%",
        "Reached",
        "(no check-in)",
        "Carried over into 2026-Q4",
        "Not graded yet",
    ]:
        assert text in page


def test_a_teams_review_shows_only_its_objectives(client_for, pm, closed_quarter):
    response = client_for(pm).get(REVIEW, {"team": "checkout"})

    titles = [o.title for o in response.context["objectives"]]
    assert titles == ["Checkout in seconds", "Fewer refunds"]


def test_the_final_values_export_as_csv(client_for, leader, closed_quarter):
    response = client_for(leader).get(reverse("review_export", args=["2026-Q3"]))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    objective = "Checkout · Checkout in seconds"
    assert ["Final key results", objective, "Outcome", "Achieved"] in rows
    assert ["Final key results", objective, "Final score", "0.90"] in rows
    key_result = f"{objective} · p95 checkout time"
    assert ["Final key results", key_result, "Final value", "4.50"] in rows
    assert ["Final key results", key_result, "Target", "4.00"] in rows
    assert ["Final key results", key_result, "Progress", "0.8750"] in rows


def test_the_objectives_come_a_page_at_a_time(client_for, admin_user, time_machine):
    time_machine.move_to(at(10, 15))
    quarter = QuarterFactory(label="2026-Q3")
    for number in range(21):
        ObjectiveFactory(team=TeamFactory(name=f"Team {number:02}"), quarter=quarter)
    client = client_for(admin_user)

    first = client.get(REVIEW, {"team": ""}).context["objectives"]
    second = client.get(REVIEW, {"page": 2}).context["objectives"]
    assert len(first) == 20 and [o.team.name for o in second] == ["Team 20"]
    assert "?page=2#final-values" in client.get(REVIEW).content.decode()


def test_user_text_with_commas_quotes_and_line_breaks_exports_as_csv_quotes_it(
    client_for, leader, closed_quarter, team
):
    objective = ObjectiveFactory(
        team=team, quarter=closed_quarter.quarter, title='Pay "now", later', order=5
    )
    KeyResultFactory(objective=objective, description="one,\ntwo", target_value=1, order=0)

    response = client_for(leader).get(reverse("review_export", args=["2026-Q3"]))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    key_result = 'Checkout · Pay "now", later · one,\ntwo'
    assert ["Final key results", key_result, "Final value", "0.00"] in rows
    assert ["Final key results", key_result, "Progress", "0.0000"] in rows
    assert '"Checkout · Pay ""now"", later · one,\ntwo",Final value,0.00\r\n' in (
        response.content.decode()
    )


def test_names_and_titles_a_spreadsheet_would_run_as_formulas_export_as_text(
    client_for, leader, closed_quarter, team
):
    team.name = '=HYPERLINK("https://evil.example","Checkout")'
    team.save()
    objective = ObjectiveFactory(
        team=team, quarter=closed_quarter.quarter, title="@SUM(A1:A9)", order=5
    )
    KeyResultFactory(objective=objective, description="-1+1", target_value=-3, order=0)

    response = client_for(leader).get(reverse("review_export", args=["2026-Q3"]))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    key_result = "'" + f"{team.name} · @SUM(A1:A9) · -1+1"
    assert ["Final key results", key_result, "Target", "-3.00"] in rows
    assert ["Final key results", f"'{team.name} · @SUM(A1:A9)"] in [row[:2] for row in rows]
    assert ["Objectives", f"'{team.name}"] in [row[:2] for row in rows]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row[:3])


@pytest.mark.parametrize(
    "value",
    [
        "",
        "plain",
        "a,b",
        'say "hi"',
        "two\nlines",
        "cr\rlf",
        " spaced ",
        "tab\there",
        "semi;colon",
        "'quote'",
        "=formula",
        "+1",
        "-2",
        "@SUM(A1)",
        "é · ü",
        None,
        3,
        Decimal("-1.50"),
    ],
)
def test_the_review_csv_is_written_as_csv_writer_writes_it(value):
    rows = [["Section", value, "Measure", value], ["Lone", "", "", ""]]
    written = io.StringIO()
    # Texts a spreadsheet would run as formulas are written as text; numbers as they are.
    csv.writer(written).writerows(
        [[spreadsheet_safe(v) if isinstance(v, str) else v for v in row] for row in rows]
    )

    assert review.csv_text(rows) == written.getvalue()
