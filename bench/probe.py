"""The benchmark's pages on one scale database, and what each costs inside Django.

Run by bench/run.py under production settings (bin/prodenv, DEBUG off), with DATABASE_URL
set to a database loaded by `manage.py seed_scale`. It

1. chooses what each page shows: a team that is an ordinary product team at every size
   (so the same page is compared between sizes), its leader, its PM, their upcoming 1:1, one
   of this quarter's key results, and a superuser for the admin;
2. requests each page once to warm up, then once more, counting the SQL queries and the
   response bytes, as a full page and, where the page has one, as its htmx fragment;
3. times each page alone, in this process: TIMED_REQUESTS requests after WARM_UP, their
   median wall-clock time and median CPU time (this process's: Python, Django, templates,
   the database driver; PostgreSQL's own work shows in the wall-clock time only), next to a
   signed-in floor view that renders only base.html (Django, the session, the user: what
   every page costs before it does anything of its own);
4. signs each of those people in as many times as the load has users (sessions made here,
   so that the load measures the pages, not password hashing);
5. writes the pages (paths, who requests them, form data, sessions) and those figures as
   JSON to the path given as its first argument, for the load generator and the report.

    python bench/probe.py OUTPUT.json SESSIONS_PER_PERSON [TIMED_REQUESTS]
    python bench/probe.py --clean      # delete the check-ins benchmark runs saved
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402
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
# In-process timing: requests thrown away first (caches, connections), then those timed.
WARM_UP = 5
TIMED_REQUESTS = 40
FLOOR = "signed-in floor"


def floor(request):
    """A signed-in page with nothing of its own: base.html, through every middleware."""
    return render(request, "base.html")


# The probe's URLs: Headway's, and the floor view beside them (in this process only).
urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("", include("headway.urls")),
]


def clean():
    """Delete the check-ins benchmark runs saved, through the model (so that every figure
    derived from them follows): a key result with thousands of check-ins would make each
    run's team page and check-in heavier than the last."""
    return CheckIn.objects.filter(comment=BENCH_CHECK_IN).delete()[0]


def pages():
    """Each page of the benchmark: who requests it, how, and its htmx fragment if it has one.
    A page with `"load": False` is timed here only, not loaded by locust."""
    clean()
    index = min(TEAM_INDEX, Team.objects.count() - 1)
    team = Team.objects.select_related("leader").get(slug=f"{PREFIX}-team-{index}")
    pm = team.memberships.product_managers().get().user
    one_on_one = OneOnOne.objects.filter(team=team, leader=team.leader, pm=pm).upcoming().get()
    quarter = Quarter.objects.containing(timezone.localdate()).get()
    key_result = KeyResult.objects.filter(objective__team=team, objective__quarter=quarter)
    key_result = key_result.order_by("objective__order", "order").first()
    # The review of the latest closed quarter: graded objectives, seven quarters of trends.
    reviewed = Quarter.objects.filter(end__lt=quarter.start).order_by("-start").first()
    User = get_user_model()
    admin, _created = User.objects.get_or_create(
        username=ADMIN, defaults={"is_staff": True, "is_superuser": True}
    )
    admin.set_password(PASSWORD)
    admin.save()
    leader, pm, admin = team.leader.username, pm.username, admin.username
    log = reverse("obstacles:log")
    review = reverse("review", args=[reviewed.label])
    return [
        {"name": FLOOR, "user": leader, "path": reverse("bench_floor"), "load": False},
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
        {"name": "PM home", "user": pm, "path": "/"},
        {"name": "teams", "user": leader, "path": reverse("objectives:teams")},
        {"name": "learnings", "user": leader, "path": reverse("coaching:learnings")},
        {
            "name": "1:1 page",
            "user": leader,
            "path": reverse("coaching:one_on_one", args=[one_on_one.pk]),
        },
        {"name": "quarter review (organization)", "user": leader, "path": review},
        {
            "name": "quarter review (team)",
            "user": pm,
            "path": review,
            "query": {"team": team.slug},
        },
        {
            "name": "quarter review (leader)",
            "user": leader,
            "path": review,
            "query": {"leader": team.leader_id},
        },
        {
            "name": "quarter review CSV",
            "user": leader,
            "path": reverse("review_export", args=[reviewed.label]),
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


def requester(page, headers):
    """A function that requests `page` once as its user, and returns the response."""
    client = Client(headers=headers)
    if page["user"]:
        client.force_login(get_user_model().objects.get(username=page["user"]))
    if page.get("method") == "POST":
        return lambda: client.post(page["path"], page["data"])
    return lambda: client.get(page["path"], page.get("query", {}))


def measure(page, headers):
    """SQL queries and bytes of one request for `page`, after a first one that warms up."""
    request = requester(page, headers)
    request()
    with CaptureQueriesContext(connection) as queries:
        response = request()
    if response.status_code != 200:
        raise SystemExit(f"{page['name']}: HTTP {response.status_code} at {page['path']}")
    return {"queries": len(queries), "bytes": len(response.content)}


def timing(page, headers, count=TIMED_REQUESTS):
    """Median wall-clock and CPU milliseconds of one request for `page`, alone, in this
    process (`count` of them, after WARM_UP)."""
    request = requester(page, headers)
    for _ in range(WARM_UP):
        request()
    wall, cpu = [], []
    for _ in range(count):
        started, started_cpu = time.perf_counter(), time.process_time()
        request()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {
        "inprocess_ms": round(statistics.median(wall) * 1000, 2),
        "inprocess_cpu_ms": round(statistics.median(cpu) * 1000, 2),
        "timed_requests": count,
        # The machine is shared: how busy it was, beside the figures it affected.
        "load_average": round(os.getloadavg()[0], 1),
    }


def sessions(username, count):
    """`count` session cookies of `username`, each a sign-in of its own."""
    user = get_user_model().objects.get(username=username)
    cookies = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return cookies


def main(output, sessions_per_person, timed_requests=TIMED_REQUESTS):
    results = []
    signed_in = {}
    with override_settings(ROOT_URLCONF=__name__):
        for page in pages():
            results.append(probe(page, signed_in, sessions_per_person, timed_requests))
    saved = clean()
    print(f"probe: {saved} benchmark check-ins deleted", flush=True)
    Path(output).write_text(json.dumps(results, indent=2))


def probe(page, signed_in, sessions_per_person, timed_requests):
    """`page` with its sessions, cookies and the figures measured here."""
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
    page.update(timing(page, page.get("headers", {}), timed_requests))
    if "fragment" in page:
        fragment = measure(page, page["fragment"])
        page["fragment_queries"], page["fragment_bytes"] = (
            fragment["queries"],
            fragment["bytes"],
        )
        fragment_timing = timing(page, page["fragment"], timed_requests)
        page["fragment_inprocess_ms"] = fragment_timing["inprocess_ms"]
        page["fragment_inprocess_cpu_ms"] = fragment_timing["inprocess_cpu_ms"]
    print(
        f"probe: {page['name']}: {page['inprocess_ms']} ms, "
        f"{page['inprocess_cpu_ms']} ms CPU, {page['queries']} queries",
        flush=True,
    )
    return page


if __name__ == "__main__":
    if sys.argv[1:] == ["--clean"]:
        print(f"probe: {clean()} benchmark check-ins deleted")
    else:
        main(*sys.argv[1:2], *(int(number) for number in sys.argv[2:4]))
