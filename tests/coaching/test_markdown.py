from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from coaching.markdown import render_markdown
from coaching.models import Learning, OneOnOne
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
def test_render_markdown_renders_again_only_what_the_renderer_changes(team, one_on_one):
    current, outdated = LearningFactory.create_batch(2, source_team=team, body="A *note*")
    Learning.objects.filter(pk=outdated.pk).update(body_html="<p>as an older renderer did</p>")
    OneOnOne.objects.filter(pk=one_on_one.pk).update(
        private_notes="*Tired*", private_notes_html="<p>as an older renderer did</p>"
    )
    out = StringIO()

    call_command("render_markdown", stdout=out)

    assert out.getvalue().splitlines() == [
        "Learnings: 1 rendered again, the others were up to date.",
        "1:1 notes: 1 rendered again, the others were up to date.",
    ]
    one_on_one.refresh_from_db()
    assert one_on_one.private_notes_html == "<p><em>Tired</em></p>"
    outdated.refresh_from_db()
    assert outdated.body_html == current.body_html == "<p>A <em>note</em></p>"


@pytest.mark.django_db
def test_a_learning_saved_by_an_older_version_still_shows_rendered(team):
    learning = LearningFactory(source_team=team, body="A **note**")
    Learning.objects.filter(pk=learning.pk).update(body_html="")

    learning.refresh_from_db()

    assert learning.body_as_html == "<p>A <strong>note</strong></p>"


@pytest.mark.django_db
def test_notes_are_rendered_and_sanitized_once_when_saved(client_for, leader, one_on_one):
    url = reverse("coaching:save_notes", args=[one_on_one.pk, "shared"])
    text = "We agreed on **scope**\n\n<script>alert(1)</script>"
    client_for(leader).post(url, {"text": text, "version": one_on_one.shared_notes_version})

    one_on_one.refresh_from_db()
    assert one_on_one.shared_notes_html.startswith("<p>We agreed on <strong>scope</strong></p>")
    assert "<script" not in one_on_one.shared_notes_html
    page = client_for(leader).get(one_on_one.get_absolute_url()).content.decode()
    assert '<div class="markdown"><p>We agreed on <strong>scope</strong></p>' in page


@pytest.mark.django_db
def test_notes_written_in_a_save_are_rendered_too(one_on_one):
    one_on_one.shared_notes, one_on_one.private_notes = "- one\n- two", "*Tired*"
    one_on_one.save(update_fields=["private_notes"])
    one_on_one.refresh_from_db()
    assert (one_on_one.shared_notes_html, one_on_one.private_notes_html) == (
        "",
        "<p><em>Tired</em></p>",
    )
    one_on_one.shared_notes = "- one\n- two"
    one_on_one.save()
    one_on_one.refresh_from_db()
    assert one_on_one.shared_notes_html == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"


@pytest.mark.django_db
def test_notes_in_conflict_preview_the_text_sent_not_the_saved_one(client, one_on_one, leader, pm):
    url = reverse("coaching:save_notes", args=[one_on_one.pk, "shared"])
    version = one_on_one.shared_notes_version
    client.force_login(leader)
    client.post(url, {"text": "The *leader's*", "version": version})
    client.force_login(pm)
    response = client.post(url, {"text": "The **PM's**", "version": version})

    assert response.status_code == 409
    assert "<p>The <strong>PM's</strong></p>" in response.content.decode()


@pytest.mark.django_db
def test_notes_saved_by_an_older_version_still_show_rendered(one_on_one):
    OneOnOne.objects.filter(pk=one_on_one.pk).update(shared_notes="A **note**")
    one_on_one.refresh_from_db()
    assert one_on_one.notes_as_html("shared") == "<p>A <strong>note</strong></p>"


@pytest.mark.django_db
def test_the_pm_never_gets_the_private_notes_rendered_either(client_for, one_on_one, pm):
    one_on_one.private_notes = "Sam seems *tired*"
    one_on_one.save()
    response = client_for(pm).get(one_on_one.get_absolute_url())
    assert response.context["one_on_one"].private_notes_html == ""
    assert "tired" not in response.content.decode()
