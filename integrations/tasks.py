"""The integrations' jobs on the queue (headway.jobs).

The apps below know nothing of chat channels and webhooks: this app reads what changed in
them. `watch` runs every minute: it reads the rows the apps below added since its last pass
(obstacles' timeline entries, check-ins and their corrections, learnings shared with teams, by
primary key, see `Watermark`) and the objectives whose status differs from the one it last
saw, and turns them into the chat messages and webhook calls they mean, each a row queued with
the job that posts it, in the pass's transaction. `plan_chat_notices` runs every quarter of an
hour for what no single change causes: a decision due tomorrow, a team that fell behind pace.
Every message and call has a key, so each goes out once whatever the passes, retries and
workers.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from coaching.models import Learning
from headway import jobs
from headway.models import Schedule
from objectives.models import CheckIn, CheckInRevision, Objective, Pace, Quarter, Team
from obstacles.models import Obstacle, ObstacleEvent

from . import chat, outgoing, webhooks
from .models import (
    ChatChannel,
    ChatEvent,
    ChatMessage,
    SeenObjective,
    Watermark,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)

logger = logging.getLogger(__name__)


class TryAgain(Exception):
    """The other system did not take it this time: the job is tried again later."""


# --- What changed below, and what it means here ----------------------------------------------


@dataclass
class Change:
    """Something that happened in the apps below, as webhooks are told of it: `key` names it
    once and for all ("obstacle_event:812"), `kind` says what happened ("obstacle.
    status_changed"), `details` the rest (from and to values, a version), and `subject()`
    returns what it is about as the API shows it (None when it is gone)."""

    key: str
    event: str  # a WebhookEvent
    kind: str
    actor: object
    occurred_at: datetime
    subject: object
    details: dict = field(default_factory=dict)


# Every minute, at its 20th second (croniter's sixth field): not on the minute, when the
# quarter-hourly jobs tick and tests set their clocks.
@jobs.periodic(cron="* * * * * 20")
@jobs.task(name="integrations.watch", lock="integrations.watch")
def watch_job(timestamp):
    watch()


def watch(now=None):
    """One pass: read what changed below since the last one, and queue what it means."""
    now = now or timezone.now()
    with transaction.atomic():
        timeline = Watermark.rows_since(
            "obstacle_event", ObstacleEvent.objects.select_related("actor")
        )
        tell_channels_of_obstacles(timeline)
        tell_channels_of_learnings()
        changes = [
            *map(obstacle_change, timeline),
            *check_in_changes(),
            *objective_changes(now),
        ]
        queue_webhook_deliveries(changes)


# Obstacles: every entry of their timeline.


def obstacle_change(entry):
    if entry.kind == ObstacleEvent.Kind.CREATED:
        event = WebhookEvent.OBSTACLE_CREATED
    elif is_resolution(entry):
        event = WebhookEvent.OBSTACLE_RESOLVED
    else:
        event = WebhookEvent.OBSTACLE_CHANGED
    details = {"version": entry.version}
    if entry.from_value or entry.to_value:
        details.update(from_value=entry.from_value, to_value=entry.to_value)
    if entry.kind == ObstacleEvent.Kind.EDITED:
        details["fields"] = [name.strip() for name in entry.text.split(",") if name.strip()]
    return Change(
        key=f"obstacle_event:{entry.pk}",
        event=event,
        kind=f"obstacle.{entry.kind}",
        actor=entry.actor,
        occurred_at=entry.created_at,
        subject=lambda: webhooks.obstacle_subject(entry.obstacle_id),
        details=details,
    )


def is_resolution(entry):
    return (
        entry.kind == ObstacleEvent.Kind.STATUS_CHANGED
        and entry.to_value == Obstacle.Status.RESOLVED
    )


def tell_channels_of_obstacles(timeline):
    """An obstacle escalated as urgent, or resolved, is told to its team's channels, if it
    still is by now."""
    wanted = [
        entry
        for entry in timeline
        if entry.kind == ObstacleEvent.Kind.ESCALATED or is_resolution(entry)
    ]
    if not wanted:
        return
    obstacles = Obstacle.objects.select_related("team", "blocking_team").in_bulk(
        {entry.obstacle_id for entry in wanted}
    )
    channels = ChatChannel.objects.enabled().filter(
        team__in={obstacle.team_id for obstacle in obstacles.values()}
    )
    for entry in wanted:
        obstacle = obstacles.get(entry.obstacle_id)
        if obstacle is None:
            continue
        if entry.kind == ObstacleEvent.Kind.ESCALATED and obstacle.is_urgent:
            event, write = ChatEvent.URGENT, chat.urgent
        elif is_resolution(entry) and obstacle.status == Obstacle.Status.RESOLVED:
            event, write = ChatEvent.RESOLVED, chat.resolved
        else:
            continue
        for channel in channels:
            if channel.team_id == obstacle.team_id and channel.wants(event):
                queue_chat_message(
                    channel,
                    f"obstacle_event:{entry.pk}",
                    partial(write, obstacle, entry.actor),
                )


# Check-ins: each one recorded, and each correction.


def check_in_changes():
    check_ins = Watermark.rows_since("check_in", CheckIn.objects.select_related("author"))
    corrections = Watermark.rows_since(
        "check_in_revision",
        CheckInRevision.objects.filter(
            kind=CheckInRevision.Kind.CORRECTED, check_in__isnull=False
        ).select_related("by"),
    )
    for check_in in check_ins:
        yield check_in_change(
            f"check_in:{check_in.pk}", check_in.pk, check_in.author, check_in.created_at, False
        )
    for revision in corrections:
        yield check_in_change(
            f"check_in_revision:{revision.pk}", revision.check_in_id, revision.by, revision.at, True
        )


def check_in_change(key, check_in_id, actor, occurred_at, corrected):
    return Change(
        key=key,
        event=WebhookEvent.CHECK_IN_SAVED,
        kind="check_in.saved",
        actor=actor,
        occurred_at=occurred_at,
        subject=lambda: webhooks.check_in_subject(check_in_id),
        details={"corrected": corrected},
    )


# Objectives: a status other than the one last seen.


def objective_changes(now):
    """Objectives whose status is not the one last seen: a change each (a new objective is
    only noted). The person is the last one Headway's history shows changing it."""
    last_seen = SeenObjective.objects.filter(objective=OuterRef("pk")).values("status")[:1]
    moved = list(
        Objective.objects.annotate(seen=Subquery(last_seen))
        .filter(Q(seen__isnull=True) | ~Q(status=F("seen")))
        .only("pk", "status")
    )
    if not moved:
        return []
    SeenObjective.objects.bulk_create(
        [SeenObjective(objective_id=o.pk, status=o.status) for o in moved],
        update_conflicts=True,
        unique_fields=["objective"],
        update_fields=["status"],
    )
    changed = [o for o in moved if o.seen is not None]
    authors = last_changed_by(changed)
    return [
        Change(
            key=f"objective_status:{objective.pk}:{objective.seen}:{objective.status}:{now.isoformat()}",
            event=WebhookEvent.OBJECTIVE_STATUS_CHANGED,
            kind="objective.status_changed",
            actor=authors.get(objective.pk),
            occurred_at=now,
            subject=lambda pk=objective.pk: webhooks.objective_subject(pk),
            details={"from_value": objective.seen, "to_value": objective.status},
        )
        for objective in changed
    ]


def last_changed_by(objectives):
    """{objective id: the person who last changed it}, from the history (headway.history)."""
    if not objectives:
        return {}
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Objective),
            object_id__in=[str(o.pk) for o in objectives],
        )
        .order_by("object_id", "-action_time")
        .distinct("object_id")
        .values_list("object_id", "user_id")
    )
    users = get_user_model().objects.in_bulk({user_id for _pk, user_id in entries})
    return {int(pk): users.get(user_id) for pk, user_id in entries}


def queue_webhook_deliveries(changes):
    """A delivery, queued with its job, for each webhook that wants each change and was not
    called for it yet."""
    hooks = [hook for hook in Webhook.objects.enabled() if hook.events]
    wanted = [(change, [h for h in hooks if change.event in h.events]) for change in changes]
    wanted = [(change, targets) for change, targets in wanted if targets]
    if not wanted:
        return
    done = set(
        WebhookDelivery.objects.filter(key__in=[change.key for change, _t in wanted]).values_list(
            "webhook_id", "key"
        )
    )
    for change, targets in wanted:
        targets = [hook for hook in targets if (hook.pk, change.key) not in done]
        if not targets:
            continue
        body = webhooks.body_for(change)
        if body is None:
            continue  # what it was about is gone
        for hook in targets:
            delivery = WebhookDelivery.objects.create(
                webhook=hook, key=change.key, event_type=change.event, body=body
            )
            deliver_webhook.defer(delivery_id=delivery.pk)


# Learnings: shared with a team, or recorded for every team.


def tell_channels_of_learnings():
    """A learning reaches a team's channels once, when it is shared with the team (when it is
    recorded, or later with more teams), or when it is recorded for every team."""
    shares = Watermark.rows_since("learning_team", Learning.teams.through.objects.all())
    for_everyone = Watermark.rows_since("learning", Learning.objects.filter(for_everyone=True))
    if not shares and not for_everyone:
        return
    channels = list(ChatChannel.objects.listening_to(ChatEvent.LEARNING).select_related("team"))
    reached = {(share.learning_id, share.team_id) for share in shares}
    reached |= {(learning.pk, channel.team_id) for learning in for_everyone for channel in channels}
    learnings = Learning.objects.select_related("source_team", "author").in_bulk(
        {learning_id for learning_id, _team in reached}
    )
    for channel in channels:
        for learning_id, team_id in sorted(reached):
            if team_id == channel.team_id and learning_id in learnings:
                queue_chat_message(
                    channel,
                    f"learning:{learning_id}",
                    partial(chat.learning_shared, learnings[learning_id], channel.team),
                )


def queue_chat_message(channel, key, write):
    """Write a notice for `channel` in the organization's language and queue it, unless the
    channel was already told (the same key)."""
    if ChatMessage.objects.filter(channel=channel, key=key).exists():
        return None
    notice = chat.in_organization_language(write)
    try:
        with transaction.atomic():
            message = ChatMessage.objects.create(
                channel=channel,
                key=key,
                event=notice.event,
                text=notice.text,
                payload=chat.payload(channel, notice),
            )
    except IntegrityError:
        return None  # queued meanwhile by another worker
    post_chat_message.defer(message_id=message.pk)
    return message


# --- Posting ---------------------------------------------------------------------------------


@jobs.task(name="integrations.post_chat_message", retry=jobs.retry_on(TryAgain), pass_context=True)
def post_chat_message(context, message_id):
    post_to_chat(message_id, final=jobs.is_final_attempt(context))


def post_to_chat(message_id, final=True):
    message = ChatMessage.start(message_id)
    if message is None:
        return message
    channel = message.channel
    answer = outgoing.post_json(channel.webhook_url, chat.as_body(message.payload))
    settle(message, channel, answer, final)
    return message


@jobs.task(name="integrations.deliver_webhook", retry=jobs.retry_on(TryAgain), pass_context=True)
def deliver_webhook(context, delivery_id):
    call_webhook(delivery_id, final=jobs.is_final_attempt(context))


def call_webhook(delivery_id, final=True):
    delivery = WebhookDelivery.start(delivery_id)
    if delivery is None:
        return delivery
    webhook = delivery.webhook
    headers = webhooks.signed_headers(delivery, webhook.secret)
    answer = outgoing.post_json(webhook.url, delivery.body.encode(), headers)
    settle(delivery, webhook, answer, final)
    return delivery


def settle(delivery, endpoint, answer, final):
    """Record the answer on the delivery and its endpoint; ask for a retry when it is worth
    one."""
    delivery.note(answer, final)
    if answer.delivered:
        endpoint.record_success()
    elif delivery.status == delivery.Status.FAILED:
        logger.warning("%s %s failed: %s", type(delivery).__name__, delivery.pk, answer.summary())
        endpoint.record_failure(answer.summary())
    else:
        raise TryAgain(delivery.pk)


# --- Notices no single change causes -------------------------------------------------------

PACE_RANK = {"": 0, Pace.ON_TRACK: 0, Pace.AT_RISK: 1, Pace.OFF_TRACK: 2}


@jobs.periodic(cron="*/15 * * * *")
@jobs.task(name="integrations.plan_chat_notices", queueing_lock="integrations.plan_chat_notices")
def plan_chat_notices(timestamp):
    """From the organization's notice hour on (headway.models.Schedule), tell channels of the
    decisions due tomorrow, and of their team falling behind pace since they were last told."""
    now = timezone.localtime(jobs.tick_time(timestamp))
    if now.hour < Schedule.current().notice_hour:
        return
    with transaction.atomic():
        tell_decisions_due(now.date())
        tell_teams_behind_pace(now.date())


def tell_decisions_due(today):
    tomorrow = today + timedelta(days=1)
    due = Obstacle.objects.decisions_due([tomorrow]).select_related("team", "blocking_team")
    channels = ChatChannel.objects.listening_to(ChatEvent.DECISION_DUE)
    by_team = {}
    for channel in channels.filter(team__in={o.team_id for o in due}):
        by_team.setdefault(channel.team_id, []).append(channel)
    for obstacle in due:
        for channel in by_team.get(obstacle.team_id, []):
            key = f"decision_due:{obstacle.pk}:{obstacle.decide_by.isoformat()}"
            queue_chat_message(channel, key, lambda obstacle=obstacle: chat.decision_due(obstacle))


def tell_teams_behind_pace(today):
    quarter = Quarter.objects.containing(today).first()
    channels = list(ChatChannel.objects.listening_to(ChatEvent.BEHIND_PACE).select_related("team"))
    if quarter is None or not channels:
        return
    standing = {
        team.pk: team
        for team in Team.objects.with_pace(quarter, today).filter(
            pk__in={c.team_id for c in channels}
        )
    }
    for channel in channels:
        team = standing[channel.team_id]
        pace = team.pace or ""
        if PACE_RANK[pace] > PACE_RANK[channel.last_pace]:
            key = f"behind_pace:{quarter.label}:{today.isoformat()}:{pace}"
            queue_chat_message(
                channel,
                key,
                lambda team=team, pace=pace: chat.behind_pace(
                    team, quarter, Pace(pace), team.progress, team.expected
                ),
            )
        if pace != channel.last_pace:
            ChatChannel.objects.filter(pk=channel.pk).update(last_pace=pace)
