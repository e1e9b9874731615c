from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from coaching.markdown import render_markdown
from coaching.models import Learning
from tests.factories import LearningFactory


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<div onmouseover="alert(1)">hover</div>',
        "<iframe src='https://evil.example'></iframe>",
        '<svg onload="alert(1)">',
    ],
)
def test_hostile_markdown_is_neutralised(hostile):
    html = render_markdown(hostile)
    assert "<script" not in html
    assert "onerror" not in html and "onload" not in html and "onmouseover" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html


def test_ordinary_markdown_renders():
    html = render_markdown("**bold** and [a link](https://example.com)\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.com"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<li>one</li>" in html


@pytest.mark.django_db
def test_a_learning_is_rendered_and_sanitized_once_when_saved(client_for, leader, team):
    learning = LearningFactory(
        body="**Wallets first**\n\n<script>alert(1)</script>", source_team=team, for_everyone=True
    )
    assert "<strong>Wallets first</strong>" in learning.body_html
    assert "<script" not in learning.body_html

    learning.body = "Now *emphasis*"
    learning.save(update_fields=["body"])
    learning.refresh_from_db()
    assert learning.body_html == "<p>Now <em>emphasis</em></p>"

    page = client_for(leader).get(reverse("coaching:learnings"))
    assert "<p>Now <em>emphasis</em></p>" in page.content.decode()


@pytest.mark.django_db
def test_render_learnings_renders_again_only_what_the_renderer_changes(team):
    current, outdated = LearningFactory.create_batch(2, source_team=team, body="A *note*")
    Learning.objects.filter(pk=outdated.pk).update(body_html="<p>as an older renderer did</p>")
    out = StringIO()

    call_command("render_learnings", stdout=out)

    assert out.getvalue().strip() == "Learnings: 1 rendered again, the others were up to date."
    outdated.refresh_from_db()
    assert outdated.body_html == current.body_html == "<p>A <em>note</em></p>"


@pytest.mark.django_db
def test_a_learning_saved_by_an_older_version_still_shows_rendered(team):
    learning = LearningFactory(source_team=team, body="A **note**")
    Learning.objects.filter(pk=learning.pk).update(body_html="")

    learning.refresh_from_db()

    assert learning.body_as_html == "<p>A <strong>note</strong></p>"
