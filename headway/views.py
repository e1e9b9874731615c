import logging
import sys

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache

from .forms import SignInForm

logger = logging.getLogger(__name__)


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
