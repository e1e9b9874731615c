import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from objectives.models import Membership, Quarter, Team

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_organization_and_is_idempotent():
    call_command("seed_demo")
    counts = (get_user_model().objects.count(), Team.objects.count(), Quarter.objects.count())
    call_command("seed_demo")
    assert (get_user_model().objects.count(), Team.objects.count(), Quarter.objects.count()) == (
        counts
    )
    assert Team.objects.count() == 7
    assert Team.objects.filter(is_platform=True).count() == 1
    assert Quarter.objects.count() == 4
    assert Quarter.objects.current() is not None


def test_demo_sign_ins(client):
    call_command("seed_demo")
    for username in ("leader", "pm", "admin"):
        assert client.login(username=username, password="headway"), username
    assert get_user_model().objects.get(username="admin").is_superuser
    leader = get_user_model().objects.get(username="leader")
    assert Team.objects.led_by(leader).count() >= 3
    pm_team = Team.objects.get(memberships__user__username="pm")
    assert pm_team.leader == leader
    assert Membership.objects.get(user__username="pm").role == Membership.Role.PRODUCT_MANAGER
