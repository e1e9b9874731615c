"""The queue's own upkeep, and the jobs of the shared base (the e-mail sender lives with the
e-mails, in headway.emails)."""

import logging

from . import emails, jobs

logger = logging.getLogger(__name__)

__all__ = ["emails", "retry_stalled_jobs"]


@jobs.periodic(cron="*/5 * * * *")
@jobs.task(
    name="headway.retry_stalled_jobs",
    queueing_lock="headway.retry_stalled_jobs",
    pass_context=True,
)
async def retry_stalled_jobs(context, timestamp):
    """Put back in the queue the jobs of a worker that stopped answering (killed, or its
    machine lost) while running them, so that another worker runs them. Jobs that must not run
    twice check what they did first (headway.emails.start_sending)."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs():
        logger.warning("job %s (%s) was stalled: queued again", job.id, job.task_name)
        await manager.retry_job(job)
