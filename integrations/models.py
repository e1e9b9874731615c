import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
