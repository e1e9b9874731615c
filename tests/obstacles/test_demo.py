"""The demo organization's obstacles: every kind, a bottleneck, urgent and due ones."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from objectives.models import Team
from obstacles.models import Obstacle, ObstacleEvent, with_bottleneck
from tests.queue import jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo")


def test_every_kind_is_represented(demo):
    assert set(Obstacle.objects.values_list("kind", flat=True)) == set(Obstacle.Kind.values)


def test_the_payments_platform_holds_up_three_teams_or_more(demo):
    platform = with_bottleneck(Team.objects.filter(slug="payments-platform")).get()
    assert platform.bottleneck_team_count >= 3


def test_checkout_has_an_urgent_customer_escalation_for_its_leader(demo):
    urgent = Obstacle.objects.needing_leader(Team.objects.get(slug="checkout").leader)
    assert urgent.filter(team__slug="checkout", kind="customer", is_urgent=True).exists()


def test_a_stakeholder_decision_is_due_this_week(demo):
    today = timezone.localdate()
    due = Obstacle.objects.active().filter(
        kind="stakeholder", decide_by__range=(today, today + timezone.timedelta(days=7))
    )
    assert due.exists()


def test_closed_ones_have_resolutions_and_timelines(demo):
    closed = Obstacle.objects.closed()
    assert set(closed.values_list("status", flat=True)) >= {"resolved", "accepted"}
    for obstacle in closed:
        assert obstacle.resolution
        assert obstacle.closed_at > obstacle.opened_at
        assert obstacle.events.last().kind == "status_changed"


def test_ages_are_realistic_and_searchable(demo):
    assert Obstacle.objects.filter(
        opened_at__lt=timezone.now() - timezone.timedelta(days=30)
    ).exists()
    assert Obstacle.objects.search("vector search").exists()


def test_seeding_again_changes_nothing_and_sends_no_mail(demo):
    counts = (Obstacle.objects.count(), ObstacleEvent.objects.count())
    call_command("seed_demo")
    assert (Obstacle.objects.count(), ObstacleEvent.objects.count()) == counts
    assert jobs(task_name="headway.send_email") == []
    assert mail.outbox == []
