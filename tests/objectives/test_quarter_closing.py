"""Closing a quarter: the team grades each objective and carries the unfinished ones over in
one go; check-ins stop; a leader or an administrator reopens it, saying why; an
administrator creates the next quarter with one button."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from objectives.models import CheckIn, KeyResult, Objective, Quarter, QuarterClosing
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    ObstacleFactory,
    QuarterFactory,
)

pytestmark = pytest.mark.django_db

TZ = ZoneInfo(settings.TIME_ZONE)


@pytest.fixture(autouse=True)
def today(time_machine):
    """20 December 2026: in 2026-Q4's last two weeks."""
    time_machine.move_to(datetime(2026, 12, 20, 10, tzinfo=TZ))
    return time_machine


@pytest.fixture
def quarter():
    return QuarterFactory(label="2026-Q4")


@pytest.fixture
def next_quarter(quarter):
    return QuarterFactory(label="2027-Q1")


@pytest.fixture
def shipped(team, quarter, pm):
    """An objective whose key result reached its target."""
    objective = ObjectiveFactory(team=team, quarter=quarter, owner=pm, title="Ship one-tap pay")
    key_result = KeyResultFactory(objective=objective, start_value=0, target_value=10)
    CheckInFactory(key_result=key_result, value=10, author=pm)
    return objective


@pytest.fixture
def unfinished(team, quarter, pm, tech_lead):
    """An objective halfway there, its key result owned by the tech lead, threatened by an
    open obstacle."""
    objective = ObjectiveFactory(team=team, quarter=quarter, owner=pm, title="Halve checkout time")
    key_result = KeyResultFactory(
        objective=objective,
        description="Checkout time (s)",
        start_value=60,
        target_value=20,
        owner=tech_lead,
    )
    CheckInFactory(key_result=key_result, value=40, author=pm)
    obstacle = ObstacleFactory(team=team, created_by=pm, title="Waiting on the fraud team")
    obstacle.threatened_objectives.add(objective)
    return objective


def close_url(team, label="2026-Q4"):
    return reverse("objectives:quarter_close", args=[team.slug, label])


def reopen_url(team, label="2026-Q4"):
    return reverse("objectives:quarter_reopen", args=[team.slug, label])


def grades(*rows):
    """POST data: (objective, status, score, retrospective, carry over) for each."""
    data = {}
    for objective, status, score, retrospective, carry in rows:
        prefix = f"objective-{objective.pk}-"
        data.update(
            {
                prefix + "status": status,
                prefix + "final_score": score,
                prefix + "retrospective": retrospective,
            }
        )
        if carry:
            data[prefix + "carry_over"] = "on"
    return data


def good_grades(shipped, unfinished):
    return grades(
        (shipped, "achieved", "1", "Shipped in week 9; conversion up 4 points.", False),
        (unfinished, "missed", "0.5", "Fraud checks took six weeks; halfway there.", True),
    )


# --- the team page asks -------------------------------------------------------------------


def test_the_team_page_asks_its_pm_to_close_in_the_last_two_weeks(client_for, team, pm, shipped):
    page = client_for(pm).get(f"{team.get_absolute_url()}?quarter=2026-Q4").content.decode()
    assert "time to close it for the team" in page
    assert close_url(team) in page


def test_not_before_the_last_two_weeks(client_for, team, pm, shipped, today):
    today.move_to(datetime(2026, 12, 10, 10, tzinfo=TZ))
    page = client_for(pm).get(f"{team.get_absolute_url()}?quarter=2026-Q4").content.decode()
    assert close_url(team) not in page

    response = client_for(pm).post(close_url(team), grades((shipped, "achieved", "1", "Done", 0)))
    assert response.status_code == 409
    assert b"can be closed in its last two weeks" in response.content
    assert not QuarterClosing.objects.exists()


def test_others_are_not_asked(client_for, team, outsider, tech_lead, shipped):
    for viewer in (outsider, tech_lead):
        page = client_for(viewer).get(f"{team.get_absolute_url()}?quarter=2026-Q4")
        assert close_url(team) not in page.content.decode()


# --- closing in one sitting ---------------------------------------------------------------


def test_a_pm_closes_the_quarter_in_one_go(
    client_for, team, pm, tech_lead, shipped, unfinished, next_quarter
):
    response = client_for(pm).post(close_url(team), good_grades(shipped, unfinished))

    assert response.status_code == 302
    shipped.refresh_from_db()
    unfinished.refresh_from_db()
    assert (shipped.status, shipped.final_score) == ("achieved", Decimal("1.00"))
    assert (unfinished.status, unfinished.final_score) == ("missed", Decimal("0.50"))
    assert unfinished.retrospective == "Fraud checks took six weeks; halfway there."
    closing = QuarterClosing.objects.get()
    assert (closing.team, closing.quarter, closing.closed_by) == (team, shipped.quarter, pm)
    # The unfinished one is in the next quarter, its key result at its latest value, with its
    # owner, and the obstacle still in its way.
    carried = Objective.objects.get(quarter=next_quarter)
    assert carried.carried_from == unfinished and carried.title == "Halve checkout time"
    key_result = carried.key_results.get()
    assert (key_result.start_value, key_result.target_value) == (40, 20)
    assert key_result.owner == tech_lead
    assert list(carried.obstacles.values_list("title", flat=True)) == ["Waiting on the fraud team"]
    assert not Objective.objects.filter(quarter=next_quarter, title="Ship one-tap pay").exists()
    assert LogEntry.objects.filter(object_id=str(shipped.pk), user=pm).exists()


def test_the_team_page_shows_the_grades_once_closed(client_for, team, pm, shipped, unfinished):
    client_for(pm).post(
        close_url(team),
        grades(
            (shipped, "achieved", "0.9", "Shipped in week 9.", False),
            (unfinished, "dropped", "0.3", "Fraud came first.", False),
        ),
    )
    page = client_for(pm).get(f"{team.get_absolute_url()}?quarter=2026-Q4").content.decode()

    assert "2026-Q4 is closed" in page
    assert "0.90" in page and "Shipped in week 9." in page
    assert "Fraud came first." in page


def test_the_page_starts_from_each_objectives_progress(client_for, team, pm, shipped, unfinished):
    response = client_for(pm).get(close_url(team))

    forms = {form.objective.pk: form for form in response.context["forms"]}
    assert forms[shipped.pk].initial["status"] == "achieved"
    assert forms[shipped.pk].initial["final_score"] == Decimal("1.00")
    assert forms[unfinished.pk].initial["status"] == "missed"
    assert forms[unfinished.pk].initial["final_score"] == Decimal("0.50")
    assert forms[unfinished.pk].initial["carry_over"] is True
    assert forms[shipped.pk].initial["carry_over"] is False


def test_a_team_closes_after_the_quarter_has_ended(
    client_for, team, pm, shipped, unfinished, next_quarter, today
):
    today.move_to(datetime(2027, 1, 12, 10, tzinfo=TZ))
    page = client_for(pm).get(f"{team.get_absolute_url()}?quarter=2026-Q4").content.decode()
    assert "Time to close 2026-Q4 for the team" in page

    response = client_for(pm).post(close_url(team), good_grades(shipped, unfinished))

    assert response.status_code == 302
    assert QuarterClosing.objects.filter(team=team).exists()


# --- what a closed quarter refuses --------------------------------------------------------


@pytest.fixture
def closed(client_for, team, pm, shipped, unfinished, next_quarter):
    client_for(pm).post(close_url(team), good_grades(shipped, unfinished))
    return QuarterClosing.objects.get()


def test_a_closed_quarter_takes_no_check_ins(client_for, team, pm, tech_lead, unfinished, closed):
    key_result = unfinished.key_results.get()
    url = reverse("objectives:check_in", args=[team.slug, key_result.pk])
    before = CheckIn.objects.count()

    for who in (pm, tech_lead):
        response = client_for(who).post(url, {"value": "30", "confidence": "on_track"})
        assert response.status_code == 403
        assert b"its check-ins are over" in response.content
    assert CheckIn.objects.count() == before
    page = client_for(pm).get(f"{team.get_absolute_url()}?quarter=2026-Q4").content.decode()
    assert url not in page


def test_closing_twice_is_refused(client_for, team, pm, shipped, unfinished, closed):
    response = client_for(pm).post(close_url(team), good_grades(shipped, unfinished))
    assert response.status_code == 409
    assert QuarterClosing.objects.count() == 1


# --- reopening ----------------------------------------------------------------------------


def test_a_leader_reopens_with_a_reason_kept_in_the_history(
    client_for, team, leader, pm, shipped, unfinished, closed
):
    response = client_for(leader).post(
        reopen_url(team), {"reason": "The fraud figures came in late."}
    )

    assert response.status_code == 302
    closed.refresh_from_db()
    assert (closed.reopened_by, closed.reopen_reason) == (leader, "The fraud figures came in late.")
    key_result = unfinished.key_results.get()
    url = reverse("objectives:check_in", args=[team.slug, key_result.pk])
    assert client_for(pm).get(url).status_code == 200
    # Closed again: the history keeps both closings and the reason; nothing is carried twice.
    page = client_for(pm).get(close_url(team))
    assert b"The fraud figures came in late." in page.content
    assert b"Carried over into 2027-Q1 already." in page.content
    again = grades(
        (shipped, "achieved", "1", "Shipped.", False),
        (unfinished, "missed", "0.6", "Late fraud figures: 60%.", False),
    )
    assert client_for(pm).post(close_url(team), again).status_code == 302
    assert QuarterClosing.objects.count() == 2
    assert Objective.objects.filter(carried_from=unfinished).count() == 1


def test_reopening_needs_a_reason(client_for, team, leader, closed):
    response = client_for(leader).post(reopen_url(team), {"reason": "  "})

    assert response.status_code == 422
    assert b"This field is required." in response.content
    closed.refresh_from_db()
    assert closed.is_in_force


@pytest.mark.parametrize("who", ["leader", "admin_user"])
def test_leaders_and_admins_may_reopen(request, client_for, team, closed, who):
    client = client_for(request.getfixturevalue(who))
    assert b"Reopen the quarter" in client.get(close_url(team)).content
    assert client.post(reopen_url(team), {"reason": "Late figures"}).status_code == 302


@pytest.mark.parametrize("who", ["pm", "tech_lead", "outsider"])
def test_others_may_not_reopen(request, client_for, team, closed, who):
    client = client_for(request.getfixturevalue(who))
    assert client.post(reopen_url(team), {"reason": "Late figures"}).status_code == 403
    if who == "pm":
        assert b"Reopen the quarter" not in client.get(close_url(team)).content
    closed.refresh_from_db()
    assert closed.is_in_force


# --- who may close ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "leader", "admin_user"])
def test_the_teams_responsible_people_close_it(
    request, client_for, team, shipped, unfinished, next_quarter, who
):
    client = client_for(request.getfixturevalue(who))
    assert client.get(close_url(team)).status_code == 200
    assert client.post(close_url(team), good_grades(shipped, unfinished)).status_code == 302


@pytest.mark.parametrize("who", ["tech_lead", "outsider"])
def test_others_may_not_close_it(request, client_for, team, shipped, unfinished, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(close_url(team)).status_code == 403
    assert client.post(close_url(team), good_grades(shipped, unfinished)).status_code == 403
    assert not QuarterClosing.objects.exists()
    shipped.refresh_from_db()
    assert shipped.status == "active"


def test_anonymous_visitors_are_sent_to_sign_in(client, team, quarter):
    response = client.get(close_url(team))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("final_score", "1.5", "less than or equal to 1"),
        ("final_score", "", "This field is required."),
        ("retrospective", "", "This field is required."),
        ("status", "active", "Select a valid choice."),
    ],
)
def test_a_bad_grade_is_explained_and_nothing_is_saved(
    client_for, team, pm, shipped, unfinished, next_quarter, field, value, message
):
    data = good_grades(shipped, unfinished)
    data[f"objective-{unfinished.pk}-{field}"] = value

    response = client_for(pm).post(close_url(team), data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert "Shipped in week 9; conversion up 4 points." in response.content.decode()  # kept
    assert not QuarterClosing.objects.exists()
    assert not Objective.objects.filter(quarter=next_quarter).exists()
    shipped.refresh_from_db()
    assert (shipped.status, shipped.final_score) == ("active", None)


def test_an_achieved_objective_is_not_carried_over(
    client_for, team, pm, shipped, unfinished, next_quarter
):
    data = good_grades(shipped, unfinished)
    data[f"objective-{shipped.pk}-carry_over"] = "on"

    response = client_for(pm).post(close_url(team), data)

    assert response.status_code == 422
    assert b"An achieved objective is not carried over." in response.content
    assert not QuarterClosing.objects.exists()


def test_carrying_over_needs_the_next_quarter(
    client_for, team, pm, admin_user, shipped, unfinished
):
    response = client_for(pm).post(close_url(team), good_grades(shipped, unfinished))

    assert response.status_code == 422
    assert b"There is no next quarter yet" in response.content
    assert b"Create 2027-Q1" not in response.content  # a PM does not create quarters
    assert not QuarterClosing.objects.exists()
    assert b"Create 2027-Q1" in client_for(admin_user).get(close_url(team)).content


# --- the next quarter, with one button ----------------------------------------------------


NEXT = reverse("objectives:quarter_create_next")


def test_an_admin_creates_the_next_calendar_quarter_with_one_button(
    client_for, admin_user, team, quarter
):
    page = client_for(admin_user).get(close_url(team)).content.decode()
    assert 'name="start" value="2027-01-01"' in page and 'name="end" value="2027-03-31"' in page

    response = client_for(admin_user).post(
        NEXT,
        {"label": "2027-Q1", "start": "2027-01-01", "end": "2027-03-31", "next": close_url(team)},
    )

    assert response.status_code == 302 and response.url == close_url(team)
    created = Quarter.objects.get(label="2027-Q1")
    assert (created.start, created.end) == (date(2027, 1, 1), date(2027, 3, 31))


def test_the_new_quarter_page_is_prefilled(client_for, admin_user, quarter):
    form = client_for(admin_user).get(NEXT).context["form"]
    assert form.initial == {
        "label": "2027-Q1",
        "start": date(2027, 1, 1),
        "end": date(2027, 3, 31),
    }


def test_an_overlapping_quarter_is_refused(client_for, admin_user, quarter):
    response = client_for(admin_user).post(
        NEXT, {"label": "2027-Q1", "start": "2026-12-15", "end": "2027-03-31"}
    )

    assert response.status_code == 422
    assert b"This quarter overlaps another quarter." in response.content
    assert b'value="2026-12-15"' in response.content
    assert not Quarter.objects.filter(label="2027-Q1").exists()


def test_a_redirect_elsewhere_is_not_followed(client_for, admin_user, quarter):
    response = client_for(admin_user).post(
        NEXT,
        {"label": "2027-Q1", "start": "2027-01-01", "end": "2027-03-31", "next": "https://x.test"},
    )
    assert response.status_code == 302 and response.url == reverse("objectives:teams")


@pytest.mark.parametrize("who", ["leader", "pm", "outsider"])
def test_only_admins_create_quarters(request, client_for, quarter, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(NEXT).status_code == 403
    data = {"label": "2027-Q1", "start": "2027-01-01", "end": "2027-03-31"}
    assert client.post(NEXT, data).status_code == 403
    assert not Quarter.objects.filter(label="2027-Q1").exists()


# --- the rules, held by the model and the database ----------------------------------------


def test_an_objective_cannot_stay_active_in_a_closing(team, quarter, pm, shipped):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        QuarterClosing.close(team, quarter, pm, {shipped: ("active", Decimal(1), "Done")})
    assert not QuarterClosing.objects.exists()


def test_every_objective_needs_its_grade(team, quarter, pm, shipped, unfinished):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="needs its grade"):
        QuarterClosing.close(team, quarter, pm, {shipped: ("achieved", Decimal(1), "Done")})


def test_the_database_refuses_a_score_past_1(shipped):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Objective.objects.filter(pk=shipped.pk).update(final_score=Decimal("1.5"))


# --- queries ------------------------------------------------------------------------------


@pytest.mark.parametrize("times", [1, 10])
def test_the_closing_page_costs_the_same_queries_however_many_objectives(
    client_for, django_assert_num_queries, team, quarter, pm, next_quarter, times
):
    for n in range(times):
        objective = ObjectiveFactory(team=team, quarter=quarter, title=f"Objective {n}")
        for _ in range(2):
            KeyResultFactory(objective=objective)
    client = client_for(pm)

    # session, user, team, relations (memberships), quarter, closings, objectives, their key
    # results, the next quarter, whether the user may create quarters (leads a team)
    with django_assert_num_queries(10):
        response = client.get(close_url(team))
    assert len(response.context["forms"]) == times
    assert KeyResult.objects.count() == 2 * times
