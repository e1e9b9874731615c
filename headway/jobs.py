"""Headway's job queue: background work kept in PostgreSQL and run by workers.

It is procrastinate (its Django integration): a job is a row in Headway's own database, so
there is no broker to run, and deferring a job inside `transaction.atomic()` queues it in the
caller's transaction, on the same connection: the job exists if and only if the change that
caused it commits. Workers (`manage.py procrastinate worker`, see the README) take each job
with `SELECT ... FOR UPDATE SKIP LOCKED`, so a job runs on one worker however many there are.
A periodic job is deferred by every worker's clock, but PostgreSQL records each tick once
(a unique constraint on the task and the tick's timestamp): it runs once per tick too.

The conventions every job follows are here, so that each app declares its jobs in its
`tasks.py` the same way:

    @jobs.task(name="obstacles.something")
    def something(obstacle_id): ...

    something.defer(obstacle_id=obstacle.pk)   # inside the transaction of the change

    @jobs.periodic(cron="*/15 * * * *")
    @jobs.task(name="notifications.plan_something")
    def plan_something(timestamp): ...       # the tick, in seconds since the epoch

A job's arguments are JSON: pass ids, not objects, and read the rows again in the job. A job
must be safe to run twice (a retry after a worker died mid-way runs it again): check what it
did before doing it.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from procrastinate import PsycopgConnector, RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.utils import connector_params

# A failed job is tried again after 5 s, 25 s, 2 min, 10 min and 52 min (5 ** attempt), then
# left failed for an operator: six attempts over about an hour and a half, enough for a mail
# server's restart or a network outage, short enough to be noticed the same day.
MAX_ATTEMPTS = 6


class WorkerConnector(PsycopgConnector):
    """The connector of a worker (`manage.py procrastinate worker`): it takes, runs and
    finishes jobs on connections of its own, as procrastinate's does, but a job that defers
    another (a digest queueing its e-mail) does it on Django's connection, in the job's own
    transaction, as a web request does. On a connection of its own the new job would be
    committed at once: a worker could take it before the rows it is about were committed
    (and fail on an e-mail that did not exist yet), or run it for a change rolled back."""

    def __init__(self, alias, **kwargs):
        super().__init__(**kwargs)
        self.django = DjangoConnector(alias=alias)

    def get_sync_connector(self):
        # Every synchronous call: what a job's code (running in a thread of its own, with
        # that thread's Django connection) does. The worker's own calls are asynchronous.
        return self.django


class Connector(DjangoConnector):
    """Headway's connector (PROCRASTINATE_ON_APP_READY): Django's, whose workers use a
    WorkerConnector."""

    def get_worker_connector(self):
        return WorkerConnector(self.alias, kwargs=connector_params(self.alias))


def on_app_ready(queue):
    """Give the job queue Headway's connector (Connector)."""
    queue.connector = queue.job_manager.connector = Connector(alias=queue.connector.alias)


def retry_on(*exceptions):
    """Retry on these exceptions (any, without), MAX_ATTEMPTS attempts in all, with the
    backoff above; any other exception fails the job at once."""
    # procrastinate counts retries, after the first attempt.
    return RetryStrategy(
        max_attempts=MAX_ATTEMPTS - 1, exponential_wait=5, retry_exceptions=exceptions or None
    )


RETRY = retry_on()


def task(*, name, retry=RETRY, **options):
    """Declare a job. `name` is what the queue stores, so it must never change while jobs
    of that name may wait (rename with `aliases=[old name]`); jobs are retried with
    exponential backoff unless `retry=False`."""
    return app.task(name=name, retry=retry, **options)


def periodic(*, cron):
    """Run the task below on a schedule (cron syntax, UTC), once per tick whatever the number
    of workers. It receives `timestamp`, the tick it runs for; a tick missed while no worker
    ran is run when one starts, up to ten minutes late."""
    return app.periodic(cron=cron)


def is_final_attempt(context):
    """Whether the job `context` runs is on its last attempt (tasks with `pass_context`)."""
    return context.job.attempts + 1 >= MAX_ATTEMPTS


def tick_time(timestamp):
    """A periodic job's tick as an aware datetime."""
    return datetime.fromtimestamp(timestamp, tz=UTC)


QUEUE_HEALTH_SQL = """
SELECT
    count(*) FILTER (WHERE status = 'todo' AND (scheduled_at IS NULL OR scheduled_at <= %(now)s)),
    count(*) FILTER (WHERE status = 'todo' AND scheduled_at > %(now)s),
    count(*) FILTER (WHERE status = 'doing'),
    count(*) FILTER (WHERE status = 'failed'),
    min(coalesce(scheduled_at, deferred.at)) FILTER (
        WHERE status = 'todo' AND (scheduled_at IS NULL OR scheduled_at <= %(now)s)
    ),
    (SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat >= %(alive_since)s),
    (SELECT max(last_heartbeat) FROM procrastinate_workers)
FROM procrastinate_jobs
LEFT JOIN LATERAL (
    SELECT min(at) AS at FROM procrastinate_events
    WHERE job_id = procrastinate_jobs.id AND type = 'deferred'
) deferred ON procrastinate_jobs.status = 'todo'
"""

# A worker writes its heartbeat every 10 s; one silent for longer than this is gone.
WORKER_ALIVE = timedelta(seconds=30)


def queue_health(now=None):
    """The queue's figures, in one query: jobs `waiting` to run now, `scheduled` for later
    (retries after a failure), `running`, `failed` (given up on), the time the `oldest`
    waiting one was queued (None without any), the `workers` alive and the last time one
    was seen (`last_seen`); and `healthy`, False when a job waited longer than
    QUEUE_STALE_MINUTES or no worker was seen for that long."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(QUEUE_HEALTH_SQL, {"now": now, "alive_since": now - WORKER_ALIVE})
        waiting, scheduled, running, failed, oldest, workers, last_seen = cursor.fetchone()
    stale = timedelta(minutes=settings.QUEUE_STALE_MINUTES)
    problems = []
    if oldest is not None and now - oldest > stale:
        problems.append("a job has waited too long")
    if workers == 0 and (last_seen is None or now - last_seen > stale):
        problems.append("no worker is running")
    return {
        "waiting": waiting,
        "scheduled": scheduled,
        "running": running,
        "failed": failed,
        "oldest": oldest,
        "oldest_age": None if oldest is None else now - oldest,
        "workers": workers,
        "last_seen": last_seen,
        "problems": problems,
        "healthy": not problems,
    }
