"""The reminders and digests, as jobs of the queue (headway.jobs).

Each kind has a periodic job that runs every quarter of an hour and finds the people it is
due for now, in their own time zone (every zone's hours start on a quarter hour): on the
organization's weekday and hour (headway.models.Schedule), on the person's digest day, or the
day before their 1:1. For each, it queues a job that writes that person's e-mail and queues
it (headway.emails.queue_email). An e-mail's key names its period ("check_in_reminder:
2026-W48:7"): it is written once however many ticks, workers or retries see it due; and a
tick missed while no worker ran is made up for by the next ones, for CATCH_UP.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from coaching.models import Learning, OneOnOne
from headway import jobs
from headway.emails import queue_email
from headway.models import Email, EmailKind, Preference, Schedule
from objectives.models import KeyResult, Membership, Quarter
from obstacles.models import Obstacle

from . import content
from .models import LearningNotice

EVERY_QUARTER_HOUR = "*/15 * * * *"
# How long after its hour a reminder is still sent, should no worker have run at the hour.
CATCH_UP = timedelta(hours=3)


def is_due(local_now, hour, weekday=None):
    """Whether `local_now` falls within CATCH_UP of `hour` o'clock (on `weekday`, ISO)."""
    start = local_now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return (weekday is None or local_now.isoweekday() == weekday) and (
        start <= local_now < start + CATCH_UP
    )


def week_of(day):
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def local_time(user, timestamp):
    """The tick `timestamp` in `user`'s time zone."""
    return jobs.tick_time(timestamp).astimezone(Preference.of(user).zone)


def send_to(user_id, timestamp, kind, key, build, template):
    """Write and queue the e-mail of `kind` to the person `user_id` at the tick `timestamp`,
    from notifications/emails/`template`: `build(user, local_now)` gives its context, or None
    when there is nothing to tell them; `key(user, local_now)` names it."""
    user = get_user_model().objects.get(pk=user_id)
    local_now = local_time(user, timestamp)
    context = build(user, local_now)
    if context is None:
        return
    queue_email(
        key=key(user, local_now),
        kind=kind,
        recipient=user,
        template=f"notifications/emails/{template}",
        context=context,
    )


def due_now(users, timestamp, kind, key, hour, weekday=None, digest_day=False):
    """Of `users`, those `kind` is due for at the tick `timestamp` and who were not sent it
    yet, as (user, their local time) pairs. `key(user, local_now)` names the e-mail; with
    `digest_day`, the day is each person's own."""
    now = jobs.tick_time(timestamp)
    preferences = Preference.of_each(users)
    candidates = {}
    for user in users:
        preference = preferences[user.pk]
        local_now = now.astimezone(preference.zone)
        day = preference.digest_day if digest_day else weekday
        if preference.wants(kind) and is_due(local_now, hour, day):
            candidates[key(user, local_now)] = (user, local_now)
    sent = Email.objects.keys_among(candidates)
    return [pair for key, pair in candidates.items() if key not in sent]


def active_people(queryset):
    return list(queryset.filter(is_active=True).exclude(email="").distinct().order_by("pk"))


def periodic(name):
    """A planner: every quarter of an hour, never two of the same waiting at once."""

    def decorate(function):
        planner = jobs.task(name=name, queueing_lock=name)(function)
        return jobs.periodic(cron=EVERY_QUARTER_HOUR)(planner)

    return decorate


# --- Check-in reminder: the organization's weekday and hour, to product managers ----------


def check_in_key(user, local_now):
    return f"{EmailKind.CHECK_IN_REMINDER}:{week_of(local_now.date())}:{user.pk}"


@periodic("notifications.plan_check_in_reminders")
def plan_check_in_reminders(timestamp):
    schedule = Schedule.current()
    product_managers = active_people(
        get_user_model().objects.filter(
            memberships__role=Membership.Role.PRODUCT_MANAGER, memberships__team__archived=False
        )
    )
    due = due_now(
        product_managers,
        timestamp,
        EmailKind.CHECK_IN_REMINDER,
        check_in_key,
        schedule.check_in_hour,
        schedule.check_in_weekday,
    )
    for user in with_key_results_to_check_in(due):
        send_check_in_reminder.defer(user_id=user.pk, timestamp=timestamp)


def with_key_results_to_check_in(due):
    """Of the (user, local time) pairs, the users whose teams have a key result without a
    check-in this week: nobody is reminded of nothing. One query per week start (one per
    time zone due at once)."""
    by_week = {}
    for user, local_now in due:
        by_week.setdefault(content.start_of_week(local_now), []).append(user)
    for since, users in by_week.items():
        quarter = Quarter.objects.containing(since.date() + timedelta(days=6)).first()
        if quarter is None:
            continue
        waiting = KeyResult.objects.filter(objective__team=OuterRef("team")).to_check_in(
            quarter, since
        )
        pm_ids = set(
            Membership.objects.filter(
                user__in=users, role=Membership.Role.PRODUCT_MANAGER, team__archived=False
            )
            .filter(Exists(waiting))
            .values_list("user", flat=True)
        )
        yield from (user for user in users if user.pk in pm_ids)


@jobs.task(name="notifications.send_check_in_reminder")
@transaction.atomic
def send_check_in_reminder(user_id, timestamp):
    send_to(
        user_id,
        timestamp,
        EmailKind.CHECK_IN_REMINDER,
        check_in_key,
        content.check_in_reminder,
        "check_in_reminder",
    )


# --- 1:1 preparation: the day before, at the notice hour, to both of the pair -------------


def preparation_key(user, one_on_one, day):
    return f"{EmailKind.ONE_ON_ONE_PREPARATION}:{one_on_one.pk}:{day}:{user.pk}"


@periodic("notifications.plan_one_on_one_preparations")
def plan_one_on_one_preparations(timestamp):
    now = jobs.tick_time(timestamp)
    hour = Schedule.current().notice_hour
    coming = list(
        OneOnOne.objects.upcoming()
        .filter(scheduled_for__gt=now, scheduled_for__lt=now + timedelta(days=3))
        .select_related("leader", "pm")
    )
    people = {person.pk: person for o in coming for person in (o.leader, o.pm) if person.is_active}
    preferences = Preference.of_each(list(people.values()))
    candidates = {}
    for one_on_one in coming:
        for person in (one_on_one.leader, one_on_one.pm):
            if person.pk not in people or not person.email:
                continue
            preference = preferences[person.pk]
            local_now = now.astimezone(preference.zone)
            day = one_on_one.scheduled_for.astimezone(preference.zone).date()
            if (
                preference.wants(EmailKind.ONE_ON_ONE_PREPARATION)
                and day == local_now.date() + timedelta(days=1)
                and is_due(local_now, hour)
            ):
                candidates[preparation_key(person, one_on_one, day)] = (person, one_on_one)
    sent = Email.objects.keys_among(candidates)
    for key, (person, one_on_one) in candidates.items():
        if key not in sent:
            send_one_on_one_preparation.defer(
                user_id=person.pk, one_on_one_id=one_on_one.pk, timestamp=timestamp
            )


@jobs.task(name="notifications.send_one_on_one_preparation")
@transaction.atomic
def send_one_on_one_preparation(user_id, one_on_one_id, timestamp):
    one_on_one = (
        OneOnOne.objects.upcoming()
        .select_related("leader", "pm", "team")
        .filter(pk=one_on_one_id)
        .first()
    )
    user = get_user_model().objects.get(pk=user_id)
    if one_on_one is None or user.pk not in (one_on_one.leader_id, one_on_one.pm_id):
        return  # held or removed since: nothing to prepare
    day = one_on_one.scheduled_for.astimezone(Preference.of(user).zone).date()
    queue_email(
        key=preparation_key(user, one_on_one, day),
        kind=EmailKind.ONE_ON_ONE_PREPARATION,
        recipient=user,
        template="notifications/emails/one_on_one_preparation",
        context=content.one_on_one_preparation(one_on_one, user),
    )


# --- Leader's digest: each leader's digest day (Monday by default), at the notice hour ----


def leader_digest_key(user, local_now):
    return f"{EmailKind.LEADER_DIGEST}:{week_of(local_now.date())}:{user.pk}"


@periodic("notifications.plan_leader_digests")
def plan_leader_digests(timestamp):
    leaders = active_people(get_user_model().objects.filter(led_teams__archived=False))
    due = due_now(
        leaders,
        timestamp,
        EmailKind.LEADER_DIGEST,
        leader_digest_key,
        Schedule.current().notice_hour,
        digest_day=True,
    )
    for user, _local_now in due:
        send_leader_digest.defer(user_id=user.pk, timestamp=timestamp)


@jobs.task(name="notifications.send_leader_digest")
@transaction.atomic
def send_leader_digest(user_id, timestamp):
    send_to(
        user_id,
        timestamp,
        EmailKind.LEADER_DIGEST,
        leader_digest_key,
        content.leader_digest,
        "leader_digest",
    )


# --- Decision due: two days before an obstacle's decide-by date and on the day ------------


def decision_key(user, local_now):
    return f"{EmailKind.DECISION_DUE}:{local_now.date()}:{user.pk}"


@periodic("notifications.plan_decisions_due")
def plan_decisions_due(timestamp):
    now = jobs.tick_time(timestamp)
    # Every leader's today and the day after tomorrow lie within these dates.
    first, last = (now - timedelta(days=1)).date(), (now + timedelta(days=3)).date()
    leader_ids = (
        Obstacle.objects.active()
        .filter(decide_by__range=(first, last), team__archived=False)
        .values("team__leader")
    )
    leaders = active_people(get_user_model().objects.filter(pk__in=leader_ids))
    due = due_now(
        leaders, timestamp, EmailKind.DECISION_DUE, decision_key, Schedule.current().notice_hour
    )
    for user, _local_now in due:
        send_decisions_due.defer(user_id=user.pk, timestamp=timestamp)


@jobs.task(name="notifications.send_decisions_due")
@transaction.atomic
def send_decisions_due(user_id, timestamp):
    send_to(
        user_id,
        timestamp,
        EmailKind.DECISION_DUE,
        decision_key,
        lambda user, local_now: content.decisions_due(user, local_now.date()),
        "decisions_due",
    )


# --- Learnings digest: each member's digest day, at the notice hour -----------------------


def learnings_key(user, local_now):
    return f"{EmailKind.LEARNINGS_DIGEST}:{week_of(local_now.date())}:{user.pk}"


@periodic("notifications.plan_learnings_digests")
def plan_learnings_digests(timestamp):
    members = active_people(get_user_model().objects.filter(memberships__team__archived=False))
    due = due_now(
        members,
        timestamp,
        EmailKind.LEARNINGS_DIGEST,
        learnings_key,
        Schedule.current().notice_hour,
        digest_day=True,
    )
    since = jobs.tick_time(timestamp) - content.LEARNINGS_LOOKBACK
    for user in with_new_learnings([user for user, _local_now in due], since):
        send_learnings_digest.defer(user_id=user.pk, timestamp=timestamp)


def with_new_learnings(users, since):
    """Of `users`, those with a learning to tell: shared since `since` with one of their
    teams (not learned by it) or with everyone, not by them, not told yet. One query."""
    told = LearningNotice.objects.filter(
        learning=OuterRef("pk"), recipient=OuterRef(OuterRef("user"))
    )
    news = (
        Learning.objects.filter(created_at__gte=since)
        .filter(Q(for_everyone=True) | Q(teams=OuterRef("team")))
        .exclude(source_team=OuterRef("team"))
        .exclude(author=OuterRef("user"))
        .filter(~Exists(told))
    )
    ids = set(
        Membership.objects.filter(user__in=users, team__archived=False)
        .filter(Exists(news))
        .values_list("user", flat=True)
    )
    return [user for user in users if user.pk in ids]


@jobs.task(name="notifications.send_learnings_digest")
@transaction.atomic
def send_learnings_digest(user_id, timestamp):
    user = get_user_model().objects.get(pk=user_id)
    local_now = local_time(user, timestamp)
    context = content.learnings_digest(user, local_now)
    if context is None:
        return
    email = queue_email(
        key=learnings_key(user, local_now),
        kind=EmailKind.LEARNINGS_DIGEST,
        recipient=user,
        template="notifications/emails/learnings_digest",
        context=context,
    )
    if email is not None:
        LearningNotice.objects.bulk_create(
            LearningNotice(recipient=user, learning=learning, email=email)
            for learning in context["learnings"]
        )
