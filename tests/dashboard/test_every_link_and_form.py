"""No page offers what its viewer may not do, and no page shows a 1:1 to someone outside it.

Each demo role follows every link and htmx request its pages show from their home
(`tests.crawler`, a few of each kind), then sends every form those pages show the way a click
would, its fields as the page fills them, each in a savepoint rolled back after. No link may
answer 403, 404 or 500; no form 403 or 500 (a form sent as it stands may well be refused with
a message). And no page may show private notes to anyone but the 1:1's leader, nor a 1:1's
shared notes, talking points or action items to anyone outside its pair.
"""

import html
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from coaching.models import ActionItem, OneOnOne, TalkingPoint
from objectives.models import Team
from tests.crawler import SKIPPED_PREFIXES, crawl, submit
from tests.factories import ActionItemFactory, OneOnOneFactory

pytestmark = pytest.mark.django_db

# The demo's people: two leaders, a PM, the PM of the platform team others wait on, a tech
# lead (a member responsible for nothing) and an administrator.
ROLES = ["leader", "leader2", "pm", "lucas", "jonas", "admin"]
FORM_REFUSALS = {403, 500}


@pytest.fixture
def demo():
    """The demo, where the 1:1s are `leader`'s, and one of `leader2`'s with their Mobile App
    PM, so that each leader has a pair's words they must never see."""
    call_command("seed_demo", stdout=StringIO())
    users = get_user_model().objects
    one_on_one = OneOnOneFactory(
        team=Team.objects.get(slug="mobile"),
        pm=users.get(username="nadia"),
        shared_notes="Offline mode slips to January",
        private_notes="Nadia seems tired of the roadmap churn",
    )
    TalkingPoint.objects.create(
        one_on_one=one_on_one, author=one_on_one.pm, text="Hiring a second iOS engineer"
    )
    ActionItemFactory(one_on_one=one_on_one, text="Ask Finance about the iOS headcount")


def unseen_texts(user):
    """What the pages must never show `user`: the private notes of 1:1s they do not lead,
    and everything written in 1:1s they are not in."""
    one_on_ones = OneOnOne.objects.all()
    led = set(one_on_ones.filter(leader=user).values_list("private_notes", flat=True))
    texts = set(one_on_ones.exclude(leader=user).values_list("private_notes", flat=True)) - led
    mine = OneOnOne.objects.involving(user)
    theirs = OneOnOne.objects.exclude(pk__in=mine)
    seen_in_mine = set(mine.values_list("shared_notes", flat=True)) | written_in(mine)
    texts |= set(theirs.values_list("shared_notes", flat=True)) | written_in(theirs)
    return {plain_words(text) for text in texts - seen_in_mine - {""}}


def written_in(one_on_ones):
    """The talking points and action items of `one_on_ones`."""
    points = TalkingPoint.objects.filter(one_on_one__in=one_on_ones)
    items = ActionItem.objects.filter(one_on_one__in=one_on_ones)
    return set(points.values_list("text", flat=True)) | set(items.values_list("text", flat=True))


def plain_words(text):
    """The longest run of `text`'s first line that Markdown shows as it is written."""
    return max(re.split(r"[*_`#\[\]]", text.splitlines()[0]), key=len).strip(" -")


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def forms_to_send(pages):
    """One form of each kind the pages show, that a person can send."""
    forms = {}
    for page in pages:
        for form in page.forms:
            if form.can_be_sent and not form.action.startswith(SKIPPED_PREFIXES):
                forms.setdefault(form.kind, form)
    return forms.values()


def send(client, form, button):
    data = [*form.data(), *([button] if button else [])]
    if form.method == "post":
        return submit(client, form, data)
    return client.get(form.action, data, headers=form.htmx)


@pytest.mark.parametrize("username", ROLES)
def test_every_link_and_form_a_role_is_shown_works_and_keeps_1_1s_private(client, demo, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    never = unseen_texts(user)
    assert never

    pages = crawl(client, "/")
    refused = [("GET", page.url, page.status) for page in pages if page.status >= 400]
    for form in forms_to_send(pages):
        for button in form.buttons or [None]:
            status = send(client, form, button).status_code
            if status in FORM_REFUSALS:
                refused.append((form.method.upper(), form.action, button, status, form.page))
    # The crawl keeps the HTML of pages; what else they lead to (CSV, calendar) is read again.
    shown = {page.url: page.html for page in pages if page.html}
    for page in pages:
        if page.status == 200 and not page.html:
            shown[page.url] = body_of(client.get(page.url))
    leaks = [
        (url, text) for url, body in shown.items() for text in never if text in html.unescape(body)
    ]

    assert len(pages) > 20, [page.url for page in pages]
    assert refused == []
    assert leaks == []
