"""A job that queues another (a digest queueing its e-mail) does it in its own transaction,
as a web request does: a worker cannot take the new job before the rows it is about were
committed, nor ever for a change rolled back (headway.jobs.WorkerConnector)."""

import pytest
from django.db import transaction
from procrastinate.contrib.django import app

from headway.emails import send_email
from headway.jobs import WorkerConnector
from tests.queue import jobs_another_connection_sees

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_a_worker():
    """The queue as `manage.py procrastinate worker` sets it up: its worker connector."""
    connector = app.connector.get_worker_connector()
    with app.replace_connector(connector):
        yield connector


def test_workers_use_headways_connector(in_a_worker):
    assert isinstance(in_a_worker, WorkerConnector)


def test_a_job_queued_by_a_job_exists_once_its_transaction_commits(in_a_worker):
    with transaction.atomic():
        send_email.defer(email_id=1)
        # A worker would see it here if it were queued on a connection of its own.
        assert jobs_another_connection_sees() == 0

    assert jobs_another_connection_sees() == 1


def test_no_job_is_left_for_a_change_rolled_back(in_a_worker):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        send_email.defer(email_id=1)
        raise ZeroDivisionError  # the change fails after queueing its job

    assert jobs_another_connection_sees() == 0
