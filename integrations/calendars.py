"""A person's calendar feed (iCalendar, RFC 5545), written with the icalendar library.

Each event has a UID that never changes (the kind of thing and its id, on Headway's host),
and a SEQUENCE that grows when the thing changes (a 1:1 moved, an obstacle edited), so that
calendar apps replace the event rather than add another. Times are in UTC; dates are all-day
events. The feed is written in the person's language.
"""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from coaching.models import OneOnOne
from headway.models import Preference
from headway.people import display_name
from objectives.models import Quarter
from obstacles.models import Obstacle

# A 1:1 is a weekly conversation of half an hour, unless the organization says otherwise.
ONE_ON_ONE_MINUTES = 30
# Held 1:1s stay in the feed this long, so that a calendar keeps the recent past.
KEEP_HELD = timedelta(days=90)
# Quarters that ended this long ago leave the feed.
KEEP_QUARTERS = timedelta(days=366)
# How often calendar apps are asked to read the feed again.
REFRESH = timedelta(hours=1)


def host():
    return urlsplit(settings.SITE_URL).hostname or "headway"


def link(path):
    return settings.SITE_URL + path


def one_on_ones_of(user, now):
    """The person's 1:1s: coming ones, and those held lately. Only the pair's own."""
    return (
        OneOnOne.objects.involving(user)
        .filter(Q(held_at__isnull=True) | Q(scheduled_for__gte=now - KEEP_HELD))
        .select_related("leader", "pm", "team")
        .order_by("scheduled_for")
    )


def decisions_of(user):
    """Active obstacles with a decide-by date, of the teams the person leads or that they
    own."""
    return (
        Obstacle.objects.active()
        .filter(decide_by__isnull=False)
        .filter(Q(team__leader=user) | Q(owner=user))
        .select_related("team")
        .order_by("decide_by", "pk")
    )


def quarters_around(today):
    return Quarter.objects.filter(end__gte=today - KEEP_QUARTERS).order_by("start")


def one_on_one_event(one_on_one, user, stamp):
    other = one_on_one.pm if one_on_one.leader_id == user.pk else one_on_one.leader
    url = link(one_on_one.get_absolute_url())
    event = Event()
    event.add("uid", f"one-on-one-{one_on_one.pk}@{host()}")
    event.add("dtstamp", stamp)
    event.add("sequence", one_on_one.times_moved)
    event.add("dtstart", one_on_one.scheduled_for.astimezone(UTC))
    event.add(
        "dtend",
        (one_on_one.scheduled_for + timedelta(minutes=ONE_ON_ONE_MINUTES)).astimezone(UTC),
    )
    event.add(
        "summary",
        _("1:1 with %(name)s (%(team)s)")
        % {"name": display_name(other), "team": one_on_one.team.name},
    )
    event.add("description", _("Agenda and notes in Headway: %(url)s") % {"url": url})
    event.add("url", url)
    event.add("status", "CONFIRMED")
    return event


def all_day_event(uid, day, summary, stamp, sequence=0, url=None):
    event = Event()
    event.add("uid", f"{uid}@{host()}")
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    # A reminder of a date, not a meeting: it does not make the person busy.
    event.add("transp", "TRANSPARENT")
    if url:
        event.add("url", url)
        event.add("description", url)
    return event


def decision_event(obstacle, stamp):
    return all_day_event(
        f"obstacle-{obstacle.pk}-decide-by",
        obstacle.decide_by,
        _("Decision due: %(title)s (%(team)s)")
        % {"title": obstacle.title, "team": obstacle.team.name},
        stamp,
        sequence=obstacle.version,
        url=obstacle.full_url(),
    )


def quarter_end_event(quarter, stamp):
    return all_day_event(
        f"quarter-{quarter.pk}-end",
        quarter.end,
        _("Last day of %(quarter)s") % {"quarter": quarter.label},
        stamp,
    )


def feed_for(user):
    """The person's calendar, as the bytes of an .ics file."""
    now = timezone.now()
    stamp = now.astimezone(UTC).replace(microsecond=0)
    with translation.override(Preference.objects.language_to_write_to(user)):
        calendar = Calendar()
        calendar.add("prodid", "-//Headway//Calendar feed//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Headway: %(name)s") % {"name": display_name(user)})
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", REFRESH)
        for one_on_one in one_on_ones_of(user, now):
            calendar.add_component(one_on_one_event(one_on_one, user, stamp))
        for obstacle in decisions_of(user):
            calendar.add_component(decision_event(obstacle, stamp))
        for quarter in quarters_around(timezone.localdate()):
            calendar.add_component(quarter_end_event(quarter, stamp))
    return calendar.to_ical()
