"""Shared fixtures: people in each role of the permission matrix, and a signed-in client;
and `--today`, which runs the tests on another day."""

import time
from datetime import UTC, datetime
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation
from procrastinate.contrib.django import app as queue

from headway import sso as sso_module
from objectives.models import Membership, Quarter

from .factories import MembershipFactory, QuarterFactory, TeamFactory, UserFactory
from .mail import loopback_smtp_server
from .oidc import run_provider


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        metavar="DAY",
        help="run every test with the clock travelled to DAY (2028-02-29, at 10:00, or "
        "2028-02-29T23:55) in the project's TIME_ZONE; the clock keeps ticking from there",
    )


# The real time when the run travelled to `--today`.
TRAVELLED_AT = pytest.StashKey[float]()


def travelled_to(value):
    """The moment `--today` names, aware, in the project's time zone."""
    moment = datetime.fromisoformat(value)
    if len(value) == len("2028-02-29"):
        moment = moment.replace(hour=10)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


def pytest_configure(config):
    """With `--today`, the whole run (tests, fixtures, the live server's thread) reads that
    day from Python's clock. PostgreSQL's now() and the programs tests start keep the real
    clock: product code passes Python's time into its queries."""
    if value := config.getoption("--today"):
        travel = time_machine.travel(travelled_to(value), tick=True)
        config.stash[TRAVELLED_AT] = time.time()
        travel.start()
        config.add_cleanup(travel.stop)


def pytest_report_header(config):
    if value := config.getoption("--today"):
        return f"clock: travelled to {travelled_to(value).isoformat()} (--today), ticking"
    return None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database is built from the models (--no-migrations), but the job queue's
    tables and functions come from procrastinate's SQL migrations: they are added from its
    schema, as `manage.py migrate` leaves them. So are the triggers of obstacles 0016."""
    with django_db_blocker.unblock():
        queue.schema_manager.apply_schema()
        # The version of the log's filter lists, kept by triggers (a migration of SQL only).
        with connection.cursor() as cursor:
            cursor.execute(import_module("obstacles.migrations.0016_filter_lists_version").SQL)


# The job queue's tables are not Django models: a transactional test's flush leaves them.
# (Not the workers: each removes its own row when it stops, and the cluster's keep running.)
QUEUE_TABLES = "procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in French leaves French active in the test's thread (LocaleMiddleware
    activates the request's language and nothing deactivates it): without this, the next
    test on that thread would read its model's messages in French."""
    yield
    translation.deactivate()


# --- operations ---
@pytest.fixture(autouse=True)
def _empty_cache_after_transactional_tests(request, django_db_blocker):
    """The cache is a database table that transactional tests do not empty (they empty the
    models' tables only): without this, what one browser test cached would reach the next.
    Nor do they empty the job queue's tables."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        with django_db_blocker.unblock():
            cache.clear()
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {QUEUE_TABLES} RESTART IDENTITY CASCADE")


@pytest.fixture
def current_quarter(db):
    calendar = Quarter.for_day(timezone.localdate())
    return QuarterFactory(label=calendar.label, start=calendar.start, end=calendar.end)


@pytest.fixture
def leader(db):
    return UserFactory(username="leader", first_name="Maya", last_name="Chen")


@pytest.fixture
def team(leader):
    return TeamFactory(name="Checkout", slug="checkout", leader=leader)


@pytest.fixture
def pm(team):
    user = UserFactory(username="pm", first_name="Sam", last_name="Rivera")
    MembershipFactory(team=team, user=user, role=Membership.Role.PRODUCT_MANAGER)
    return user


@pytest.fixture
def tech_lead(team):
    user = UserFactory(username="techlead")
    MembershipFactory(team=team, user=user, role=Membership.Role.TECH_LEAD)
    return user


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Payments Platform", slug="payments-platform", is_platform=True)


@pytest.fixture
def outsider(other_team):
    """A PM of another team: signed in, but responsible for nothing of `team`."""
    user = UserFactory(username="outsider")
    MembershipFactory(team=other_team, user=user, role=Membership.Role.PRODUCT_MANAGER)
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the test client, signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


# --- single sign-on (issue 18) ---
@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider on a loopback port (tests/oidc.py), for the session."""
    with run_provider() as provider:
        yield provider


def use_provider(settings, provider, redirect_uri, **options):
    """Single sign-on on in `settings`, through `provider`, coming back to `redirect_uri`."""
    client_id, secret = provider.register(redirect_uri)
    settings.SSO_ISSUER = provider.issuer
    settings.SSO_ENABLED = True
    settings.SSO_CLIENT_ID = client_id
    settings.SSO_CLIENT_SECRET = secret
    settings.SSO_NAME = "Acme ID"
    settings.SSO_PROVISIONING = options.get("provisioning", True)
    settings.SSO_ALLOWED_DOMAINS = options.get("domains", ["acme.example"])
    settings.SSO_ONLY = options.get("only", False)
    sso_module._discovered.clear()


@pytest.fixture
def sso(oidc_provider, settings):
    """Single sign-on through the test provider, for the test client (http://testserver);
    people of acme.example are created on their first sign-in."""
    use_provider(settings, oidc_provider, "http://testserver/accounts/sso/callback/")
    yield oidc_provider
    sso_module._discovered.clear()


# --- reminders (issue 19) ---
# Tuesday 4 March 2025, 05:00 in Paris: before every notice hour, on no digest day. The
# queue's workers run each periodic job due at the test's clock, and at this moment none of
# them has anything to send.
QUIET_MOMENT = datetime(2025, 3, 4, 4, 0, tzinfo=UTC)


@pytest.fixture
def quiet_clock(time_machine):
    """Time runs on from QUIET_MOMENT: a test of what a change sends at once (an escalation,
    a chat post, a webhook) receives that alone, whatever day and hour the suite runs on. On a
    Monday morning the workers would also send the leader's weekly digest, and from two days
    before a decide-by date the decisions-due reminder. A test may still move the clock."""
    time_machine.move_to(QUIET_MOMENT, tick=True)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a loopback port, and Headway's mail settings pointing at it:
    `smtp_server.messages` are what it received, parsed (email.message.EmailMessage)."""
    with loopback_smtp_server() as server:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": server.hostname, "port": server.port, "timeout": 5},
            }
        }
        yield server
