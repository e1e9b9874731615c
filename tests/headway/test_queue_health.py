"""The job queue's health, for a monitor (/healthz/queue) and in the admin."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from headway.emails import send_email

pytestmark = pytest.mark.django_db
URL = reverse("queue_healthz")


def worker_seen(ago):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (%s)",
            [timezone.now() - ago],
        )


def job_queued(ago):
    job_id = send_email.defer(email_id=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_events SET at = %s WHERE job_id = %s",
            [timezone.now() - ago, job_id],
        )


def test_an_empty_queue_with_a_worker_is_healthy(client):
    worker_seen(timedelta(seconds=3))

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "waiting": 0,
        "scheduled": 0,
        "running": 0,
        "failed": 0,
        "workers": 1,
        "oldest_waiting_seconds": None,
        "healthy": True,
        "problems": [],
    }


def test_without_any_worker_the_queue_is_unhealthy(client):
    response = client.get(URL)

    assert response.status_code == 503
    assert response.json()["problems"] == ["no worker is running"]


def test_a_job_waiting_too_long_makes_it_unhealthy(client, settings):
    settings.QUEUE_STALE_MINUTES = 15
    worker_seen(timedelta(seconds=3))
    job_queued(timedelta(minutes=20))
    job_queued(timedelta(minutes=1))

    response = client.get(URL)

    assert response.status_code == 503
    figures = response.json()
    assert figures["waiting"] == 2
    assert 20 * 60 <= figures["oldest_waiting_seconds"] < 21 * 60
    assert figures["problems"] == ["a job has waited too long"]


def test_the_admin_shows_the_queues_health_above_the_jobs(client_for, admin_user):
    job_queued(timedelta(minutes=2))

    response = client_for(admin_user).get(reverse("admin:headway_job_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "The queue needs attention" in page  # no worker runs
    assert '<th scope="row">Waiting to run</th><td>1</td>' in page
    assert "headway.send_email" in page


def test_people_who_are_not_administrators_cannot_see_the_jobs(client_for, leader):
    response = client_for(leader).get(reverse("admin:headway_job_changelist"))

    assert response.status_code == 302
