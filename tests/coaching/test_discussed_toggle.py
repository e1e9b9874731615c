"""The "discussed" tick of each agenda item on the 1:1 page (`{% discussed_toggle %}`), drawn
in Python: a form that posts with the page's CSRF token, in the reader's language."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def ticks(html):
    return re.findall(
        r'<form method="post" action="[^"]+" class="discussed-toggle".*?</form>', html, re.S
    )


def test_each_agenda_item_has_a_tick_that_posts_with_the_pages_csrf_token(
    client_for, one_on_one, leader
):
    one_on_one.talking_points.create(author=leader, text="Hiring")
    one_on_one.talking_points.create(author=leader, text="Scope")
    client = client_for(leader)

    page = client.get(one_on_one.get_absolute_url()).text

    url = reverse("coaching:toggle_discussed", args=[one_on_one.pk])
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    found = ticks(page)
    assert len(found) == 2
    for tick in found:
        assert f'action="{url}"' in tick
        assert f'data-hx-post="{url}"' in tick
        assert f'name="csrfmiddlewaretoken" value="{csrf}"' in tick
        assert 'name="submission"' in tick
        assert 'aria-pressed="false"' in tick
    # Each form has a submission key of its own.
    keys = {re.search(r'name="submission" value="([^"]+)"', tick).group(1) for tick in found}
    assert len(keys) == 2


def test_a_discussed_item_is_pressed_and_a_tick_posts_back(client_for, one_on_one, leader):
    point = one_on_one.talking_points.create(author=leader, text="Hiring")
    one_on_one.discussed.create(key=f"talking_point:{point.pk}")
    client = client_for(leader)

    (tick,) = ticks(client.get(one_on_one.get_absolute_url()).text)
    assert f'name="key" value="talking_point:{point.pk}"' in tick
    assert 'class="tick ticked" aria-pressed="true"' in tick
    assert "Discussed" in tick

    url = reverse("coaching:toggle_discussed", args=[one_on_one.pk])
    fragment = client.post(url, {"key": f"talking_point:{point.pk}"}, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="false"' in fragment.text
    assert "Mark discussed" in fragment.text
    assert 'name="csrfmiddlewaretoken"' in fragment.text
    assert not one_on_one.discussed.exists()


def test_the_ticks_speak_french(client_for, one_on_one, leader):
    point = one_on_one.talking_points.create(author=leader, text="Hiring")
    one_on_one.discussed.create(key=f"talking_point:{point.pk}")
    one_on_one.talking_points.create(author=leader, text="Scope")
    client = client_for(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    pressed, not_pressed = ticks(client.get(one_on_one.get_absolute_url()).text)

    assert ">\n    Abordé\n  </button>" in pressed
    assert ">\n    Marquer comme abordé\n  </button>" in not_pressed
