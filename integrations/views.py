import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .calendars import feed_for
from .models import CalendarFeed


def calendar_settings(request):
    """The person's calendar address, how to subscribe to it, and how to reset it."""
    return render(request, "integrations/calendar.html", {"feed": CalendarFeed.of(request.user)})


@require_POST
def calendar_reset(request):
    CalendarFeed.of(request.user).reset()
    messages.success(
        request,
        _("Your calendar has a new address: calendars subscribed to the old one stop updating."),
    )
    return redirect("integrations:calendar")


@login_not_required
@require_GET
def calendar_feed(request, token):
    """The feed itself, for calendar apps: the address is the key, no session is asked."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    body = feed_for(feed.user)
    feed.mark_fetched()
    # The same events give the same tag: a calendar app that asks again gets "not modified"
    # (DTSTAMP is left out of the comparison: it is the time of writing).
    etag = f'"{hashlib.sha256(without_stamps(body)).hexdigest()[:32]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="headway.ics"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


def without_stamps(body):
    return b"\n".join(line for line in body.splitlines() if not line.startswith(b"DTSTAMP"))
