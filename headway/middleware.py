"""Middleware for running Headway in production: a log line per request, the app server's name."""

import logging
import time

from django.conf import settings
from django.utils.functional import empty

logger = logging.getLogger("headway.requests")


def request_log(get_response):
    """One line per request: method, path, status, duration and the user's id, nothing more.

    The query string is left out (a search can hold personal data), and the user is read only
    if the request already loaded it, so that logging never costs a query of its own.
    """

    def middleware(request):
        started = time.monotonic()
        response = get_response(request)
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        user_id = signed_in_user_id(request)
        logger.info(
            "%s %s %s %sms user=%s",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            user_id if user_id is not None else "-",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user_id,
            },
        )
        return response

    return middleware


def signed_in_user_id(request):
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


def served_by(get_response):
    """Name the app server that answered in an X-Served-By header, when SERVED_BY is set."""

    def middleware(request):
        response = get_response(request)
        if settings.SERVED_BY:
            response["X-Served-By"] = settings.SERVED_BY
        return response

    return middleware
