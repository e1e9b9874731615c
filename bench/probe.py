"""The benchmark's pages on one scale database, and what each costs inside Django.

Run by bench/run.py under production settings (bin/prodenv, DEBUG off), with DATABASE_URL
set to a database loaded by `manage.py seed_scale`. It

1. chooses what each page shows: a team that is an ordinary product team at every size
   (so the same page is compared between sizes), its leader, its PM, their upcoming 1:1, one
   of this quarter's key results, and a superuser for the admin;
2. requests each page once to warm up, then once more, counting the SQL queries and the
   response bytes, as a full page and, where the page has one, as its htmx fragment;
3. signs each of those people in as many times as the load has users (sessions made here,
   so that the load measures the pages, not password hashing);
4. writes the pages (paths, who requests them, form data, sessions) and those figures as
   JSON to the path given as its first argument, for the load generator and the report.

    python bench/probe.py OUTPUT.json SESSIONS_PER_PERSON
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from coaching.models import OneOnOne  # noqa: E402
from dashboard.scale import PASSWORD  # noqa: E402
from objectives.models import CheckIn, KeyResult, Quarter, Team  # noqa: E402

PREFIX = "s7"
# Team 10 is an ordinary product team at 20 teams and at 200 (the first teams are platform
# teams at 200), led by the same leader at both sizes. A smaller organization uses its last.
TEAM_INDEX = 10
ADMIN = f"{PREFIX}-bench-admin"
LOG_FILTER = {"kind": "platform", "status": "active"}
# Two words of middling frequency in the scale data's vocabulary (dashboard/scale.py).
LOG_SEARCH = {"q": "chargeback dispute"}
# The same filter as LOG_FILTER in the admin's own parameters (its "open or closed" filter).
ADMIN_FILTER = {"active": "yes", "kind__exact": "platform"}


BENCH_CHECK_IN = "Benchmark check-in"


def pages():
    """Each page of the benchmark: who requests it, how, and its htmx fragment if it has one.

    The check-ins an earlier run saved are deleted first: a key result with thousands of
    check-ins would make each run's team page and check-in heavier than the last.
    """
    CheckIn.objects.filter(comment=BENCH_CHECK_IN).delete()
    index = min(TEAM_INDEX, Team.objects.count() - 1)
    team = Team.objects.select_related("leader").get(slug=f"{PREFIX}-team-{index}")
    pm = team.memberships.get(role="pm").user
    one_on_one = OneOnOne.objects.filter(team=team, leader=team.leader, pm=pm).upcoming().get()
    quarter = Quarter.objects.containing(timezone.localdate()).get()
    key_result = KeyResult.objects.filter(objective__team=team, objective__quarter=quarter)
    key_result = key_result.order_by("objective__order", "order").first()
    User = get_user_model()
    admin, _created = User.objects.get_or_create(
        username=ADMIN, defaults={"is_staff": True, "is_superuser": True}
    )
    admin.set_password(PASSWORD)
    admin.save()
    leader, pm, admin = team.leader.username, pm.username, admin.username
    log = reverse("obstacles:log")
    return [
        {"name": "healthz", "user": None, "path": reverse("healthz")},
        {
            "name": "dashboard (all teams)",
            "user": leader,
            "path": "/",
            "query": {"scope": "all"},
            "fragment": {"HX-Request": "true", "HX-Target": "needs-you"},
        },
        {
            "name": "obstacle log (filter)",
            "user": leader,
            "path": log,
            "query": LOG_FILTER,
            "fragment": {"HX-Request": "true", "HX-Target": "results"},
        },
        {
            "name": "obstacle log (search)",
            "user": leader,
            "path": log,
            "query": LOG_SEARCH,
            "fragment": {"HX-Request": "true", "HX-Target": "results"},
        },
        # What filtering and searching cost once the log is open: htmx asks for the results.
        {
            "name": "obstacle log (filter, htmx)",
            "user": leader,
            "path": log,
            "query": LOG_FILTER,
            "headers": {"HX-Request": "true", "HX-Target": "results"},
        },
        {
            "name": "obstacle log (search, htmx)",
            "user": leader,
            "path": log,
            "query": LOG_SEARCH,
            "headers": {"HX-Request": "true", "HX-Target": "results"},
        },
        {
            "name": "admin obstacles (filter)",
            "user": admin,
            "path": reverse("admin:obstacles_obstacle_changelist"),
            "query": ADMIN_FILTER,
        },
        {"name": "team page", "user": leader, "path": reverse("team", args=[team.slug])},
        {
            "name": "1:1 page",
            "user": leader,
            "path": reverse("coaching:one_on_one", args=[one_on_one.pk]),
        },
        {
            "name": "check-in save",
            "user": pm,
            "method": "POST",
            "path": reverse("objectives:check_in", args=[team.slug, key_result.pk]),
            "data": {
                "value": str(key_result.start_value + 1),
                "confidence": "on_track",
                "comment": BENCH_CHECK_IN,
                "day": timezone.localdate().isoformat(),
            },
            # The page saves a check-in with htmx: the response is the redrawn key result.
            "headers": {"HX-Request": "true"},
        },
    ]


def measure(page, headers):
    """SQL queries and bytes of one request for `page`, after a first one that warms up."""
    client = Client(headers=headers)
    if page["user"]:
        client.force_login(get_user_model().objects.get(username=page["user"]))
    method = page.get("method", "GET")

    def request():
        if method == "POST":
            return client.post(page["path"], page["data"])
        return client.get(page["path"], page.get("query", {}))

    request()
    with CaptureQueriesContext(connection) as queries:
        response = request()
    if response.status_code != 200:
        raise SystemExit(f"{page['name']}: HTTP {response.status_code} at {page['path']}")
    return {"queries": len(queries), "bytes": len(response.content)}


def sessions(username, count):
    """`count` session cookies of `username`, each a sign-in of its own."""
    user = get_user_model().objects.get(username=username)
    cookies = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return cookies


def main(output, sessions_per_person):
    results = []
    signed_in = {}
    for page in pages():
        if page["user"]:
            if page["user"] not in signed_in:
                signed_in[page["user"]] = sessions(page["user"], sessions_per_person)
            page["sessions"] = signed_in[page["user"]]
        page["cookies"] = {
            "session": settings.SESSION_COOKIE_NAME,
            "csrf": settings.CSRF_COOKIE_NAME,
            "csrf_token": _get_new_csrf_string(),
        }
        full = measure(page, page.get("headers", {}))
        page["queries"], page["bytes"] = full["queries"], full["bytes"]
        if "fragment" in page:
            fragment = measure(page, page["fragment"])
            page["fragment_queries"], page["fragment_bytes"] = (
                fragment["queries"],
                fragment["bytes"],
            )
        results.append(page)
    Path(output).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
