"""Running the real job queue's workers in a test, against the test database.

`run_workers()` starts procrastinate workers as `manage.py procrastinate worker` does (each
with its own connections, taking jobs with SKIP LOCKED, running periodic ticks from its own
clock), waits until they have deferred every periodic tick due now and the queue has nothing
left to do now, then stops them. The clock is whatever the test set with time_machine: a
periodic job due at 10:00 runs in a test whose clock says 10:00:30; nothing sleeps until then.

Jobs only exist once committed, and workers use their own connections: tests that run them
are transactional (`pytest.mark.django_db(transaction=True)`).

PostgreSQL's own clock decides when a job may run, and the test's clock when a failed job is
to be retried: a test that sets its clock in the past (RETRIES_DUE_AT_ONCE) sees each retry
run as soon as its attempt failed, rather than after its backoff.
"""

import asyncio
import json
import threading
import time
from datetime import UTC, datetime

import psycopg
from django.db import connections
from procrastinate import periodic
from procrastinate.contrib.django import app

RETRIES_DUE_AT_ONCE = datetime(2025, 3, 6, 10, 0, 30, tzinfo=UTC)

PENDING_SQL = """
SELECT count(*) FROM procrastinate_jobs
WHERE status = 'doing' OR (status = 'todo' AND (scheduled_at IS NULL OR scheduled_at <= now()))
"""
DEFERRED_TICKS_SQL = "SELECT task_name, defer_timestamp FROM procrastinate_periodic_defers"


def due_ticks():
    """{task name: tick} of every periodic job a worker starting now defers at once. A worker
    that starts a moment later, past the next tick of a job, defers that tick instead: either
    one counts (`_deferred_every_tick`)."""
    deferrer = periodic.PeriodicDeferrer(registry=app.periodic_registry)
    return {task.task.name: tick for task, tick in deferrer.get_previous_tasks(at=time.time())}


def _deferred_every_tick(expected_ticks, deferred, deferred_before):
    """Whether each periodic job's expected tick was deferred, or a later one since the
    workers started."""
    return all(
        (name, tick) in deferred
        or any(n == name and t >= tick for n, t in deferred - deferred_before)
        for name, tick in expected_ticks.items()
    )


def run_workers(count=1, timeout=30):
    """Run `count` workers until the queue is idle."""
    # Each job's database connection is closed when the job ends, as CONN_MAX_AGE=0 would
    # in production: nothing stays open on the test database after the test.
    database = connections.settings["default"]
    max_age, database["CONN_MAX_AGE"] = database.get("CONN_MAX_AGE", 0), 0
    # The workers' event loop runs in a thread of its own, as in `manage.py procrastinate
    # worker`: this thread may already have one (Playwright's, in browser tests).
    outcome = {}

    def run():
        try:
            asyncio.run(_run(count, timeout))
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, name="queue-workers")
    try:
        thread.start()
        thread.join()
    finally:
        database["CONN_MAX_AGE"] = max_age
    if "error" in outcome:
        raise outcome["error"]


async def _run(count, timeout):
    expected_ticks = due_ticks()
    connector = app.connector.get_worker_connector()
    with app.replace_connector(connector) as worker_app:
        async with worker_app.open_async():
            deferred_before = await _deferred_ticks(connector)
            workers = [
                worker_app._worker(
                    name=f"test-worker-{n + 1}",
                    wait=True,
                    install_signal_handlers=False,
                    fetch_job_polling_interval=0.05,
                    abort_job_polling_interval=0.5,
                )
                for n in range(count)
            ]
            runs = [asyncio.create_task(worker.run()) for worker in workers]
            try:
                await _until_idle(connector, expected_ticks, runs, timeout, deferred_before)
            finally:
                for worker in workers:
                    worker.stop()
                await asyncio.gather(*runs)


async def _deferred_ticks(connector):
    rows = await connector.execute_query_all_async(DEFERRED_TICKS_SQL)
    return {(row["task_name"], row["defer_timestamp"]) for row in rows}


async def _until_idle(connector, expected_ticks, runs, timeout, deferred_before):
    deadline = time.monotonic() + timeout
    idle_checks = 0
    while idle_checks < 3:
        if time.monotonic() > deadline:
            raise TimeoutError("the workers did not finish the queue in time")
        if any(run.done() for run in runs):
            for run in runs:
                if run.done():
                    run.result()  # a worker that stopped by itself: show why
            raise RuntimeError("a worker stopped by itself")
        await asyncio.sleep(0.05)
        ticks = await _deferred_ticks(connector)
        pending = (await connector.execute_query_one_async(PENDING_SQL))["count"]
        idle = _deferred_every_tick(expected_ticks, ticks, deferred_before) and pending == 0
        idle_checks = idle_checks + 1 if idle else 0


def jobs(status=None, task_name=None):
    """The queue's jobs (as rows), oldest first."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT id, task_name, status, attempts, args FROM procrastinate_jobs "
            "WHERE (%(status)s IS NULL OR status::text = %(status)s) "
            "AND (%(task)s IS NULL OR task_name = %(task)s) ORDER BY id",
            {"status": status, "task": task_name},
        )
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        row["args"] = json.loads(row["args"]) if isinstance(row["args"], str) else row["args"]
    return rows


def jobs_another_connection_sees():
    """How many jobs a worker would see now: counted on a connection of its own, outside the
    test's transaction."""
    params = connections["default"].get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other, other.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs")
        return cursor.fetchone()[0]
