"""Every page each role reaches, found by following links from their home (tests.crawler):
whatever is typed into any query parameter or form field, none answers a server error.

Each kind of form and of query parameter is tried once, as the first role (in ROLES' order)
whose pages offer it: a page never offers a form its viewer may not send, so another role
would run the same code.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from tests.crawler import SKIPPED_PREFIXES, crawl, kind_of, submit, view_of, with_parameter

# Who uses Headway, from the demo organization, and where each starts. None: signed out.
ROLES = {
    "admin": "/",
    "leader": "/",
    "pm": "/",
    "leader2": "/",
    "jonas": "/",  # a tech lead: a team member responsible for nothing
    None: "/accounts/login/",
}

# What clumsy and hostile input looks like, tried in every parameter and field one by one.
HOSTILE = {
    "an unknown choice": "bogus",
    "a huge number": "9" * 25,
    "a negative number": "-1",
    "a huge negative number": "-" + "9" * 25,
    "an overlong text": "x" * 5000,
    "nothing": "",
}
# Tried in date and time fields as well.
HOSTILE_DATES = {"year 1": "0001-01-01T00:00", "year 9999": "9999-12-31T23:59"}
DATE_TYPES = ("date", "datetime-local", "time", "month", "week")
# A NUL character is refused by the same rule wherever it is: tried in every field at once.
NUL = "a\x00b"
# Not Headway's: the CSRF token is Django's, and the test client does not check it.
IGNORED_FIELDS = {"csrfmiddlewaretoken"}


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The demo organization, and what each role is to try in it: {role: (pages, query
    parameters, forms)}. Built once for the module, undone after it."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast, django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        pages = {role: crawl(signed_in(role), start) for role, start in ROLES.items()}
        yield share_out(pages)
        transaction.set_rollback(True)


def signed_in(username):
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def share_out(pages_by_role):
    """Give each kind of query parameter and form to the first role whose pages show it."""
    parameters_given, forms_given = set(), set()
    shares = {}
    for role, pages in pages_by_role.items():
        parameters, forms = {}, {}
        for page in pages:
            for name in kind_of(page.url)[1]:
                key = (view_of(page.url), page.htmx, name)
                parameters.setdefault(key, (page.url, page.htmx, name, "text"))
            for form in page.forms:
                if form.action.startswith(SKIPPED_PREFIXES):
                    continue
                if form.method == "get":
                    for name in form.names:
                        key = (view_of(form.action), bool(form.htmx), name)
                        kind = form.types.get(name, "text")
                        parameters.setdefault(key, (form.action, bool(form.htmx), name, kind))
                else:
                    forms.setdefault(form.kind, form)
        shares[role] = (
            pages,
            [p for key, p in parameters.items() if key not in parameters_given],
            [f for kind, f in forms.items() if kind not in forms_given],
        )
        parameters_given.update(parameters)
        forms_given.update(forms)
    return shares


def values_for(kind):
    return {**HOSTILE, **(HOSTILE_DATES if kind in DATE_TYPES else {})}


def tried_parameters(client, parameters):
    """Each query parameter with each hostile value: (what was sent, the status)."""
    for url, htmx, name, kind in parameters:
        headers = {"HX-Request": "true"} if htmx else {}
        for what, value in {**values_for(kind), "a NUL character": NUL}.items():
            response = client.get(with_parameter(url, name, value), headers=headers)
            yield f"GET {url} with {what} in {name}", response.status_code


def tried_forms(client, forms):
    """Each form with each hostile value in each field, each field left out, each of its
    buttons, a NUL in every field, and its whole body in UTF-16."""
    for form in forms:
        sent = f"POST {form.action} (the form of {form.page})"
        for name in form.names:
            if name in IGNORED_FIELDS:
                continue
            for what, value in {**values_for(form.types.get(name)), "nothing sent": None}.items():
                yield f"{sent} with {what} in {name}", submit(client, form, form.data(name, value))
        for button in form.buttons:
            yield f"{sent} with its button {button}", submit(client, form, [*form.data(), button])
        with_nul = [(name, value + NUL) for name, value in form.data()]
        yield f"{sent} with a NUL in every field", submit(client, form, with_nul)
        yield f"{sent} in UTF-16", submit(client, form, form.data(), charset="utf-16")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "signed out")
def test_no_input_answers_a_server_error(site, role):
    client = signed_in(role)
    pages, parameters, forms = site[role]

    answered = [(f"GET {page.url}", page.status) for page in pages]
    answered += tried_parameters(client, parameters)
    answered += [(sent, response.status_code) for sent, response in tried_forms(client, forms)]

    assert len(pages) > 1, "the crawl found no page beyond the first"
    assert [f"{sent}: {status}" for sent, status in answered if status >= 500] == []
