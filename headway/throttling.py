"""Sign-in throttling: failed attempts counted in the cache every app server shares."""

import hashlib

from django.conf import settings
from django.core.cache import cache


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
    return f"signin-failures:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


class SignInThrottle:
    """Failed sign-ins for one username and from one address, within a sliding window.

    Each failure restarts the window, so guessing stays refused until the attempts stop for
    SIGNIN_LOCKOUT_MINUTES. The address limit is much higher than the username one: many
    people may share an office's address, while one account rarely fails more than twice.
    """

    def __init__(self, request, username):
        """`username` None counts by address alone: single sign-on has no username to
        guess, but failed returns from the provider still count against the address."""
        self.counters = [
            (_key("address", client_address(request)), settings.SIGNIN_ADDRESS_FAILURE_LIMIT)
        ]
        self.username_key = None
        if username is not None:
            self.username_key = _key("username", username.strip().casefold())
            self.counters.append((self.username_key, settings.SIGNIN_FAILURE_LIMIT))

    @property
    def window_seconds(self):
        return settings.SIGNIN_LOCKOUT_MINUTES * 60

    def is_locked(self):
        counts = cache.get_many([key for key, _ in self.counters])
        return any(counts.get(key, 0) >= limit for key, limit in self.counters)

    def record_failure(self):
        counts = cache.get_many([key for key, _ in self.counters])
        cache.set_many(
            {key: counts.get(key, 0) + 1 for key, _ in self.counters},
            timeout=self.window_seconds,
        )

    def clear_username(self):
        """After a successful sign-in, the account's earlier mistakes no longer count."""
        if self.username_key:
            cache.delete(self.username_key)
