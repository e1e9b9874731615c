"""The quarter review's leadership figures, and a leader's own review: how fast each leader
first acted on what their teams asked of them, their decisions against their dates, their
1:1s against the weeks of the quarter, and the learnings they recorded; checked against
figures computed by hand.

The story is 2026-Q3 (1 July to 30 September, 13 weeks, Europe/Paris), reviewed on
15 October 2026. Maya leads Checkout, whose PM Sam logs (times in hours until Maya's first
entry in the obstacle's timeline):

    A  1 Jul 10:00                Maya comments 4 h later                logged 4
    B 10 Jul 10:00                Maya takes it 2 days later             logged 48
    C  1 Aug 10:00, urgent 2 Aug  Maya comments 2 Aug 13:00              logged 27, urgent 3
    E 20 Sep 10:00                only Payments' leader and Sam act      logged (waiting)
    G  3 Sep 10:00, urgent        Maya resolves it 2 h later             logged 2, urgent 2
    S  1 Sep 10:00, stakeholder decision by 10 Sep, resolved 8 Sep 10:00  logged 168,
                                                                  decision 168, on time
    T 15 Jul 10:00, asks a decision by 25 Jul on 20 Jul 10:00, Maya comments 21 Jul
      10:00, resolves 28 Jul                             logged 144, decision 24, late
    U 20 Sep 10:00, stakeholder decision by 25 Sep, untouched   logged and decision
                                                                (waiting), overdue

Logged: 8 asked, 6 acted on: 2, 4, 27, 48, 144, 168 h: median 37.5 h, 90th percentile
144 + 0.5 × 24 = 156 h. Urgent: 2 and 3 h: median 2.5 h, 90th 2.9 h. Decisions: 24 and
168 h: median 96 h, 90th 24 + 0.9 × 144 = 153.6 h. What Maya logs or escalates herself (D),
and a decision she logs then withdraws (W), ask nothing of her.

Maya held 9 1:1s with Sam in Q3 (one more in June and one in October do not count), none
with Lee, Checkout's other PM, and 2 with Kim, Checkout's PM before Sam. She recorded two
learnings in Q3, shared with Payments Platform and with Payments Platform and Search: 2 teams
reached. Payments Platform's leader, Omar, shared one with everyone: 3 active teams.
"""

import csv
import io
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coaching.models import OneOnOne
from dashboard import review
from headway.people import display_name
from objectives.models import Membership, Quarter
from obstacles.models import Decision, LeaderRequest
from tests.factories import (
    LearningFactory,
    MembershipFactory,
    ObjectiveFactory,
    ObstacleFactory,
    OneOnOneFactory,
    QuarterFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo(settings.TIME_ZONE)
REVIEW = reverse("review", args=["2026-Q3"])
EXPORT = reverse("review_export", args=["2026-Q3"])
LOG = reverse("obstacles:log")
SECRET = "Sam is thinking of leaving"


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=PARIS)


def hours(count):
    return timedelta(hours=count)


def about(duration):
    """`duration` to the second: percentile_cont interpolates intervals in floating point."""
    return None if duration is None else timedelta(seconds=round(duration.total_seconds()))


@pytest.fixture
def q3():
    return QuarterFactory(label="2026-Q3")


@pytest.fixture
def omar(other_team):
    """Payments Platform's leader."""
    other_team.leader.first_name, other_team.leader.last_name = "Omar", "Haddad"
    other_team.leader.save()
    return other_team.leader


@pytest.fixture
def story(time_machine, q3, team, other_team, omar, pm, leader):
    """The quarter told above."""
    QuarterFactory(label="2026-Q4")

    def log(when, **fields):
        time_machine.move_to(when)
        return ObstacleFactory(team=team, created_by=fields.pop("by", pm), opened_at=when, **fields)

    def then(when, action, *args):
        time_machine.move_to(when)
        action(*args)

    a = log(at(7, 1))
    then(at(7, 1, 14), a.comment, leader, "Looking into it.")
    b = log(at(7, 10))
    then(at(7, 12), b.take_ownership, leader)
    c = log(at(8, 1))
    then(at(8, 2), c.escalate, pm)
    then(at(8, 2, 13), c.comment, leader, "Calling them.")
    d = log(at(8, 5), by=leader, is_urgent=True)
    then(at(8, 6), d.comment, leader, "Mine.")
    e = log(at(9, 20))
    then(at(9, 21), e.comment, omar, "Not mine to answer.")
    then(at(9, 22), e.comment, pm, "Still waiting.")
    g = log(at(9, 3), is_urgent=True)
    then(at(9, 3, 12), g.resolve, leader, "Done.")
    s = log(at(9, 1), kind="stakeholder", decide_by=date(2026, 9, 10))
    then(at(9, 8), s.resolve, leader, "Decided: we ship.")
    t = log(at(7, 15))
    time_machine.move_to(at(7, 20))
    t.edit(pm, t.version, help_wanted="decision", decide_by=date(2026, 7, 25))
    then(at(7, 21), t.comment, leader, "Thinking.")
    then(at(7, 28), t.resolve, leader, "Decided: not now.")
    log(at(9, 20), kind="stakeholder", decide_by=date(2026, 9, 25))
    w = log(at(8, 1), by=leader, kind="stakeholder", decide_by=date(2026, 8, 15))
    then(at(8, 10), w.change_status, leader, "withdrawn", "No longer needed.")

    lee, kim = UserFactory(first_name="Lee"), UserFactory(first_name="Kim")
    MembershipFactory(team=team, user=lee, role=Membership.Role.PRODUCT_MANAGER)
    held = [at(7, 2) + timedelta(weeks=week) for week in range(9)] + [at(6, 25), at(10, 2)]
    for when in held:
        OneOnOneFactory(team=team, pm=pm, scheduled_for=when, held_at=when, private_notes=SECRET)
    OneOnOneFactory(team=team, pm=pm, scheduled_for=at(10, 20))
    for when in [at(7, 3), at(7, 8)]:
        OneOnOneFactory(team=team, pm=kim, scheduled_for=when, held_at=when)

    search = TeamFactory(name="Search", leader=UserFactory(first_name="Ana"))
    LearningFactory(source_team=team, created_at=at(7, 5)).teams.set([other_team, search])
    LearningFactory(source_team=team, created_at=at(8, 5)).teams.set([other_team])
    LearningFactory(source_team=team, created_at=at(6, 5)).teams.set([search])
    LearningFactory(source_team=team, author=pm, created_at=at(8, 6)).teams.set([search])
    LearningFactory(source_team=other_team, for_everyone=True, created_at=at(9, 9))
    time_machine.move_to(at(10, 15))
    return {"lee": lee, "kim": kim, "search": search}


def figures_of(response, person):
    [figures] = [f for f in response.context["leadership"] if f.leader == person]
    return figures


def requests_of(figures):
    return {row["request"]: row for row in figures.requests}


def test_the_time_from_what_a_team_asked_to_its_leaders_first_action(client_for, leader, story):
    requests = requests_of(figures_of(client_for(leader).get(REVIEW), leader))

    logged = requests[LeaderRequest.LOGGED]
    assert (logged["asked"], logged["acted"], logged["waiting"]) == (8, 6, 2)
    assert (about(logged["median"]), about(logged["p90"])) == (hours(37.5), hours(156))
    urgent = requests[LeaderRequest.URGENT]
    assert (urgent["asked"], urgent["acted"], urgent["waiting"]) == (2, 2, 0)
    assert (about(urgent["median"]), about(urgent["p90"])) == (hours(2.5), hours(2.9))
    decision = requests[LeaderRequest.DECISION]
    assert (decision["asked"], decision["acted"], decision["waiting"]) == (3, 2, 1)
    assert (about(decision["median"]), about(decision["p90"])) == (hours(96), hours(153.6))


@pytest.mark.parametrize("prepared", [True, False])
def test_each_leaders_figures_are_the_same_in_their_review_and_the_organizations(
    request, client_for, leader, omar, story, prepared
):
    """Read for one leader's teams or for a page of leaders, through statements prepared
    once per connection or not."""
    request.getfixturevalue("settings").DB_PREPARED_STATEMENTS = prepared
    client = client_for(omar)

    everyone = client.get(REVIEW).context["leadership"]

    assert len(everyone) == 3
    for figures in everyone:
        [own] = client.get(REVIEW, {"leader": figures.leader.pk}).context["leadership"]
        assert own == figures
    logged = requests_of(figures_of(client.get(REVIEW), leader))[LeaderRequest.LOGGED]
    assert (logged["asked"], logged["acted"]) == (8, 6)


def test_the_figures_follow_a_quarters_dates_when_they_change(client_for, leader, story):
    client = client_for(leader)
    requests_of(figures_of(client.get(REVIEW), leader))
    quarter = Quarter.objects.get(label="2026-Q3")
    quarter.start = date(2026, 8, 1)
    quarter.save()

    logged = requests_of(figures_of(client.get(REVIEW), leader))[LeaderRequest.LOGGED]

    # A, B and T were logged in July: C, E, G, S and U remain, E and U not acted on.
    assert (logged["asked"], logged["acted"]) == (5, 3)


def test_decisions_made_before_or_after_their_date_and_those_still_undecided(
    client_for, leader, story
):
    decisions = figures_of(client_for(leader).get(REVIEW), leader).decisions

    assert decisions == {"on_time": 1, "late": 1, "overdue": 1, "pending": 0}


def test_a_decision_not_due_yet_is_pending_while_the_quarter_runs(
    client_for, time_machine, leader, team, pm, q3
):
    time_machine.move_to(at(9, 1))
    ObstacleFactory(team=team, created_by=pm, kind="stakeholder", decide_by=date(2026, 9, 10))

    decisions = figures_of(client_for(leader).get(REVIEW), leader).decisions

    assert decisions == {"on_time": 0, "late": 0, "overdue": 0, "pending": 1}
    time_machine.move_to(at(9, 11))
    decisions = figures_of(client_for(leader).get(REVIEW), leader).decisions
    assert decisions == {"on_time": 0, "late": 0, "overdue": 1, "pending": 0}


def test_1_1s_held_in_the_quarter_for_each_pair_against_its_weeks(client_for, leader, pm, story):
    response = client_for(leader).get(REVIEW)

    assert response.context["weeks"] == 13
    pairs = [
        (pair["team"].name, pair["pm"], pair["held"]) for pair in figures_of(response, leader).pairs
    ]
    assert sorted(pairs, key=lambda p: p[2]) == [
        ("Checkout", story["lee"], 0),
        ("Checkout", story["kim"], 2),
        ("Checkout", pm, 9),
    ]
    assert "9 of 13" in response.content.decode()


def test_weeks_of_a_running_quarter_are_those_so_far(client_for, time_machine, leader, team, q3):
    time_machine.move_to(at(7, 29))

    assert client_for(leader).get(REVIEW).context["weeks"] == 4


def test_learnings_recorded_and_the_teams_they_reached(client_for, leader, omar, story):
    response = client_for(leader).get(REVIEW)

    maya = figures_of(response, leader)
    assert (maya.learnings, maya.teams_reached) == (2, 2)
    shared_with_everyone = figures_of(response, omar)
    assert (shared_with_everyone.learnings, shared_with_everyone.teams_reached) == (1, 3)


def test_each_leadership_figure_links_to_exactly_the_rows_behind_it(client_for, leader, pm, story):
    client = client_for(leader)
    response = client.get(REVIEW)
    page = response.content.decode()
    figures = figures_of(response, leader)

    def rows_behind(path, query):
        link = f"{path}?{query}"
        assert link.replace("&", "&amp;") in page
        return client.get(link)

    for row in figures.requests:
        query = f"status=all&leader={leader.pk}&asked={row['request']}&asked_in=2026-Q3"
        assert rows_behind(LOG, query).context["page"].paginator.count == row["asked"]
        waiting = rows_behind(LOG, f"{query}&acted=no").context["page"].paginator.count
        assert waiting == row["waiting"]
    for state in Decision:
        query = f"status=all&leader={leader.pk}&decision={state}&due_in=2026-Q3"
        count = rows_behind(LOG, query).context["page"].paginator.count
        assert count == figures.decisions[state]
    one_on_ones = rows_behind(
        reverse("coaching:one_on_ones"), f"held_in=2026-Q3&team=checkout&pm={pm.pk}"
    )
    assert len(one_on_ones.context["held"]) == 9
    learnings = rows_behind(
        reverse("coaching:learnings"), f"author={leader.pk}&recorded_in=2026-Q3"
    )
    assert len(learnings.context["learnings"]) == figures.learnings


def test_the_1_1s_count_links_only_for_the_pair_and_no_private_note_shows(
    client_for, admin_user, leader, pm, story
):
    link = f"{reverse('coaching:one_on_ones')}?held_in=2026-Q3&amp;team=checkout&amp;pm={pm.pk}"
    as_leader = client_for(leader).get(REVIEW).content.decode()
    as_admin = client_for(admin_user).get(REVIEW).content.decode()

    assert link in as_leader
    assert link not in as_admin
    assert "9 of 13" in as_admin
    export = client_for(admin_user).get(EXPORT).content.decode()
    for content in (as_leader, as_admin, export):
        assert SECRET not in content
    assert OneOnOne.objects.filter(private_notes=SECRET).count() == 11


def test_a_leaders_review_shows_their_teams_and_their_own_leadership(
    client_for, leader, omar, story
):
    response = client_for(omar).get(REVIEW, {"leader": leader.pk})

    assert response.status_code == 200
    assert [f.leader for f in response.context["leadership"]] == [leader]
    assert [row["team__slug"] for row in response.context["outcomes"]] == []
    kinds = {row["kind"]: row["logged"] for row in response.context["kinds"]}
    # Checkout's obstacles only: W and D count as logged like any other.
    assert kinds == {"other": 7, "stakeholder": 3}
    assert f"leader={leader.pk}" in response.content.decode()


def test_the_organizations_review_lists_every_leader_with_a_link_to_their_review(
    client_for, admin_user, leader, omar, story
):
    response = client_for(admin_user).get(REVIEW)

    leaders = [f.leader for f in response.context["leadership"]]
    # In name order: Ana (Search), Maya, then Payments Platform's.
    assert leaders == [story["search"].leader, leader, omar]
    assert f"{REVIEW}?leader={leader.pk}" in response.content.decode()


def test_the_organizations_leaders_are_shown_a_page_at_a_time_and_exported_all_at_once(
    client_for, admin_user, time_machine
):
    time_machine.move_to(at(8, 1))
    quarter = QuarterFactory(label="2026-Q3")
    grow(quarter, review.LEADERS_PER_PAGE + 2)
    client = client_for(admin_user)
    every_leader = list(review.leaders_of_active_teams())

    first = client.get(REVIEW)
    second = client.get(REVIEW, {"leaders_page": 2})
    past_the_end = client.get(REVIEW, {"leaders_page": 9})

    per_page = review.LEADERS_PER_PAGE
    assert [f.leader for f in first.context["leadership"]] == every_leader[:per_page]
    assert [f.leader for f in second.context["leadership"]] == every_leader[per_page:]
    assert past_the_end.context["leadership"] == second.context["leadership"]
    assert "?leaders_page=2#leadership" in first.content.decode()
    assert "?leaders_page=1#leadership" in second.content.decode()
    # Each leader's figures are on one of the pages, and all of them in the CSV.
    exported = {row[1] for row in csv.reader(io.StringIO(client.get(EXPORT).content.decode()))}
    assert {display_name(leader) for leader in every_leader} <= exported


def test_the_leadership_figures_export_as_csv(client_for, leader, pm, story):
    response = client_for(leader).get(EXPORT, {"leader": leader.pk})

    assert response["Content-Disposition"] == 'attachment; filename="review-2026-Q3-leader.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Leadership", "Maya Chen", "Logged: asked", "8"] in rows
    assert ["Leadership", "Maya Chen", "Logged: median days to first action", "1.56"] in rows
    assert ["Leadership", "Maya Chen", "Marked urgent: acted on", "2"] in rows
    assert ["Leadership", "Maya Chen", "Decisions: Made after its date", "1"] in rows
    assert [
        "Leadership",
        "Maya Chen",
        "1:1s held with Sam Rivera (Checkout), of 13 weeks",
        "9",
    ] in rows
    assert ["Leadership", "Maya Chen", "Teams the learnings reached", "2"] in rows


def test_a_teams_review_carries_no_leadership_figures(client_for, leader, pm, story):
    for who in (leader, pm):
        response = client_for(who).get(REVIEW, {"team": "checkout"})
        assert "leadership" not in response.context
        assert "Time to the leader’s first action" not in response.content.decode()
    rows = client_for(pm).get(EXPORT, {"team": "checkout"}).content.decode()
    assert "Leadership" not in rows


@pytest.mark.parametrize("who", ["leader", "omar", "admin_user"])
def test_leaders_and_admins_read_any_leaders_review(request, client_for, leader, team, q3, who):
    client = client_for(request.getfixturevalue(who))

    assert client.get(REVIEW, {"leader": leader.pk}).status_code == 200
    assert client.get(EXPORT, {"leader": leader.pk}).status_code == 200


@pytest.mark.parametrize("who", ["pm", "tech_lead", "outsider"])
def test_a_teams_people_are_refused_a_leaders_review(request, client_for, leader, team, q3, who):
    client = client_for(request.getfixturevalue(who))

    assert client.get(REVIEW, {"leader": leader.pk}).status_code == 403
    assert client.get(EXPORT, {"leader": leader.pk}).status_code == 403
    # Nor does their team's review offer them leaders' figures or a leader to pick.
    if who != "outsider":
        page = client.get(REVIEW, {"team": "checkout"}).content.decode()
        assert 'name="leader"' not in page


def test_someone_who_leads_no_team_has_no_review(client_for, leader, pm, q3):
    client = client_for(leader)

    assert client.get(REVIEW, {"leader": pm.pk}).status_code == 404
    assert client.get(REVIEW, {"leader": "maya"}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, leader, q3):
    assert client.get(REVIEW, {"leader": leader.pk}).status_code == 302


def grow(quarter, times):
    """`times` leaders, each leading a team whose PM logs an obstacle the leader answers, an
    urgent one and a decision, meets the leader and records a learning shared with the next
    team; one learning for everyone."""
    teams = [TeamFactory() for _ in range(times)]
    for team, next_team in zip(teams, teams[1:] + teams[:1], strict=True):
        pm = UserFactory()
        MembershipFactory(team=team, user=pm, role=Membership.Role.PRODUCT_MANAGER)
        answered = ObstacleFactory(team=team, created_by=pm)
        answered.comment(team.leader, "On it.")
        ObstacleFactory(team=team, created_by=pm, is_urgent=True)
        ObstacleFactory(team=team, created_by=pm, kind="stakeholder", decide_by=quarter.end)
        OneOnOneFactory(team=team, pm=pm, scheduled_for=at(7, 20), held_at=at(7, 20))
        ObjectiveFactory(team=team, quarter=quarter)
        LearningFactory(source_team=team).teams.set([next_team])
    LearningFactory(source_team=teams[0], for_everyone=True)


# The review's own queries (test_review.PAGE_QUERIES, EXPORT_QUERIES), then: the leaders
# (picker and rows), then in one round trip their figures (the three requests, the
# decisions and the learnings: one statement) and their 1:1 pairs (held in the quarter or
# current, with their people and teams: one statement). A leader's review reads that
# leader too (with the ids of their teams), and counts its obstacles' figures from its
# teams' obstacles, in the round trip of its other sections (where the organization's
# reads those it stored), as its CSV does, which does not list the leaders (as many
# queries as the organization's CSV).
PAGE_QUERIES = 7 + 2
EXPORT_QUERIES = 4 + 3
LEADER_PAGE_QUERIES = PAGE_QUERIES + 1


@pytest.mark.parametrize("times", [1, 10])
def test_the_leadership_figures_take_as_many_queries_at_1x_as_at_10x(
    client_for, admin_user, time_machine, django_assert_num_queries, times
):
    time_machine.move_to(at(8, 1))
    quarter = QuarterFactory(label="2026-Q3")
    grow(quarter, times)
    client = client_for(admin_user)

    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(REVIEW)
    assert len(response.context["leadership"]) == min(times, review.LEADERS_PER_PAGE)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(REVIEW, {"leaders_page": 2})
    with django_assert_num_queries(EXPORT_QUERIES):
        assert client.get(EXPORT).status_code == 200
    leader = response.context["leadership"][0].leader.pk
    with django_assert_num_queries(LEADER_PAGE_QUERIES):
        client.get(REVIEW, {"leader": leader})
    with django_assert_num_queries(EXPORT_QUERIES):
        assert client.get(EXPORT, {"leader": leader}).status_code == 200


@pytest.fixture
def demo_quarters(time_machine):
    """The demo seeded on a Wednesday: its two quarters before this one, the earlier first."""
    time_machine.move_to(datetime(2026, 11, 18, 9, 30, tzinfo=PARIS))
    call_command("seed_demo", stdout=StringIO())
    earlier, previous, _current, _following = Quarter.objects.order_by("start")
    return earlier, previous


def test_the_demos_leader_met_their_pms_more_often_and_acted_faster_last_quarter(demo_quarters):
    today = timezone.localdate()
    maya = get_user_model().objects.get(username="leader")

    def figures_in(quarter):
        scope = review.Scope(quarter, leader=maya, sees_leadership=True)
        [figures] = review.leadership(scope, today, [])
        return figures

    earlier, previous = (figures_in(quarter) for quarter in demo_quarters)
    held = {
        q: {p["team"].slug: p["held"] for p in f.pairs} for q, f in [(0, earlier), (1, previous)]
    }
    # 13 weeks less those each pair missed (coaching.demo.PAST_PAIRS): the platform team's PM
    # least while it was the bottleneck.
    assert held[0] == {"checkout": 11, "onboarding": 10, "search": 10, "payments-platform": 8}
    assert held[1] == {"checkout": 12, "onboarding": 12, "search": 11, "payments-platform": 13}
    logged = [requests_of(f)[LeaderRequest.LOGGED]["median"] for f in (earlier, previous)]
    assert logged[1] < logged[0]
    # Search's shared with Mobile and Growth, the platform's named contacts with Checkout,
    # Onboarding and Mobile, Onboarding's with nobody: four teams reached.
    assert (previous.learnings, previous.teams_reached) == (3, 4)
