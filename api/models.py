import hashlib
import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Every token starts with this, so that secret scanners (and people) can tell one when they
# see it in a script or a log.
TOKEN_PREFIX = "hw_"
# How many characters of a token are kept in clear, to tell one's tokens apart in a list.
SHOWN_CHARACTERS = 8


def hash_token(raw):
    """The stored form of a token. A token is 256 random bits, so one round of SHA-256 is as
    safe as a slow password hash while costing a lookup nothing."""
    return hashlib.sha256(raw.encode()).hexdigest()


class AccessTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Not revoked, not expired, and its owner still signs in."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def of(self, user):
        return self.filter(user=user)


class AccessToken(models.Model):
    """A personal access token: a script's way to act as its owner through the API.

    The token itself is shown once, when it is made; only its hash is kept. It reads, or
    reads and writes, exactly what its owner may through the pages (the same permission
    matrix), and stops working when revoked, when it expires, or when its owner is
    deactivated. Each token has its own rate limit, counted in its row.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="access_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What uses it, e.g. “Metrics sync”.")
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    shown = models.CharField(_("token starts with"), max_length=20, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # The rate limit's current window: when it began and the requests counted in it.
    window_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    window_requests = models.PositiveIntegerField(default=0, editable=False)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="access_token_name_once_per_owner",
                violation_error_message=_("You already have a token of this name."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.shown}…)"

    @classmethod
    def issue(cls, user, name, scope, lifetime=None):
        """Make a token for `user` that lives for `lifetime` (a timedelta; None: until it is
        revoked): returns (the saved AccessToken, the token in clear). The clear token exists
        only in this return value."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        token = cls.objects.create(
            user=user,
            name=name,
            scope=scope,
            created_at=now,
            expires_at=now + lifetime if lifetime else None,
            shown=raw[: len(TOKEN_PREFIX) + SHOWN_CHARACTERS],
            key_hash=hash_token(raw),
        )
        return token, raw

    @classmethod
    def find(cls, raw):
        """The token `raw` names, with its owner, whatever its state; None if none."""
        if not raw or not raw.startswith(TOKEN_PREFIX):
            return None
        return cls.objects.select_related("user").filter(key_hash=hash_token(raw)).first()

    @property
    def can_write(self):
        return self.scope == self.Scope.WRITE

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def is_expired(self, now=None):
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def revoke(self):
        """Stop it working at once; it stays listed, as revoked, for its owner to see."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            AccessToken.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
                revoked_at=self.revoked_at
            )

    def count_request(self, now=None):
        """Count one request against the token's rate limit and note when it was used.

        One UPDATE, so that concurrent requests on any number of app servers count exactly:
        a window of API_RATE_WINDOW seconds begins with the first request after the previous
        one ended. Returns None when the request is allowed, else the seconds to wait.
        """
        now = now or timezone.now()
        window = timedelta(seconds=settings.API_RATE_WINDOW)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {AccessToken._meta.db_table} SET
                    last_used_at = %(now)s,
                    window_started_at = CASE WHEN window_started_at > %(since)s
                        THEN window_started_at ELSE %(now)s END,
                    window_requests = CASE WHEN window_started_at > %(since)s
                        THEN window_requests + 1 ELSE 1 END
                WHERE id = %(id)s
                RETURNING window_requests, window_started_at
                """,  # noqa: S608 (the table name is the model's own)
                {"now": now, "since": now - window, "id": self.pk},
            )
            requests, started_at = cursor.fetchone()
        self.last_used_at = now
        if requests <= settings.API_RATE_LIMIT:
            return None
        return max(1, math.ceil((started_at + window - now).total_seconds()))
