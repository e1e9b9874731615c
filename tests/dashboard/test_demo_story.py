"""The demo organization tells the same story whichever day it is seeded, in either language:
who is on pace and who is far behind, what is urgent, which decision is due, which 1:1 and
action items are overdue, which team is the bottleneck. Seeded with the clock set to the
first, a middle and the last day of a quarter and to 29 February, at hours near midnight."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from coaching.models import with_cadence
from dashboard import figures
from objectives.demo import QUARTER_DAYS, SEED_DAY_INDEX
from objectives.models import CheckIn, KeyResult, Objective, Pace, Quarter, Team

pytestmark = pytest.mark.django_db

SEED_MOMENTS = {
    "first day of a year and a quarter, after midnight": (2027, 1, 1, 0, 5),
    "middle of a quarter, a Sunday": (2027, 2, 14, 11, 0),
    "last day of a quarter, before midnight": (2027, 3, 31, 23, 30),
    "29 February": (2028, 2, 29, 9, 0),
}

# Who stands where on the day the demo is seeded, and what each team says of itself: Growth
# says it is on track while it is behind.
PACES = {
    "checkout": (Pace.ON_TRACK, CheckIn.Confidence.ON_TRACK),
    "search": (Pace.ON_TRACK, CheckIn.Confidence.ON_TRACK),
    "mobile": (Pace.ON_TRACK, CheckIn.Confidence.ON_TRACK),
    "partner-api": (Pace.ON_TRACK, CheckIn.Confidence.ON_TRACK),
    "payments-platform": (Pace.AT_RISK, CheckIn.Confidence.AT_RISK),
    "growth": (Pace.AT_RISK, CheckIn.Confidence.ON_TRACK),
    "onboarding": (Pace.OFF_TRACK, CheckIn.Confidence.OFF_TRACK),
}


@pytest.fixture(params=["en", "fr"])
def language(request):
    return request.param


@pytest.fixture(params=SEED_MOMENTS.values(), ids=SEED_MOMENTS.keys())
def seeded(request, language, time_machine):
    """The day the demo was seeded, at that moment, in `language`; the clock stays there
    (ticking). Seeding takes seconds: each test seeds once and reads the whole story."""
    year, month, day, hour, minute = request.param
    time_machine.move_to(
        datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(settings.TIME_ZONE))
    )
    call_command("seed_demo", lang=language, stdout=StringIO())
    return timezone.localdate()


def story(today):
    """What the demo's leader reads on `today`, in terms that do not depend on the language."""
    earlier, previous, current, following = Quarter.objects.order_by("start")
    maya = get_user_model().objects.get(username="leader")
    needing = figures.obstacles_needing(maya, today)
    carried = Objective.objects.filter(quarter=current, carried_from__isnull=False)
    return {
        "quarters": [(q.label, q.start, q.end) for q in (earlier, previous, current, following)],
        "current quarter": Quarter.objects.current(),
        "share of the quarter elapsed": round(current.elapsed_share(today), 2),
        "teams' paces and their own judgement": {
            t.slug: (t.pace, t.latest_confidence) for t in Team.objects.with_pace(current, today)
        },
        "objectives' paces": {
            (o.team.slug, o.order): o.pace
            for o in Objective.objects.filter(quarter=current)
            .with_progress(today)
            .select_related("team")
        },
        "needs the leader": sorted((o.team.slug, o.kind) for o in needing),
        "urgent": [(o.team.slug, o.kind) for o in needing if o.is_urgent],
        "decisions due": [(o.team.slug, o.decision_days_left) for o in needing if o.decision_due],
        "days since each PM's 1:1, overdue": {
            t.slug: (t.days_since_one_on_one, t.one_on_one_overdue)
            for t in with_cadence(Team.objects.led_by(maya), today)
        },
        "leader's overdue action items, days late": sorted(
            (i.one_on_one.team.slug, i.days_late) for i in figures.overdue_action_items(maya, today)
        ),
        "PM's overdue action items": list(
            figures.overdue_action_items(get_user_model().objects.get(username="pm"), today)
        ),
        "bottlenecks: rank, teams waiting": [
            (t.slug, t.rank, t.bottleneck_team_count) for t in figures.bottlenecks()
        ],
        "carried over from last quarter's missed objective": {
            o.team.slug: (o.order, o.carried_from.quarter, o.carried_from.status)
            for o in carried.select_related("team", "carried_from__quarter")
        },
        "days of the check-ins, this quarter": {
            tuple(timezone.localdate(c.created_at) for c in kr.check_ins.order_by("created_at"))
            for kr in KeyResult.objects.filter(objective__quarter=current)
        },
        "days of the check-ins, last quarter": {
            tuple(timezone.localdate(c.created_at) for c in kr.check_ins.order_by("created_at"))
            for kr in KeyResult.objects.filter(objective__quarter=previous)
        },
    }


def expected_story(today):
    calendar = Quarter.for_day(today)
    start = today - timedelta(days=SEED_DAY_INDEX)
    previous = Quarter.objects.get(start=start - timedelta(days=QUARTER_DAYS))
    return {
        "quarters": [
            (
                Quarter.for_day(calendar.start - timedelta(days=100)).label,
                start - timedelta(days=2 * QUARTER_DAYS),
                start - timedelta(days=QUARTER_DAYS + 1),
            ),
            (
                Quarter.for_day(calendar.start - timedelta(days=1)).label,
                start - timedelta(days=QUARTER_DAYS),
                start - timedelta(days=1),
            ),
            (calendar.label, start, start + timedelta(days=QUARTER_DAYS - 1)),
            (
                Quarter.for_day(calendar.end + timedelta(days=1)).label,
                start + timedelta(days=QUARTER_DAYS),
                start + timedelta(days=2 * QUARTER_DAYS - 1),
            ),
        ],
        "current quarter": Quarter.objects.get(start=start),
        "share of the quarter elapsed": 0.6,
        "teams' paces and their own judgement": PACES,
        "objectives' paces": {
            (o.team.slug, o.order): PACES[o.team.slug][0]
            for o in Objective.objects.filter(quarter__start=start).select_related("team")
        },
        "needs the leader": [
            ("checkout", "customer"),
            ("checkout", "dependency"),
            ("checkout", "stakeholder"),
            ("onboarding", "platform"),
            ("search", "capability"),
        ],
        "urgent": [("checkout", "customer")],
        "decisions due": [("checkout", 3)],
        "days since each PM's 1:1, overdue": {
            "checkout": (5, False),
            "onboarding": (6, False),
            "search": (10, True),
            "payments-platform": (4, False),
        },
        "leader's overdue action items, days late": [
            ("checkout", 9),
            ("onboarding", 10),
            ("payments-platform", 8),
            ("search", 14),
        ],
        "PM's overdue action items": [],
        "bottlenecks: rank, teams waiting": [("payments-platform", 1, 4)],
        "carried over from last quarter's missed objective": {
            slug: (0, previous, Objective.Status.MISSED) for slug in PACES
        },
        "days of the check-ins, this quarter": {
            tuple(today - timedelta(days=7 * week) for week in reversed(range(8)))
        },
        "days of the check-ins, last quarter": {
            tuple(previous.end - timedelta(days=7 * week) for week in reversed(range(13)))
        },
    }


def test_the_demo_tells_the_same_story_on_any_day_in_either_language(seeded):
    assert story(seeded) == expected_story(seeded)
