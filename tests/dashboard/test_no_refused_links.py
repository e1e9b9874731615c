"""A page never offers a link its viewer would be refused: demo people follow every link of
their home and of the pages everyone reaches from the menu, and are refused none of them."""

import html
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)')
# Not pages of Headway's own: the administration (its own permissions), a download.
NOT_FOLLOWED = ("/admin/", "/obstacles/export")


def links_of(page):
    return {html.unescape(url) for url in LINK.findall(page) if not url.startswith(NOT_FOLLOWED)}


def refused_links(client, url):
    """The links of the page at `url` that answer its viewer 403, and all its links."""
    response = client.get(url)
    assert response.status_code == 200
    links = links_of(response.content.decode())
    return [link for link in sorted(links) if client.get(link).status_code == 403], links


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("username", ["leader2", "leader", "pm", "admin"])
def test_the_home_offers_no_link_its_viewer_would_be_refused(client, demo, username):
    client.force_login(get_user_model().objects.get(username=username))

    refused, links = refused_links(client, "/")

    assert len(links) > 10  # the home's links were followed
    assert refused == []


# Pages of another leader's teams, and the lists everyone reaches from the menu.
PAGES = ["/teams/checkout/", "/obstacles/", "/coaching/", "/coaching/learnings/", "/teams/"]


@pytest.mark.parametrize("start", PAGES)
def test_the_pages_a_click_away_offer_leader2_no_refused_link(client, demo, start):
    client.force_login(get_user_model().objects.get(username="leader2"))
    refused, _links = refused_links(client, start)
    assert refused == []


def test_leader2_is_not_offered_to_share_the_other_leaders_learnings(client, demo):
    """Learnings of teams another leader leads, written by someone else: leader2 may read
    them, not share them further."""
    client.force_login(get_user_model().objects.get(username="leader2"))
    page = client.get("/").content.decode()
    assert "/coaching/learnings/" in page
    assert "Share with more teams" not in page
