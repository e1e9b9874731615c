"""Middleware for running Headway in production: a log line per request, the app server's name,
malformed requests refused before they reach a view, and forms done once however often they
are sent."""

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db import IntegrityError, connection, transaction
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    UnreadablePostError,
)
from django.http.multipartparser import MultiPartParserError
from django.template import loader
from django.utils import timezone
from django.utils.functional import empty

from .models import Submission

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


# The hidden field that carries a form's key ({% submission_key %}), and how long a key is
# remembered: a second send comes within seconds, a retry after a lost answer within hours.
SUBMISSION_FIELD = "submission"
SUBMISSION_KEPT = timedelta(days=1)


def submitted_once(get_response):
    """Do what a form asks once, however often it is sent.

    The first send of a form's key claims it (an INSERT), does the work and keeps the answer,
    all in one transaction; a second send of the same key waits on that INSERT until the
    first commits, then gets the kept answer. A send that changed nothing (a form returned
    with its mistakes) or was refused (an answer of 400 or more) keeps nothing, key included,
    so that the corrected form can be sent again.
    """

    def middleware(request):
        sent_key = request.POST.get(SUBMISSION_FIELD) if request.method == "POST" else None
        if not sent_key or not request.user.is_authenticated:
            return get_response(request)
        try:
            key = uuid.UUID(sent_key)
        except ValueError:
            return bad_request(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    submission = Submission.objects.create(
                        key=key, user=request.user, path=request.path
                    )
            except IntegrityError:
                return answer_again(request, key)
            writes = WriteWatch()
            with connection.execute_wrapper(writes):
                response = get_response(request)
            if writes.seen and response.status_code < 400 and not response.streaming:
                keep_answer(submission, response)
            else:
                transaction.set_rollback(True)
        return response

    return middleware


class WriteWatch:
    """A database wrapper that notes whether a request wrote anything."""

    WRITES = ("INSERT", "UPDATE", "DELETE")

    def __init__(self):
        self.seen = False

    def __call__(self, execute, sql, params, many, context):
        self.seen = self.seen or sql.lstrip().upper().startswith(self.WRITES)
        return execute(sql, params, many, context)


def keep_answer(submission, response):
    submission.status = response.status_code
    submission.headers = dict(response.headers)
    submission.cookies = [morsel.OutputString() for morsel in response.cookies.values()]
    submission.content = response.content
    submission.save(update_fields=["status", "headers", "cookies", "content"])
    # What is remembered is forgotten after a day.
    Submission.objects.filter(
        user=submission.user, created_at__lt=timezone.now() - SUBMISSION_KEPT
    ).delete()


def answer_again(request, key):
    """The answer the first send of `key` got; 400 if it was not this person's form."""
    first = Submission.objects.filter(key=key, user=request.user, path=request.path).first()
    if first is None or first.status is None:
        return bad_request(request)
    if first.headers.get("Location"):
        response = HttpResponseRedirect(first.headers["Location"])
        response.status_code = first.status
    else:
        response = HttpResponse(status=first.status)
    response.content = bytes(first.content)
    for name, value in first.headers.items():
        response.headers[name] = value
    for cookie in first.cookies:
        response.cookies.load(cookie)
    return response
