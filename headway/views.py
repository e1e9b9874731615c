import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from objectives.models import Membership, Team

logger = logging.getLogger(__name__)


def home(request):
    """The user's natural start: a leader's teams, a PM's own team, or every team."""
    user = request.user
    led = Team.objects.active().led_by(user)
    mine = Team.objects.active().with_member(user).select_related("leader")
    if led.exists():
        teams, heading = led.select_related("leader"), "leader"
    elif mine.exists():
        teams, heading = mine, "member"
    else:
        teams, heading = Team.objects.active().select_related("leader"), "all"
    teams = teams.prefetch_related("memberships__user")
    return render(
        request,
        "home.html",
        {"teams": teams, "heading": heading, "pm_role": Membership.Role.PRODUCT_MANAGER},
    )


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
