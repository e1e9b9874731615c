"""What each reminder and digest tells one person, read through each app's queryset API.

Each function takes the recipient and their local time, returns the e-mail's context (None
when there is nothing to tell), and runs a fixed number of queries however many teams,
obstacles or learnings there are. Each lists only what the permission matrix lets the
recipient see: obstacles and learnings are open to everyone; a 1:1's agenda and action items
go to its pair alone; private notes to nobody.
"""

from datetime import datetime, time, timedelta
from itertools import groupby
from urllib.parse import urlencode

from django.db.models import F, Q
from django.urls import reverse

from coaching.agenda import build_agenda
from coaching.models import ActionItem, Learning
from objectives.models import KeyResult, Membership, Quarter, Team
from obstacles.models import Obstacle, with_bottleneck_growth

# How many items each list of a digest shows; the link under it leads to the rest.
LIST_LIMIT = 10
BOTTLENECKS_SHOWN = 5
# A learnings digest tells of the learnings shared in this window and not told before: the
# first digest of someone who just joined is not the team's whole history.
LEARNINGS_LOOKBACK = timedelta(days=28)


def start_of_week(local_now):
    """Monday 00:00 of `local_now`'s week, in its time zone."""
    monday = local_now.date() - timedelta(days=local_now.isoweekday() - 1)
    return datetime.combine(monday, time.min, tzinfo=local_now.tzinfo)


def shortlist(rows, limit=LIST_LIMIT):
    """The first `limit` of `rows` (one query) and whether there are more."""
    rows = list(rows[: limit + 1])
    return rows[:limit], len(rows) > limit


def check_in_reminder(pm, local_now):
    """The key results of the teams `pm` is product manager of that have had no check-in
    this week (since Monday in the PM's time zone), by team; None when all have one."""
    quarter = Quarter.objects.containing(local_now.date()).first()
    if quarter is None:
        return None
    teams = Team.objects.active().with_member(pm, Membership.Role.PRODUCT_MANAGER)
    key_results = list(
        KeyResult.objects.filter(objective__team__in=teams).to_check_in(
            quarter, start_of_week(local_now)
        )
    )
    if not key_results:
        return None
    return {
        "quarter": quarter,
        "count": len(key_results),
        "teams": [
            {"team": team, "key_results": list(rows)}
            for team, rows in groupby(key_results, key=lambda kr: kr.objective.team)
        ],
    }


def one_on_one_preparation(one_on_one, recipient):
    """The 1:1's agenda so far, for one of its pair: the obstacles logged or changed since
    the last one, the key results to talk about, the open action items, the talking points.
    Never its notes."""
    return {
        "one_on_one": one_on_one,
        "talking_points_url": f"{one_on_one.get_absolute_url()}#talking-points",
        "agenda": build_agenda(one_on_one),
        "for_leader": recipient.pk == one_on_one.leader_id,
        "other": one_on_one.pm if recipient.pk == one_on_one.leader_id else one_on_one.leader,
    }


def leader_digest(leader, local_now):
    """A leader's week: what needs them (urgent obstacles, requests for help, decisions due
    within a week, their overdue action items), their teams that fell behind pace since last
    week, and the bottlenecks that grew; None when there is nothing to tell."""
    today = local_now.date()
    needing, more_needing = shortlist(
        Obstacle.objects.needing_leader(leader, today)
        .select_related("team", "blocking_team")
        .most_pressing_first()
    )
    overdue, more_overdue = shortlist(ActionItem.objects.overdue_for(leader, today))
    quarter = Quarter.objects.containing(today).first()
    behind = []
    if quarter is not None:
        behind = (
            Team.objects.active()
            .led_by(leader)
            .order_by("name")
            .fell_behind_pace(quarter, today, today - timedelta(days=7))
        )
    grown = list(
        with_bottleneck_growth(Team.objects.active(), local_now - timedelta(days=7))
        .filter(bottleneck_obstacle_count__gt=F("previous_bottleneck_obstacle_count"))
        .annotate(growth=F("bottleneck_obstacle_count") - F("previous_bottleneck_obstacle_count"))
        .order_by("-growth", "-bottleneck_obstacle_count", "name")[:BOTTLENECKS_SHOWN]
    )
    if not (needing or overdue or behind or grown):
        return None
    for team in grown:
        team.waiting_url = f"{reverse('obstacles:log')}?{urlencode({'blocking': team.pk})}"
    return {
        "today": today,
        "needing": needing,
        "more_needing": more_needing,
        "overdue": overdue,
        "more_overdue": more_overdue,
        "quarter": quarter,
        "behind": behind,
        "bottlenecks": grown,
    }


def decisions_due(leader, local_today):
    """The active obstacles of `leader`'s teams whose decision is due today or in two days;
    None without any."""
    obstacles = list(
        Obstacle.objects.decisions_due([local_today, local_today + timedelta(days=2)])
        .filter(team__leader=leader, team__archived=False)
        .select_related("team", "owner")
        .order_by("decide_by", "team__name", "title")
    )
    if not obstacles:
        return None
    return {
        "today": local_today,
        "due_today": [o for o in obstacles if o.decide_by == local_today],
        "due_soon": [o for o in obstacles if o.decide_by != local_today],
    }


def new_learnings(member, teams, since):
    """The learnings shared since `since` with everyone or with one of `teams` that `member`
    was not told about yet, leaving out what `member`'s teams learned themselves."""
    return (
        Learning.objects.filter(created_at__gte=since)
        .filter(Q(for_everyone=True) | Q(teams__in=teams))
        .exclude(source_team__in=teams)
        .exclude(author=member)
        .exclude(notices__recipient=member)
        .distinct()
    )


def learnings_digest(member, local_now):
    """The learnings newly shared with `member`'s teams, under the team each was shared
    with (or "every team"); None without any. `learnings` lists them all, to record that
    they were told."""
    teams = list(Team.objects.active().with_member(member))
    if not teams:
        return None
    learnings = list(
        new_learnings(member, teams, local_now - LEARNINGS_LOOKBACK)
        .select_related("source_team", "author")
        .prefetch_related("teams")
        .order_by("-created_at", "-pk")
    )
    if not learnings:
        return None
    sections, placed = [], set()
    for team in teams:
        shared = [
            learning
            for learning in learnings
            if learning.pk not in placed and team in learning.teams.all()
        ]
        placed.update(learning.pk for learning in shared)
        if shared:
            sections.append({"team": team, "learnings": shared})
    for_everyone = [learning for learning in learnings if learning.pk not in placed]
    return {
        "sections": sections,
        "for_everyone": for_everyone,
        "learnings": learnings,
        "count": len(learnings),
    }
