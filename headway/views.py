import logging
import sys

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views import defaults
from django.views.decorators.cache import never_cache

from objectives.models import Membership, Quarter, Team
from objectives.views import selected_quarter

from . import dashboard
from .forms import SignInForm
from .lists import page_of, shortlist

logger = logging.getLogger(__name__)


def home(request):
    """A leader's dashboard (or an administrator's); for anyone else, their team's home.

    ?quarter=<label> picks the quarter, ?scope=all widens a leader's view to every team,
    ?sort= orders the rows. htmx refreshes "Needs you" alone, from the same view.
    """
    leads = Team.objects.active().led_by(request.user).exists()
    if not (leads or request.user.is_superuser):
        if request.GET.get("scope") == dashboard.Scope.ALL:
            raise PermissionDenied
        return team_home(request)
    context = dashboard_context(request, leads)
    if request.htmx and request.htmx.target == "needs-you":
        response = render(request, "dashboard.html#needs_you", context)
    else:
        context.update(dashboard_panels(request, context))
        response = render(request, "dashboard.html", context)
    # The panel and the page share a URL: caches and the back button must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def dashboard_context(request, leads):
    """What both the page and its refreshed "Needs you" panel show."""
    wide = request.GET.get("scope") == dashboard.Scope.ALL or not leads
    sort = request.GET.get("sort")
    today = timezone.localdate()
    return {
        "scope": dashboard.Scope.ALL if wide else dashboard.Scope.MINE,
        "leads_teams": leads,
        "sort": sort if sort in dashboard.SORTS else dashboard.DEFAULT_SORT,
        "today": today,
        "needing_you": shortlist(
            dashboard.obstacles_needing(request.user, today), dashboard.NEEDS_YOU_SHOWN
        ),
        "overdue_action_items": shortlist(
            dashboard.overdue_action_items(request.user, today), dashboard.OVERDUE_SHOWN
        ),
        # Where a one-click action on "Needs you" brings the leader back to.
        "dashboard_url": request.get_full_path(),
    }


def dashboard_panels(request, context):
    """The rest of the full page: team rows in the picked quarter, bottlenecks and the
    waiting graph."""
    quarter = selected_quarter(request)
    teams = dashboard.teams_in_scope(request.user, context["scope"])
    rows = None
    if quarter is not None:
        now, sort = timezone.now(), context["sort"]
        rows = page_of(
            dashboard.team_rows(teams, quarter, now, context["today"], sort),
            request.GET.get("page"),
            dashboard.TEAMS_PER_PAGE,
        )
    return {
        "quarter": quarter,
        "quarters": Quarter.objects.order_by("start"),
        "rows": rows,
        "bottlenecks": shortlist(dashboard.bottlenecks(), dashboard.BOTTLENECKS_SHOWN),
        "learnings": dashboard.latest_learnings(teams),
        "waiting_graph": dashboard.waiting_graph(dashboard.waiting_pairs()),
    }


def team_home(request):
    """A team member's home: their team's pace, its open obstacles, their next 1:1 and
    the learnings shared with the team."""
    teams = Team.objects.active().with_member(request.user)
    quarter = selected_quarter(request)
    today = timezone.localdate()
    context = {
        "team_view": True,
        # The teams whose obstacles the user may log (the matrix: their PM).
        "pm_of": set(
            teams.filter(
                memberships__user=request.user, memberships__role=Membership.Role.PRODUCT_MANAGER
            ).values_list("pk", flat=True)
        ),
        "quarter": quarter,
        "today": today,
        "quarters": Quarter.objects.order_by("start"),
        "rows": None,
    }
    if quarter is not None:
        rows = dashboard.team_homes(request.user, teams, quarter, timezone.now(), today)
        context["rows"] = dashboard.with_learnings(rows)
    return render(request, "dashboard.html", context)


@login_not_required
@never_cache
def healthz(request):
    """200 when the database answers, 503 when not: for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("health check: the database does not answer")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


# Django's sign-in view with a form that refuses password guessing (headway.throttling).
sign_in = LoginView.as_view(authentication_form=SignInForm)

# Seconds a client is asked to wait before retrying while the database is away.
RETRY_AFTER_OUTAGE = 30


def server_error(request):
    """The 500 handler, answering 503 when the database is unreachable.

    An outage of PostgreSQL is temporary and not the user's fault: they get a page saying so,
    rendered without the database (no session, no user, no context processors), and come back.
    Every other error gets the plain 500 page. Both are logged with their stack by Django.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        content = loader.render_to_string("503.html", {"retry_url": request.get_full_path()})
        response = HttpResponse(content, status=503)
        response["Retry-After"] = str(RETRY_AFTER_OUTAGE)
        return response
    return defaults.server_error(request)
