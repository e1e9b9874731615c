import logging
import sys
import time

import psycopg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import (
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from . import i18n, jobs, sso
from .emails import read_unsubscribe_token
from .forms import (
    NotificationSettingsForm,
    RecipientLanguagePasswordResetForm,
    SignInForm,
    when_sent,
)
from .models import Email, EmailKind, Preference, Schedule

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


class SignInView(LoginView):
    """Django's sign-in with a form that refuses password guessing (headway.throttling), the
    "Sign in with <provider>" button when single sign-on is on, and the person's language
    brought back once they are in (headway.i18n)."""

    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.SSO_ENABLED:
            start = reverse("sso_start")
            if context.get("next"):
                start += "?" + urlencode({"next": context["next"]})
            context["sso"] = {"name": sso.provider_name(), "url": start, "only": settings.SSO_ONLY}
        return context

    def form_valid(self, form):
        return i18n.apply_at_sign_in(self.request, super().form_valid(form))


sign_in = SignInView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, refused to people whose password Headway does not use: those who sign in
    through the identity provider (they change it there)."""

    def dispatch(self, request, *args, **kwargs):
        if not sso.may_change_password(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, its e-mail in the account owner's language, answering in the same time
    whether or not the address is someone's: sending the e-mail takes the mail server's
    round trip, which an unknown address does not, so the time would tell who has an account.
    Either way the answer waits until PASSWORD_RESET_ANSWER_MS have passed."""

    form_class = RecipientLanguagePasswordResetForm
    # Plain text, named so: the template formatter reindents only HTML.
    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        started = time.monotonic()
        response = super().form_valid(form)
        taken = time.monotonic() - started
        time.sleep(max(0.0, settings.PASSWORD_RESET_ANSWER_MS / 1000 - taken))
        return response


# Seconds a client is asked to wait before retrying while the database is away.
RETRY_AFTER_OUTAGE = 30


# The errors of a database that cannot be reached, as Django raises them and as psycopg does
# where Django's wrapper is not around the call.
OUTAGE_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


def is_outage(error):
    """True when `error`, or an error it was raised from or while handling, says the
    database cannot be reached."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OUTAGE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    """The 500 handler, answering 503 when the database is unreachable.

    An outage of PostgreSQL is temporary and not the user's fault: they get a page saying so,
    rendered without the database (no session, no user, no context processors), and come back.
    Every other error gets the plain 500 page. Both are logged with their stack by Django.
    """
    if is_outage(sys.exc_info()[1]):
        content = loader.render_to_string("503.html", {"retry_url": request.get_full_path()})
        response = HttpResponse(content, status=503)
        response["Retry-After"] = str(RETRY_AFTER_OUTAGE)
        return response
    # Rendered without the request, unlike Django's default, which reads the posted form for
    # its CSRF token and fails again when that form is what could not be read.
    return HttpResponseServerError(loader.render_to_string("500.html"))


@login_not_required
@never_cache
def queue_healthz(request):
    """The job queue's figures as JSON: 200 while jobs flow, 503 when a job has waited too
    long or no worker runs (settings.QUEUE_STALE_MINUTES), for a monitor to page someone."""
    try:
        health = jobs.queue_health()
    except DatabaseError:
        logger.warning("queue health check: the database does not answer")
        return JsonResponse({"healthy": False, "problems": ["database unavailable"]}, status=503)
    figures = {
        **{name: health[name] for name in ("waiting", "scheduled", "running", "failed")},
        "workers": health["workers"],
        "oldest_waiting_seconds": (
            None if health["oldest_age"] is None else round(health["oldest_age"].total_seconds())
        ),
        "healthy": health["healthy"],
        "problems": health["problems"],
    }
    return JsonResponse(figures, status=200 if health["healthy"] else 503)


def notification_settings(request):
    """The signed-in person's e-mails: which they get, their digest day, their time zone;
    and the last e-mails Headway sent them."""
    schedule = Schedule.current()
    form = NotificationSettingsForm(request.POST or None, instance=Preference.of(request.user))
    if form.is_valid():
        form.save()
        messages.success(request, _("Notification settings saved."))
        return redirect("notification_settings")
    context = {
        "form": form,
        "kinds": [
            {"value": kind.value, "label": kind.label, "when": when_sent(kind, schedule)}
            for kind in EmailKind
        ],
        "chosen": set(form["emails_on"].value() or ()),
        "recent_emails": Email.objects.sent_to(request.user)[:RECENT_EMAILS_SHOWN],
    }
    return render(
        request, "notification_settings.html", context, status=422 if form.is_bound else 200
    )


# How many of the e-mails sent to a person their settings page lists.
RECENT_EMAILS_SHOWN = 10


@login_not_required
@csrf_exempt
def unsubscribe(request, token):
    """Stop one kind of e-mail from the link in it, without signing in: the signed token says
    whose and which. GET asks (link checkers open links); POST does it, from the page's button
    or from a mail client's unsubscribe button (RFC 8058 one-click: no cookie, no CSRF token,
    so the token is what authorizes it). "Turn them back on" undoes it."""
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "unsubscribe.html", {"invalid": True}, status=400)
    user = get_object_or_404(get_user_model(), pk=user_id)
    done = None
    if request.method == "POST":
        if request.POST.get("action") == "turn_on":
            Preference.turn_on(user, kind)
            done = "on"
        else:
            Preference.turn_off(user, kind)
            done = "off"
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    context = {"kind": kind, "address": user.email, "done": done, "token": token}
    return render(request, "unsubscribe.html", context)
