"""A large, deterministic organization for measuring Headway (`manage.py seed_scale`).

Everything is proportional to the number of teams: about five people per team, eight
quarters of three objectives with three key results each and weekly check-ins, about 250
obstacles per team over those quarters with their timelines, weekly 1:1s with notes and
action items, and learnings. Rows are written with bulk inserts in a fixed random order, so
the same seed gives the same organization.
"""

import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from coaching.models import ActionItem, Learning, OneOnOne
from objectives.demo import demo_quarters
from objectives.models import (
    CheckIn,
    KeyResult,
    Membership,
    Objective,
    Problem,
    QuarterClosing,
    Team,
    TeamStanding,
)
from obstacles.models import Obstacle, ObstacleEvent, recompute_signals

logger = logging.getLogger(__name__)

PASSWORD = "headway"
QUARTERS = 8
OBJECTIVES_PER_QUARTER = 3
KEY_RESULTS_PER_OBJECTIVE = 3
OBSTACLES_PER_TEAM = 250
TEAMS_PER_LEADER = 8
# The organization's important problems, for all its quarters, and the share of objectives
# serving one of them (the others serve none).
PROBLEMS = 5
SERVING_SHARE = 0.7
# A past quarter's final scores, by outcome.
FINAL_SCORES = {"achieved": (0.9, 1.0), "missed": (0.3, 0.8), "dropped": (0.0, 0.4)}
BATCH = 5000
# The share of closed obstacles escalated at some moment of their timeline (the urgent open
# ones were escalated as they were logged).
ESCALATED_SHARE = 0.06
KINDS = ["dependency", "capability", "customer", "platform", "stakeholder", "other"]
KIND_WEIGHTS = [30, 12, 15, 25, 10, 8]
# Titles and descriptions draw words from this vocabulary with Zipf's law (the k-th word
# about 1/k as often as the first), as text does: a two-word search then matches a few
# obstacles in a hundred, as it would in a real log, not nearly all of them.
VOCABULARY = """
payments checkout search onboarding invoices refunds wallets latency mobile partners pricing
fraud churn retention reporting api migration billing catalogue identity release android ios
timeout deploy schema database cache queue webhook contract legal budget hiring design review
roadmap vendor security audit compliance gdpr consent login password session token sso
analytics dashboard tracking experiment variant funnel conversion signup trial upgrade
downgrade cancellation subscription plan discount coupon tax currency exchange settlement
payout ledger reconciliation dispute chargeback risk scoring model training data pipeline
warehouse export import csv integration salesforce hubspot zendesk support ticket escalation
outage incident postmortem alert monitoring logging tracing capacity scaling cluster region
failover backup restore latency throughput memory cpu disk network firewall certificate dns
cdn images video upload storage quota limits throttling pagination sorting filters ranking
recommendations personalization notifications email sms push templates translations locale
accessibility contrast keyboard screen reader performance bundle javascript css framework
upgrade deprecation sunset feature flag rollout beta pilot customer enterprise agency
"""
WORDS = list(dict.fromkeys(VOCABULARY.split()))
WEIGHTS = [1 / rank for rank in range(1, len(WORDS) + 1)]


@dataclass
class Counts:
    users: int = 0
    teams: int = 0
    objectives: int = 0
    key_results: int = 0
    check_ins: int = 0
    obstacles: int = 0
    events: int = 0
    one_on_ones: int = 0
    action_items: int = 0
    learnings: int = 0
    problems: int = 0
    closings: int = 0


def _phrase(rng, words=4):
    return " ".join(rng.choices(WORDS, WEIGHTS, k=words)).capitalize()


def seed_scale(teams=200, seed=7, prefix="s"):
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate(now)
    counts = Counts()
    # The demo's quarters of 13 weeks, today 60 % into the last one: the same organization,
    # the same figures, whichever day it is seeded.
    quarters = demo_quarters(today, before=QUARTERS - 1, after=0)
    User = get_user_model()
    password = make_password(PASSWORD)

    # People and teams.
    leaders = [
        User(username=f"{prefix}-leader{i}", first_name="Leader", last_name=str(i),
             password=password)
        for i in range(max(1, teams // TEAMS_PER_LEADER))
    ]  # fmt: skip
    roles = ["pm", "tech_lead", "designer", "other", "other"]
    members = [
        User(username=f"{prefix}-t{t}-{n}", first_name=role.replace("_", " ").title(),
             last_name=f"T{t}", password=password)
        for t in range(teams) for n, role in enumerate(roles)
    ]  # fmt: skip
    User.objects.bulk_create(leaders + members, batch_size=BATCH)
    leaders = list(User.objects.filter(username__startswith=f"{prefix}-leader").order_by("pk"))
    people = {u.username: u for u in User.objects.filter(username__startswith=f"{prefix}-t")}
    platform_count = max(1, teams // 25)
    team_rows = [
        Team(name=f"Team {prefix}{t}", slug=f"{prefix}-team-{t}", mission=_phrase(rng, 8),
             is_platform=t < platform_count, leader=leaders[t // TEAMS_PER_LEADER % len(leaders)])
        for t in range(teams)
    ]  # fmt: skip
    Team.objects.bulk_create(team_rows, batch_size=BATCH)
    team_rows = list(Team.objects.filter(slug__startswith=f"{prefix}-team-").order_by("pk"))
    pms = {}
    memberships = []
    for t, team in enumerate(team_rows):
        for n, role in enumerate(roles):
            user = people[f"{prefix}-t{t}-{n}"]
            memberships.append(Membership(team=team, user=user, role=role))
            if role == "pm":
                pms[team.pk] = user
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    counts.users, counts.teams = len(leaders) + len(people), len(team_rows)

    # Objectives, key results and weekly check-ins.
    objectives = [
        Objective(team=team, quarter=quarter, title=_phrase(rng, 5), problem=_phrase(rng, 10),
                  owner=pms[team.pk], order=o,
                  status="active" if quarter == quarters[-1] else rng.choice(
                      ["achieved", "achieved", "missed", "dropped"]))
        for team in team_rows for quarter in quarters for o in range(OBJECTIVES_PER_QUARTER)
    ]  # fmt: skip
    objectives = Objective.objects.bulk_create(objectives, batch_size=BATCH)
    key_results = [
        KeyResult(objective=objective, description=_phrase(rng, 6), order=k,
                  start_value=Decimal(0), target_value=Decimal(rng.choice([10, 50, 100, 500])))
        for objective in objectives for k in range(KEY_RESULTS_PER_OBJECTIVE)
    ]  # fmt: skip
    key_results = KeyResult.objects.bulk_create(key_results, batch_size=BATCH)
    quarter_of = {q.pk: q for q in quarters}
    team_pace = {team.pk: rng.uniform(0.4, 1.2) for team in team_rows}
    check_ins = []
    for key_result in key_results:
        objective = key_result.objective
        quarter = quarter_of[objective.quarter_id]
        pace = team_pace[objective.team_id] * rng.uniform(0.7, 1.2)
        week, day = 0, quarter.start + timedelta(days=6)
        while day <= min(quarter.end, today):
            share = min(1.0, pace * (day - quarter.start).days / quarter.days)
            gap = (day - quarter.start).days / quarter.days - share
            check_ins.append(CheckIn(
                key_result=key_result, author_id=pms[objective.team_id].pk,
                value=Decimal(round(float(key_result.target_value) * share, 2)),
                confidence="on_track" if gap < 0.1 else "at_risk" if gap < 0.25 else "off_track",
                created_at=timezone.make_aware(timezone.datetime.combine(
                    day, timezone.datetime.min.time())) + timedelta(hours=10),
            ))  # fmt: skip
            week, day = week + 1, day + timedelta(days=7)
    CheckIn.objects.bulk_create(check_ins, batch_size=BATCH)
    counts.objectives, counts.key_results = len(objectives), len(key_results)
    counts.check_ins = len(check_ins)
    counts.problems, counts.closings = _problems_and_closings(
        random.Random(seed + 1), quarters, team_rows, leaders, pms, objectives
    )

    # Obstacles with their timelines: a few platform teams block many others.
    start = quarters[0].start
    span = (now.date() - start).days
    platform_weights = [1 / (i + 1) ** 1.5 for i in range(platform_count)]
    obstacles, plans = [], []
    for team in team_rows:
        for _ in range(OBSTACLES_PER_TEAM):
            age = int(span * rng.random() ** 1.7)  # skewed: more recent than old
            opened = now - timedelta(days=age, hours=rng.randint(0, 23))
            kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
            blocking = None
            if kind == "platform" and not team.is_platform:
                blocking = rng.choices(team_rows[:platform_count], platform_weights)[0]
            elif kind in ("dependency", "platform"):
                kind = "dependency"
                blocking = rng.choice([t for t in rng.sample(team_rows, 2) if t != team])
            closed = rng.random() < (0.93 if age > 45 else 0.45)
            closed_at = opened + timedelta(days=rng.uniform(0.5, min(age, 60) or 0.5))
            closed_at = min(closed_at, now)
            status = (rng.choice(["resolved", "resolved", "accepted", "withdrawn"]) if closed
                      else rng.choice(["open", "open", "in_progress"]))  # fmt: skip
            events = rng.randint(3, 6)
            obstacles.append(Obstacle(
                team=team, title=_phrase(rng, 6), description=_phrase(rng, 20), kind=kind,
                blocking_team=blocking, severity=rng.choices([1, 2, 3, 4], [3, 5, 3, 1])[0],
                is_urgent=not closed and rng.random() < 0.04,
                help_wanted=rng.choice(["", "", "decision", "engineer", "team_time"]),
                decide_by=(opened + timedelta(days=rng.randint(3, 21))).date()
                if kind == "stakeholder" else None,
                status=status, resolution=_phrase(rng, 8) if closed else "",
                created_by=pms[team.pk], owner=pms[team.pk] if rng.random() < 0.5 else None,
                opened_at=opened, closed_at=closed_at if closed else None,
                last_activity_at=closed_at if closed else opened, version=events,
            ))  # fmt: skip
            plans.append(events)
    obstacles = Obstacle.objects.bulk_create(obstacles, batch_size=BATCH)
    events = []
    for obstacle, n in zip(obstacles, plans, strict=True):
        end = obstacle.closed_at or now
        moments = sorted(
            obstacle.opened_at + (end - obstacle.opened_at) * rng.random() for _ in range(n - 1)
        )
        events.append(
            ObstacleEvent(
                obstacle=obstacle,
                kind="created",
                version=1,
                actor_id=obstacle.created_by_id,
                created_at=obstacle.opened_at,
            )
        )
        for v, moment in enumerate(moments, start=2):
            last = obstacle.closed_at and v == n
            events.append(ObstacleEvent(
                obstacle=obstacle, version=v, actor_id=obstacle.team.leader_id
                if v % 2 else obstacle.created_by_id, created_at=obstacle.closed_at if last
                else moment, kind="status_changed" if last else "comment",
                to_value=obstacle.status if last else "",
                text="" if last else _phrase(rng, 12),
            ))  # fmt: skip
    events += _escalations(random.Random(seed + 2), obstacles, events)
    ObstacleEvent.objects.bulk_create(events, batch_size=BATCH)
    Obstacle.objects.filter(pk__in=[o.pk for o in obstacles if not o.closed_at]).update(
        last_activity_at=now - timedelta(hours=1)
    )
    Obstacle.objects.filter(team__in=team_rows).refresh_search_vector()
    counts.obstacles, counts.events = len(obstacles), len(events)

    # Weekly 1:1s between each team's leader and PM, with action items; learnings.
    one_on_ones = []
    for team in team_rows:
        day = now - timedelta(days=7 * 104 + rng.randint(0, 6))
        while day < now - timedelta(days=1):
            one_on_ones.append(OneOnOne(
                leader_id=team.leader_id, pm=pms[team.pk], team=team, scheduled_for=day,
                held_at=day, shared_notes=_phrase(rng, 30), private_notes=_phrase(rng, 10),
            ))  # fmt: skip
            day += timedelta(days=7)
        one_on_ones.append(
            OneOnOne(leader_id=team.leader_id, pm=pms[team.pk], team=team, scheduled_for=day)
        )
    for one_on_one in one_on_ones:
        for field in OneOnOne.NOTES.values():
            one_on_one.render_notes(field)
    one_on_ones = OneOnOne.objects.bulk_create(one_on_ones, batch_size=BATCH)
    action_items = [
        ActionItem(one_on_one=o, owner_id=o.leader_id if rng.random() < 0.7 else o.pm_id,
                   text=_phrase(rng, 6), due_date=(o.scheduled_for + timedelta(days=7)).date(),
                   done_at=o.scheduled_for + timedelta(days=3) if rng.random() < 0.85 else None,
                   created_at=o.scheduled_for)
        for o in one_on_ones if o.held_at
    ]  # fmt: skip
    ActionItem.objects.bulk_create(action_items, batch_size=BATCH)
    learnings = [
        Learning(title=_phrase(rng, 5), body=_phrase(rng, 40), source_team=team,
                 author_id=team.leader_id, for_everyone=rng.random() < 0.2,
                 created_at=now - timedelta(days=rng.randint(0, span)))
        for team in team_rows for _ in range(5)
    ]  # fmt: skip
    for learning in learnings:
        learning.render_body()
    learnings = Learning.objects.bulk_create(learnings, batch_size=BATCH)
    Through = Learning.teams.through
    Through.objects.bulk_create(
        [Through(learning=learning, team=target) for learning in learnings
         if not learning.for_everyone for target in rng.sample(team_rows, min(2, teams))],
        batch_size=BATCH, ignore_conflicts=True,
    )  # fmt: skip
    counts.one_on_ones, counts.action_items = len(one_on_ones), len(action_items)
    counts.learnings = len(learnings)
    # Bulk inserts write no stored signal: they are computed once, from everything.
    TeamStanding.objects.recompute()
    recompute_signals()
    return counts


def _escalations(rng, obstacles, events):
    """The escalations of the obstacles' timelines (`events`, in order, each obstacle's
    logging first): each urgent one was logged urgent, escalated by its PM as it was logged;
    ESCALATED_SHARE of those closed were escalated by their PM at a moment of their timeline
    and stay urgent, as an obstacle resolved while urgent does. The leader's entries that
    follow answer them. From a random generator of their own, so that the rest of the
    organization is the same as without them."""
    timelines = {}
    for event in events:
        timelines.setdefault(event.obstacle_id, []).append(event)
    escalations, escalated = [], []
    for obstacle in obstacles:
        timeline = timelines[obstacle.pk]
        if obstacle.is_urgent:
            after = timeline[0]
        elif obstacle.closed_at and rng.random() < ESCALATED_SHARE:
            after = rng.choice(timeline[:-1])
            obstacle.is_urgent = True
            escalated.append(obstacle.pk)
        else:
            continue
        # Escalated as it was logged, or between two entries: the version of the one before.
        moment = after.created_at
        if after.kind != "created":
            following = timeline[timeline.index(after) + 1]
            moment += (following.created_at - after.created_at) * rng.random()
        escalations.append(ObstacleEvent(
            obstacle=obstacle, kind="escalated", version=after.version,
            actor_id=obstacle.created_by_id, created_at=moment,
        ))  # fmt: skip
    Obstacle.objects.filter(pk__in=escalated).update(is_urgent=True)
    return escalations


def _problems_and_closings(rng, quarters, team_rows, leaders, pms, objectives):
    """The organization's problems with the objectives serving them, and every past quarter
    closed by each team's PM two days after its end, each objective graded with a final
    score and a retrospective. From a random generator of their own, so that the rest of
    the organization is the same as without them. Returns how many of each were made."""
    problems = Problem.objects.bulk_create(
        Problem(title=_phrase(rng, 5), why_it_matters=_phrase(rng, 12),
                owner=leaders[i % len(leaders)], first_quarter=quarters[0])
        for i in range(PROBLEMS)
    )  # fmt: skip
    serving = [objective for objective in objectives if rng.random() < SERVING_SHARE]
    for objective in serving:
        objective.serves = rng.choice(problems)
    Objective.objects.bulk_update(serving, ["serves"], batch_size=BATCH)
    past = [objective for objective in objectives if objective.quarter_id != quarters[-1].pk]
    for objective in past:
        low, high = FINAL_SCORES[objective.status]
        objective.final_score = Decimal(str(round(rng.uniform(low, high), 2)))
        objective.retrospective = _phrase(rng, 14)
    Objective.objects.bulk_update(past, ["final_score", "retrospective"], batch_size=BATCH)
    closings = QuarterClosing.objects.bulk_create(
        [QuarterClosing(team=team, quarter=quarter, closed_by=pms[team.pk],
                        closed_at=timezone.make_aware(timezone.datetime.combine(
                            quarter.end + timedelta(days=2), timezone.datetime.min.time())))
         for team in team_rows for quarter in quarters[:-1]],
        batch_size=BATCH,
    )  # fmt: skip
    return len(problems), len(closings)
