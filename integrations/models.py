import secrets
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .crypto import decrypt, encrypt


def new_feed_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar address: their 1:1s, the decisions due on the obstacles
    they lead or own, and quarter ends, for the calendar app they subscribe with.

    The token in the address is the only key, as with any calendar subscription: whoever has
    the address reads the feed. Resetting it makes a new address and kills the old one. A
    deactivated person's feed answers nothing.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(_("address made"), default=timezone.now)
    last_fetched_at = models.DateTimeField(_("last read"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("integrations:calendar_feed", args=[self.token])

    @classmethod
    def of(cls, user):
        """The person's feed, made the first time it is asked for."""
        feed, _created = cls.objects.get_or_create(user=user)
        return feed

    def reset(self):
        """A new address; the old one stops working at once."""
        self.token = new_feed_token()
        self.created_at = timezone.now()
        self.last_fetched_at = None
        self.save(update_fields=["token", "created_at", "last_fetched_at"])

    def mark_fetched(self):
        self.last_fetched_at = timezone.now()
        CalendarFeed.objects.filter(pk=self.pk).update(last_fetched_at=self.last_fetched_at)

    @property
    def url(self):
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def subscribe_url(self):
        """The same address for calendar apps: webcal:// opens them to subscribe."""
        return "webcal://" + self.url.split("://", 1)[1]


# --- Deliveries: what Headway posts to other systems, and how it went --------------------


class Delivery(models.Model):
    """Something Headway posts to another system (a chat message, a webhook call), and the
    record of it. Queued with the job that posts it; a worker posts only a delivery still
    waiting, after marking it as being posted, so none goes out twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", _("Interrupted while being sent: it may have arrived")

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    response_body = models.TextField(_("answer’s body"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("took (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def is_failed(self):
        return self.status in (self.Status.FAILED, self.Status.INTERRUPTED)

    @classmethod
    def start(cls, pk):
        """Lock the delivery and mark it as being sent, if it is waiting: the delivery to
        post now, or None when it must not go out (delivered already, or interrupted
        mid-way: it may have arrived, so it waits for a person to send it again)."""
        with transaction.atomic():
            delivery = cls.objects.select_for_update().get(pk=pk)
            if delivery.status == cls.Status.SENDING:
                delivery.status = cls.Status.INTERRUPTED
                delivery.save(update_fields=["status"])
                return None
            if delivery.status != cls.Status.QUEUED:
                return None
            delivery.status = cls.Status.SENDING
            delivery.attempts += 1
            delivery.save(update_fields=["status", "attempts"])
            return delivery

    def queue_again(self):
        """A failed delivery goes out once more (a person's decision)."""
        self.status = self.Status.QUEUED
        self.last_error = ""
        self.save(update_fields=["status", "last_error"])

    def note(self, answer, final):
        """Record an attempt's answer: delivered, failed for good, or waiting for another
        attempt."""
        if answer.delivered:
            status = self.Status.SENT
        elif final or not answer.worth_retrying:
            status = self.Status.FAILED
        else:
            status = self.Status.QUEUED
        self.status = status
        self.response_status = answer.status
        self.response_body = answer.body
        self.duration_ms = answer.duration_ms
        self.last_error = "" if answer.delivered else answer.summary()
        self.sent_at = timezone.now() if answer.delivered else None
        self.save(
            update_fields=[
                "status",
                "response_status",
                "response_body",
                "duration_ms",
                "last_error",
                "sent_at",
            ]
        )


class Endpoint(models.Model):
    """What Headway posts to (a chat channel, a webhook): switched off by itself after
    INTEGRATIONS_DISABLE_AFTER deliveries failed in a row, with the reason shown to whoever
    manages it, until they switch it on again."""

    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.TextField(_("why it was disabled"), blank=True)
    failures_in_a_row = models.PositiveSmallIntegerField(_("failures in a row"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        abstract = True

    @property
    def is_enabled(self):
        return self.disabled_at is None

    def record_success(self):
        if self.failures_in_a_row:
            type(self).objects.filter(pk=self.pk).update(failures_in_a_row=0)
            self.failures_in_a_row = 0

    def record_failure(self, reason):
        """One more delivery failed for good; past the limit, switch it off, saying why."""
        model = type(self)
        model.objects.filter(pk=self.pk).update(failures_in_a_row=F("failures_in_a_row") + 1)
        self.refresh_from_db(fields=["failures_in_a_row", "disabled_at"])
        if self.is_enabled and self.failures_in_a_row >= settings.INTEGRATIONS_DISABLE_AFTER:
            self.disabled_at = timezone.now()
            self.disabled_reason = _(
                "Switched off after %(count)d failed deliveries in a row. The last one: %(reason)s"
            ) % {"count": self.failures_in_a_row, "reason": reason}
            model.objects.filter(pk=self.pk).update(
                disabled_at=self.disabled_at, disabled_reason=self.disabled_reason
            )

    def enable(self):
        self.disabled_at, self.disabled_reason, self.failures_in_a_row = None, "", 0
        type(self).objects.filter(pk=self.pk).update(
            disabled_at=None, disabled_reason="", failures_in_a_row=0
        )


# --- Chat channels -------------------------------------------------------------------------


class ChatEvent(models.TextChoices):
    """What a team's chat channel may be told; each can be switched off per channel."""

    URGENT = "urgent", _("An obstacle is marked urgent")
    DECISION_DUE = "decision_due", _("A decision is due tomorrow")
    RESOLVED = "resolved", _("An obstacle is resolved")
    LEARNING = "learning", _("A learning is shared with the team")
    BEHIND_PACE = "behind_pace", _("The team falls behind pace")


def every_chat_event():
    """A new channel is told everything until someone switches some off."""
    return list(ChatEvent.values)


class ChatChannelQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(disabled_at__isnull=True)

    def listening_to(self, event):
        """Enabled channels that want `event`."""
        return self.enabled().filter(events__contains=[event])


class ChatChannel(Endpoint):
    """A team's channel in Slack or Microsoft Teams, reached through an incoming webhook.

    The webhook's address is a secret (whoever has it posts to the channel): it is stored
    encrypted (integrations.crypto) and never shown again, only its host and last characters.
    """

    class Platform(models.TextChoices):
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

    team = models.ForeignKey(
        "objectives.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        related_name="chat_channels",
    )
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    name = models.CharField(
        _("channel"), max_length=100, help_text=_("As the team knows it, e.g. #checkout-team.")
    )
    encrypted_url = models.TextField(editable=False)
    url_hint = models.CharField(_("webhook address"), max_length=120, editable=False)
    events = ArrayField(
        models.CharField(max_length=20, choices=ChatEvent.choices),
        verbose_name=_("what it is told"),
        default=every_chat_event,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("connected by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # The team's pace when the channel was last told of it: falling behind is news once.
    last_pace = models.CharField(max_length=20, blank=True, editable=False)

    objects = ChatChannelQuerySet.as_manager()

    class Meta:
        ordering = ["team", "name", "pk"]
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")

    def __str__(self):
        return f"{self.name} ({self.get_platform_display()})"

    @property
    def webhook_url(self):
        return decrypt(self.encrypted_url)

    def set_webhook_url(self, url):
        self.encrypted_url = encrypt(url)
        self.url_hint = hint(url)

    def wants(self, event):
        return self.is_enabled and event in self.events


def hint(url):
    """Enough of a secret address to recognize it, not to use it: its host and last four
    characters."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/…{url.rstrip('/')[-4:]}"


class ChatMessage(Delivery):
    """A message posted, or to post, to a chat channel. Its key names what it tells ("event:
    41", "decision_due:12:2026-11-20"): a channel is told each thing once."""

    channel = models.ForeignKey(
        ChatChannel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="messages"
    )
    event = models.CharField(_("about"), max_length=20)
    key = models.CharField(_("key"), max_length=200)
    text = models.TextField(_("text"))
    payload = models.JSONField(_("what is posted"))

    class Meta(Delivery.Meta):
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="chat_message_once"),
        ]
        indexes = [models.Index(fields=["channel", "-created_at"], name="chat_message_latest")]

    def __str__(self):
        return self.text[:80]


# --- Outgoing webhooks ---------------------------------------------------------------------


class WebhookEvent(models.TextChoices):
    """What the organization's own automation may subscribe to."""

    OBSTACLE_CREATED = "obstacle.created", _("Obstacle created")
    OBSTACLE_CHANGED = "obstacle.changed", _("Obstacle changed")
    OBSTACLE_RESOLVED = "obstacle.resolved", _("Obstacle resolved")
    CHECK_IN_SAVED = "check_in.saved", _("Check-in saved")
    OBJECTIVE_STATUS_CHANGED = "objective.status_changed", _("Objective status changed")


class WebhookQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(disabled_at__isnull=True)


class Webhook(Endpoint):
    """An address of the organization's own automation that Headway calls when something it
    subscribed to happens, each call signed with the webhook's secret (integrations.webhooks).
    """

    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("what it is for"), max_length=200, blank=True)
    events = ArrayField(
        models.CharField(max_length=40, choices=WebhookEvent.choices),
        verbose_name=_("events"),
        default=list,
    )
    encrypted_secret = models.TextField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["url", "pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return reverse("integrations:webhook", args=[self.pk])

    @property
    def secret(self):
        return decrypt(self.encrypted_secret)

    def new_secret(self):
        """A new signing secret (returned once, to show); the old one stops signing."""
        secret = "whsec_" + secrets.token_urlsafe(32)
        self.encrypted_secret = encrypt(secret)
        return secret


class WebhookDelivery(Delivery):
    """One call of a webhook: the event, the exact body sent (each attempt sends it again,
    signed anew), and what the receiver answered."""

    webhook = models.ForeignKey(
        Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    delivery_id = models.UUIDField(_("delivery"), default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("event"), max_length=40)
    # What it tells of ("obstacle_event:812", "check_in:90"): a webhook is called once for each.
    key = models.CharField(_("key"), max_length=200)
    body = models.TextField(_("body"))

    class Meta(Delivery.Meta):
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["webhook", "key"], name="webhook_delivery_once"),
        ]
        indexes = [models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_latest")]

    def __str__(self):
        return f"{self.event_type} → {self.webhook}"


# --- What the watcher has read of the apps below (integrations.tasks.watch) -----------------


class Watermark(models.Model):
    """How far the watcher has read a table of the apps below, by primary key: the highest
    id it saw (`last_id`) and the one it had seen the time before (`previous_id`).

    Each pass reads the rows above `previous_id`, so a row is read by two passes in a row: a
    change whose transaction was still open during one pass (a lower id committed after a
    higher one) is seen by the next. What was already told is recognized by its key.
    """

    source = models.CharField(max_length=50, unique=True)
    last_id = models.BigIntegerField(default=0)
    previous_id = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.source}: {self.last_id}"

    @classmethod
    def rows_since(cls, source, queryset):
        """The rows of `queryset` the watcher has not read twice yet, oldest first. The first
        time a source is watched, it starts from its latest row: history is not replayed."""
        latest = queryset.aggregate(latest=models.Max("pk"))["latest"] or 0
        mark, created = cls.objects.select_for_update().get_or_create(
            source=source, defaults={"last_id": latest, "previous_id": latest}
        )
        if created:
            return []
        rows = list(queryset.filter(pk__gt=mark.previous_id).order_by("pk"))
        seen = max(latest, rows[-1].pk) if rows else latest
        mark.previous_id, mark.last_id = mark.last_id, max(mark.last_id, seen)
        mark.save(update_fields=["previous_id", "last_id"])
        return rows


class SeenObjective(models.Model):
    """An objective's status when the watcher last looked: a status other than this one is a
    change to tell webhooks of."""

    objective = models.OneToOneField(
        "objectives.Objective", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    status = models.CharField(max_length=20)

    def __str__(self):
        return f"{self.objective_id}: {self.status}"
