import hashlib
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from headway.lists import page_of
from headway.permissions import Action
from objectives.models import Quarter, Team
from objectives.views import get_team_for_user

from . import chat, webhooks
from .calendars import feed_for
from .forms import ChatChannelForm, WebhookForm
from .models import (
    CalendarFeed,
    ChatChannel,
    ChatEvent,
    ChatMessage,
    Webhook,
    WebhookDelivery,
)
from .tasks import call_webhook, deliver_webhook, post_to_chat


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


# --- Chat channels -----------------------------------------------------------------------


def get_team_for_chat(request, slug):
    """The team, if the user may connect its chat channels (its leader, an admin)."""
    return get_team_for_user(request, slug, Action.CONNECT_CHAT)


def get_channel(team, pk):
    return get_object_or_404(team.chat_channels, pk=pk)


def team_chat(request, slug):
    """A team's chat channels: what each is told, its latest messages, a way to add one."""
    team = get_team_for_chat(request, slug)
    form = ChatChannelForm(request.POST or None, instance=ChatChannel(team=team))
    if request.method == "POST" and form.is_valid():
        channel = form.save(commit=False)
        channel.created_by = request.user
        channel.last_pace = current_pace(team)
        channel.save()
        messages.success(request, _("%s is connected. Send it a test message.") % channel.name)
        return redirect("integrations:team_chat", team.slug)
    latest = ChatMessage.objects.order_by("-created_at", "-pk")[:LATEST_MESSAGES]
    channels = team.chat_channels.prefetch_related(
        Prefetch("messages", latest, to_attr="latest_messages")
    )
    context = {"team": team, "channels": channels, "form": form, "event_choices": ChatEvent.choices}
    return render(
        request, "integrations/team_chat.html", context, status=422 if form.errors else 200
    )


# The messages each channel shows, latest first: the admin's list has the rest.
LATEST_MESSAGES = 10


def current_pace(team):
    quarter = Quarter.objects.current()
    if quarter is None:
        return ""
    return Team.objects.with_pace(quarter).values_list("pace", flat=True).get(pk=team.pk) or ""


@require_POST
def chat_channel_edit(request, slug, pk):
    team = get_team_for_chat(request, slug)
    channel = get_channel(team, pk)
    form = ChatChannelForm(request.POST, instance=channel)
    if form.is_valid():
        form.save()
        messages.success(request, _("%s is saved.") % channel.name)
    else:
        messages.error(request, _("Nothing was saved: %s") % " ".join(form.errors.get("name", [])))
    return redirect("integrations:team_chat", team.slug)


@require_POST
def chat_channel_test(request, slug, pk):
    """Post a test message now, and say at once whether the channel took it."""
    team = get_team_for_chat(request, slug)
    channel = get_channel(team, pk)
    notice = chat.in_organization_language(lambda: chat.test_message(channel, request.user))
    message = ChatMessage.objects.create(
        channel=channel,
        key=f"test:{uuid.uuid4()}",
        event=notice.event,
        text=notice.text,
        payload=chat.payload(channel, notice),
    )
    post_to_chat(message.pk)
    message.refresh_from_db()
    if message.status == ChatMessage.Status.SENT:
        messages.success(request, _("The test message reached %s.") % channel.name)
    else:
        messages.error(
            request,
            _("The test message did not reach %(channel)s: %(error)s")
            % {"channel": channel.name, "error": message.last_error},
        )
    return redirect("integrations:team_chat", team.slug)


@require_POST
def chat_channel_enable(request, slug, pk):
    team = get_team_for_chat(request, slug)
    channel = get_channel(team, pk)
    channel.enable()
    messages.success(request, _("%s is switched on again.") % channel.name)
    return redirect("integrations:team_chat", team.slug)


@require_POST
def chat_channel_delete(request, slug, pk):
    team = get_team_for_chat(request, slug)
    channel = get_channel(team, pk)
    channel.delete()
    messages.success(request, _("%s is disconnected.") % channel.name)
    return redirect("integrations:team_chat", team.slug)


# --- Outgoing webhooks (admins) ------------------------------------------------------------

NEW_SECRET = "integrations.new_webhook_secret"


def require_admin(request):
    if not request.user.is_superuser:
        raise PermissionDenied


@never_cache
def webhook_list(request):
    require_admin(request)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        webhook = form.save(commit=False)
        secret = webhook.new_secret()
        webhook.created_by = request.user
        webhook.save()
        request.session[NEW_SECRET] = {"id": webhook.pk, "secret": secret}
        return redirect(webhook)
    return render(
        request,
        "integrations/webhooks.html",
        {"webhooks": Webhook.objects.all(), "form": form},
        status=422 if form.errors else 200,
    )


@never_cache
def webhook_detail(request, pk):
    require_admin(request)
    webhook = get_object_or_404(Webhook, pk=pk)
    form = WebhookForm(request.POST or None, instance=webhook)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The webhook is saved."))
        return redirect(webhook)
    new_secret = request.session.pop(NEW_SECRET, None)
    deliveries = page_of(webhook.deliveries.all(), request.GET.get("page"), DELIVERIES_PER_PAGE)
    context = {
        "webhook": webhook,
        "form": form,
        "deliveries": deliveries,
        "new_secret": new_secret if new_secret and new_secret["id"] == webhook.pk else None,
    }
    return render(request, "integrations/webhook.html", context, status=422 if form.errors else 200)


DELIVERIES_PER_PAGE = 25


@require_POST
def webhook_action(request, pk, action):
    """Ping it, give it a new secret, switch it on again, or remove it."""
    require_admin(request)
    webhook = get_object_or_404(Webhook, pk=pk)
    if action == "ping":
        delivery = WebhookDelivery.objects.create(
            webhook=webhook,
            key=f"ping:{uuid.uuid4()}",
            event_type="ping",
            body=webhooks.ping_body(webhook),
        )
        call_webhook(delivery.pk)
        delivery.refresh_from_db()
        if delivery.status == WebhookDelivery.Status.SENT:
            messages.success(request, _("The ping was answered: %s.") % delivery.response_status)
        else:
            messages.error(request, _("The ping failed: %s") % delivery.last_error)
    elif action == "secret":
        secret = webhook.new_secret()
        webhook.save(update_fields=["encrypted_secret"])
        request.session[NEW_SECRET] = {"id": webhook.pk, "secret": secret}
    elif action == "enable":
        webhook.enable()
        messages.success(request, _("The webhook is switched on again."))
    elif action == "delete":
        webhook.delete()
        messages.success(request, _("The webhook is removed."))
        return redirect("integrations:webhooks")
    else:
        raise Http404
    return redirect(webhook)


@require_POST
def webhook_redeliver(request, pk, delivery_pk):
    require_admin(request)
    delivery = get_object_or_404(WebhookDelivery, webhook=pk, pk=delivery_pk)
    if delivery.is_failed:
        with transaction.atomic():
            delivery.queue_again()
            deliver_webhook.defer(delivery_id=delivery.pk)
        messages.success(request, _("The delivery is queued again."))
    return redirect(delivery.webhook)


# --- The hub -------------------------------------------------------------------------------


def hub(request):
    """Every integration a person can use or manage, on one page."""
    teams = Team.objects.active().order_by("name")
    if not request.user.is_superuser:
        teams = teams.led_by(request.user)
    teams = teams.annotate(channel_count=Count("chat_channels"))
    return render(
        request,
        "integrations/hub.html",
        {
            "chat_teams": teams,
            "webhook_count": Webhook.objects.count() if request.user.is_superuser else None,
        },
    )
