"""Requests Headway sends to other systems (chat webhooks, the organization's webhooks), and
how their answers are read.

Addresses are checked when they are saved and again before each request: HTTPS (plain HTTP
only when INTEGRATIONS_ALLOW_HTTP), and a host that resolves to public addresses only, so that
nobody can point Headway at a service on its own network (loopback, private, link-local
ranges) unless INTEGRATIONS_ALLOW_PRIVATE_ADDRESSES says so (development, tests). Redirects
are not followed.
"""

import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USER_AGENT = "Headway-Integrations/1"
# What is kept of an answer's body, for the admin to read.
KEPT_BODY = 2000


@dataclass
class Answer:
    """What a request came back with: its HTTP status (None when nothing answered), the start
    of its body, or the error that kept it from being answered."""

    status: int | None
    body: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def delivered(self):
        return self.status is not None and 200 <= self.status < 300

    @property
    def worth_retrying(self):
        """Nothing answered, or an answer that says "later": a timeout, a rate limit, a
        server error. Any other refusal (a removed webhook, a bad token) would be the same
        next time."""
        return self.status is None or self.status in (408, 425, 429) or self.status >= 500

    def summary(self):
        if self.status is None:
            return self.error
        text = f"HTTP {self.status}"
        return f"{text}: {self.body.strip()[:200]}" if self.body.strip() else text


def check_address(url):
    """Refuse, with a message for the person who typed it, an address Headway must not post
    to. Returns the address."""
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.INTEGRATIONS_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise ValidationError(_("Give an address that starts with https://."), code="scheme")
    if settings.INTEGRATIONS_ALLOW_PRIVATE_ADDRESSES:
        return url
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise ValidationError(
            _("%(host)s cannot be found."), params={"host": parts.hostname}, code="unknown"
        ) from error
    for *_rest, address in found:
        if not ipaddress.ip_address(address[0]).is_global:
            raise ValidationError(
                _("%(host)s is on a private network: Headway posts only to public addresses."),
                params={"host": parts.hostname},
                code="private",
            )
    return url


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def post_json(url, body, headers=None):
    """POST `body` (bytes of JSON) to `url`; the Answer, whatever happened."""
    started = time.monotonic()

    def took():
        return round((time.monotonic() - started) * 1000)

    try:
        check_address(url)
    except ValidationError as refusal:
        return Answer(None, error=" ".join(refusal.messages), duration_ms=took())
    request = urllib.request.Request(  # noqa: S310 (check_address allows http(s) only)
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **(headers or {})},
    )
    try:
        with OPENER.open(request, timeout=settings.INTEGRATIONS_TIMEOUT) as response:
            return Answer(response.status, read(response), duration_ms=took())
    except urllib.error.HTTPError as error:
        return Answer(error.code, read(error), duration_ms=took())
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Answer(None, error=f"{type(error).__name__}: {reason}", duration_ms=took())


def read(response):
    try:
        return response.read(KEPT_BODY).decode("utf-8", "replace")
    except OSError:
        return ""
