"""An action item as the 1:1 page, the help queue and the tick's own answer show it
(`{% action_item %}`), drawn in Python: what people typed escaped, the tick's form complete."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionItemFactory, ObstacleFactory, UserFactory

pytestmark = pytest.mark.django_db


def item_html(html, item):
    return re.search(
        rf'<li class="action-item[^"]*" id="action-item-{item.pk}">.*?</li>', html, re.S
    ).group(0)


def test_what_people_typed_is_escaped(client_for, one_on_one, leader, pm):
    obstacle = ObstacleFactory(
        team=one_on_one.team, created_by=pm, title="<script>alert(1)</script>"
    )
    owner = UserFactory(first_name="<b>Eve</b>", last_name="")
    item = ActionItemFactory(
        one_on_one=one_on_one, owner=owner, text="<script>alert(2)</script>", obstacle=obstacle
    )

    page = client_for(leader).get(one_on_one.get_absolute_url()).text

    shown = item_html(page, item)
    assert "<script>" not in shown and "<b>" not in shown
    assert "<strong>&lt;script&gt;alert(2)&lt;/script&gt;</strong>" in shown
    assert "— &lt;b&gt;Eve&lt;/b&gt;" in shown
    assert (
        f'<a href="{obstacle.get_absolute_url()}">&lt;script&gt;alert(1)&lt;/script&gt;</a>'
        in shown
    )


def test_the_tick_posts_with_the_pages_csrf_token_and_a_key_of_its_own(
    client_for, one_on_one, leader
):
    first, second = ActionItemFactory.create_batch(2, one_on_one=one_on_one)

    page = client_for(leader).get(one_on_one.get_absolute_url()).text

    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    keys = set()
    for item in (first, second):
        shown = item_html(page, item)
        url = reverse("coaching:toggle_action_item", args=[item.pk])
        assert (
            f'action="{url}" data-hx-post="{url}" data-hx-target="#action-item-{item.pk}"' in shown
        )
        assert f'name="csrfmiddlewaretoken" value="{csrf}"' in shown
        assert 'aria-pressed="false"' in shown and "Mark done" in shown
        assert 'name="next"' not in shown
        keys.add(re.search(r'name="submission" value="([^"]+)"', shown).group(1))
    assert len(keys) == 2


def test_an_overdue_item_says_so_until_it_is_done(client_for, one_on_one, leader):
    item = ActionItemFactory(
        one_on_one=one_on_one, due_date=timezone.localdate() - timedelta(days=1)
    )
    client = client_for(leader)

    assert '<span class="badge bad">Overdue</span>' in item_html(
        client.get(one_on_one.get_absolute_url()).text, item
    )

    url = reverse("coaching:toggle_action_item", args=[item.pk])
    done = client.post(url, HTTP_HX_REQUEST="true").text
    assert '<li class="action-item done"' in done
    assert 'class="tick ticked" aria-pressed="true"' in done and ">\n      Done\n" in done
    assert "Overdue" not in done
    # The tick's answer comes from the help queue's point of view: where the item comes from.
    assert f'<a class="muted" href="{one_on_one.get_absolute_url()}">From the 1:1 with' in done


def test_the_help_queue_says_where_each_item_comes_from_and_sends_back_there(
    client_for, one_on_one, leader, pm
):
    item = ActionItemFactory(one_on_one=one_on_one, owner=leader)

    shown = item_html(client_for(leader).get(reverse("coaching:actions")).text, item)

    assert f'<input type="hidden" name="next" value="{reverse("coaching:actions")}">' in shown
    assert (
        f"From the 1:1 with {pm.get_full_name() or pm.username} ({one_on_one.team.name})" in shown
    )


def test_an_action_item_speaks_french(client_for, one_on_one, leader):
    day = timezone.localdate() - timedelta(days=1)
    item = ActionItemFactory(one_on_one=one_on_one, due_date=day)
    client = client_for(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    shown = item_html(client.get(one_on_one.get_absolute_url()).text, item)

    assert "Marquer comme faite" in shown
    assert f" · échéance le {day.day} " in shown
    assert '<span class="badge bad">En retard</span>' in shown
