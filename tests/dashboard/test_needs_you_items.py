"""The obstacles of "Needs you", drawn in Python (dashboard.needs_you.NeedsYouItems): escaped,
with working one-click forms, in English and in French."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ObstacleFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")
NEEDS_YOU = {"HX-Request": "true", "HX-Target": "needs-you"}


def test_text_from_the_database_is_escaped(client_for, leader, team, pm, current_quarter):
    blocking = TeamFactory(name="<i>Platform</i>", leader=leader)
    owner = UserFactory(first_name="<b>Bold</b>", last_name="Owner")
    ObstacleFactory(
        team=team,
        created_by=pm,
        kind="dependency",
        blocking_team=blocking,
        owner=owner,
        is_urgent=True,
        title="<script>alert('title')</script>",
        help_wanted="other",
        help_detail="<img src=x onerror=alert(1)>",
    )

    content = client_for(leader).get(HOME, headers=NEEDS_YOU).content.decode()

    assert "<script>" not in content and "<img" not in content
    assert "<i>" not in content and "<b>" not in content
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;</a></h3>" in content
    assert '<p class="needs-you-detail">&lt;img src=x onerror=alert(1)&gt;</p>' in content
    assert "waits on &lt;i&gt;Platform&lt;/i&gt;" in content
    assert "owner: &lt;b&gt;Bold&lt;/b&gt; Owner" in content
    # The same obstacle waits on a team this leader leads: listed once, where it asks.
    assert "Waits on &lt;i&gt;Platform&lt;/i&gt;" not in content


def test_each_form_carries_the_token_a_key_of_its_own_and_the_version(
    client_for, leader, team, pm, current_quarter
):
    obstacle = ObstacleFactory(team=team, created_by=pm, help_wanted="decision")

    content = client_for(leader).get(HOME, {"scope": "all"}, headers=NEEDS_YOU).content.decode()

    assert content.count('name="csrfmiddlewaretoken"') == 2
    assert content.count('name="submission" value="') == 2
    assert content.count(f'name="version" value="{obstacle.version}"') == 2
    assert f'id="take-{obstacle.pk}" aria-describedby="needs-you-{obstacle.pk}"' in content
    assert f'id="start-{obstacle.pk}" aria-describedby="needs-you-{obstacle.pk}"' in content
    assert 'name="next" value="/?scope=all"' in content


def test_an_obstacle_waiting_on_the_leaders_team_offers_a_reply(
    client_for, leader, team, other_team, current_quarter
):
    waiting = ObstacleFactory(
        team=other_team, kind="dependency", blocking_team=team, title="Needs the checkout API"
    )

    content = client_for(leader).get(HOME, headers=NEEDS_YOU).content.decode()

    assert '<span class="badge warn">Waits on Checkout</span>' in content
    assert f'<h4 class="needs-you-title" id="waiting-{waiting.pk}">' in content
    assert (
        f'<a class="button small" id="answer-{waiting.pk}" '
        f'href="{waiting.get_absolute_url()}#timeline-heading" '
        f'aria-describedby="waiting-{waiting.pk}">Reply</a>'
    ) in content
    # The item says already whom it waits on.
    assert "waits on Checkout" not in content


def test_the_panel_speaks_french(client_for, leader, team, pm, current_quarter):
    today = timezone.localdate()
    ObstacleFactory(
        team=team,
        created_by=pm,
        kind="stakeholder",
        decide_by=today - timedelta(days=3),
        help_wanted="engineer",
        is_urgent=True,
    )
    client = client_for(leader)

    content = client.get(HOME, headers={**NEEDS_YOU, "Accept-Language": "fr"}).content.decode()

    assert "Décision en retard de 3 jours" in content
    assert "Demande\u00a0: Un ingénieur" in content
    assert "· ouvert " in content and "pas encore de responsable" in content
    assert "M’en charger" in content and "Passer en cours" in content
    assert "Réserve d’une partie prenante" in content
