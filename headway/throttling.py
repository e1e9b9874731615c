"""Sign-in throttling: attempts counted in PostgreSQL, which every app server shares.

Each attempt is counted before its password is checked, in one statement that PostgreSQL runs
for one attempt at a time: thirty guesses sent at the same moment get the counts 1 to 30, and
only those within the limit have their password checked.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from .models import SignInFailureCount


def client_address(request):
    """The client's address: the connection's, or the one the trusted proxies forwarded."""
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if settings.NUM_PROXIES and len(forwarded) >= settings.NUM_PROXIES:
        return forwarded[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


def _key(kind, value):
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


# The count goes up by one, or starts again at one once the window has passed; either way
# the window restarts now.
COUNT_ATTEMPT = """
    INSERT INTO headway_signinfailurecount AS counted (key, count, expires_at)
    VALUES (%(key)s, 1, %(expires_at)s)
    ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN counted.expires_at <= %(now)s THEN 1 ELSE counted.count + 1 END,
        expires_at = EXCLUDED.expires_at
    RETURNING count
"""


class SignInThrottle:
    """Failed sign-ins for one username and from one address, within a sliding window.

    Each attempt restarts the window, so guessing stays refused until the attempts stop for
    SIGNIN_LOCKOUT_MINUTES. The address limit is much higher than the username one: many
    people may share an office's address, while one account rarely fails more than twice.
    """

    def __init__(self, request, username):
        """`username` None counts by address alone: single sign-on has no username to
        guess, but failed returns from the provider still count against the address."""
        self.address_key = _key("address", client_address(request))
        self.limits = {self.address_key: settings.SIGNIN_ADDRESS_FAILURE_LIMIT}
        self.username_key = None
        if username is not None:
            self.username_key = _key("username", username.strip().casefold())
            self.limits[self.username_key] = settings.SIGNIN_FAILURE_LIMIT

    def attempt(self):
        """Count this attempt as a failure until it proves right; False when it is past a
        limit, and its password must not be checked."""
        return all(count <= self.limits[key] for key, count in self._count())

    def record_failure(self):
        """Count a failure known as one (a failed return from the identity provider)."""
        self._count()

    def is_locked(self):
        """True when a limit is reached, counting nothing: single sign-on asks before it
        does anything, and counts only the returns that fail."""
        counts = SignInFailureCount.objects.filter(
            key__in=self.limits, expires_at__gt=timezone.now()
        )
        return any(counted.count >= self.limits[counted.key] for counted in counts)

    def succeeded(self):
        """The password was right: the account's earlier mistakes no longer count, nor does
        this attempt count against the address. Counts whose window has passed go."""
        SignInFailureCount.objects.filter(key=self.username_key).delete()
        self.withdraw(self.address_key)
        SignInFailureCount.objects.filter(expires_at__lte=timezone.now()).delete()

    def not_checked(self):
        """The form lacked a username or a password: nothing was checked, nothing counts."""
        for key in self.limits:
            self.withdraw(key)

    def withdraw(self, key):
        SignInFailureCount.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)

    def _count(self):
        """Each counter one up: [(key, its new count)]."""
        now = timezone.now()
        expires_at = now + timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES)
        counts = []
        with connection.cursor() as cursor:
            for key in self.limits:
                cursor.execute(COUNT_ATTEMPT, {"key": key, "expires_at": expires_at, "now": now})
                counts.append((key, cursor.fetchone()[0]))
        return counts
