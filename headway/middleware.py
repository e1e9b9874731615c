"""Middleware for running Headway in production: a log line per request, the app server's name,
and malformed requests refused before they reach a view."""

import logging
import time

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpResponseBadRequest, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template import loader
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


# A NUL character is never part of anything a person types, and PostgreSQL refuses it in text:
# left to reach a query, it would end the request with a server error.
NUL = "\x00"


def refuse_malformed_input(get_response):
    """Answer 400, before any view runs, to a request no form could have sent: a NUL
    character in a query parameter, a posted field or a cookie, or a body that cannot be
    read (a charset other than UTF-8, too many fields, too large)."""

    def middleware(request):
        try:
            malformed = any(NUL in text for text in sent_texts(request))
        except (BadRequest, SuspiciousOperation, MultiPartParserError, UnreadablePostError):
            # Later readers of the form (CSRF, error pages) find it empty, not broken.
            request._mark_post_parse_error()
            malformed = True
        return bad_request(request) if malformed else get_response(request)

    return middleware


def sent_texts(request):
    """Every name and value the request carries in its query string, form and cookies."""
    for data in (request.GET, request.POST):
        for name, values in data.lists():
            yield name
            yield from values
    for name, value in request.COOKIES.items():
        yield name
        yield value


def bad_request(request):
    """The 400 page, rendered without the form that could not be read."""
    return HttpResponseBadRequest(loader.render_to_string("400.html"))
