"""E-mails to people: written in their language and time zone, queued in the transaction of
the change they tell about, sent by a worker once, and easy to stop.

An app writes an e-mail with `queue_email(key=..., kind=..., recipient=..., template=...)`
and three templates: `<template>_subject.txt`, `<template>_body.txt` and
`<template>_body.html` (extending `emails/base.html`). Each message carries both bodies, a
link to the recipient's notification settings, and a signed one-click unsubscribe link, also
in the `List-Unsubscribe` and `List-Unsubscribe-Post` headers mail clients use (RFC 8058).
"""

import hashlib
import logging
import re
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import jobs
from .models import Email, EmailKind, Preference
from .people import display_name

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "headway.emails.unsubscribe"


def absolute_url(path):
    """`path` on Headway's public address (settings.SITE_URL): what links in e-mails use."""
    return settings.SITE_URL + path


def one_line(text):
    """`text` on one line, its runs of spaces and newlines made one space (a no-break space,
    which French puts before a colon, is kept)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def unsubscribe_token(user_id, kind):
    """A token that turns off e-mails of `kind` for the user, signed with SECRET_KEY: whoever
    holds the e-mail may use it, no one can make one for somebody else. It does not expire
    (RFC 8058 asks that the link keep working), and is the same in every e-mail of a kind."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object([user_id, str(kind)])


def read_unsubscribe_token(token):
    """(user id, kind) from a token; raises signing.BadSignature when it was not ours."""
    try:
        user_id, kind = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (ValueError, TypeError) as error:
        raise signing.BadSignature("not an unsubscribe token") from error
    if not isinstance(user_id, int) or kind not in EmailKind.values:
        raise signing.BadSignature("not an unsubscribe token")
    return user_id, EmailKind(kind)


def unsubscribe_url(user_id, kind):
    return absolute_url(reverse("unsubscribe", args=[unsubscribe_token(user_id, kind)]))


def wants_email(recipient, kind):
    """Whether `recipient` can and wants to receive e-mails of `kind`."""
    return bool(recipient.is_active and recipient.email and Preference.of(recipient).wants(kind))


def write_email(*, key, kind, recipient, template, context=None):
    """E-mail `template` written for `recipient`, in their language and time zone, with the
    links to their settings and to unsubscribe: an unsaved Email."""
    preference = Preference.of(recipient)
    language = preference.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(preference.zone):
        context = {
            **(context or {}),
            "recipient": recipient,
            "recipient_name": display_name(recipient),
            "site_url": settings.SITE_URL,
            "settings_url": absolute_url(reverse("notification_settings")),
            "unsubscribe_url": unsubscribe_url(recipient.pk, kind),
            "kind": EmailKind(kind),
        }
        return Email(
            key=key,
            kind=kind,
            recipient=recipient,
            to=recipient.email,
            language=language,
            subject=one_line(render_to_string(f"{template}_subject.txt", context)),
            text_body=render_to_string(f"{template}_body.txt", context),
            html_body=render_to_string(f"{template}_body.html", context),
        )


def queue_email(*, key, kind, recipient, template, context=None):
    """Write e-mail `template` for `recipient` and queue it with the job that sends it, in
    the caller's transaction. Returns the Email, or None when nothing is queued: `key` was
    queued before, the recipient turned `kind` off, has no address or no longer signs in."""
    if not wants_email(recipient, kind):
        return None
    email = write_email(key=key, kind=kind, recipient=recipient, template=template, context=context)
    with transaction.atomic():
        try:
            with transaction.atomic():
                email.save(force_insert=True)
        except IntegrityError:
            return None  # queued before, maybe by another worker at the same moment
        send_email.defer(email_id=email.pk)
    return email


def message_id(email):
    """The same Message-ID whichever attempt sends it, so that a mail system that sees one
    twice can tell."""
    digest = hashlib.sha256(email.key.encode()).hexdigest()[:32]
    return f"<{digest}@{urlsplit(settings.SITE_URL).hostname or 'headway'}>"


def as_message(email):
    """The Email as the MIME message that goes out: plain text, then HTML."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        to=[email.to],
        headers={
            "Message-ID": message_id(email),
            # RFC 3834: no out-of-office replies to a machine.
            "Auto-Submitted": "auto-generated",
        },
    )
    if email.recipient_id is not None:
        message.extra_headers["List-Unsubscribe"] = (
            f"<{unsubscribe_url(email.recipient_id, email.kind)}>"
        )
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.attach_alternative(email.html_body, "text/html")
    return message


class NotSentYet(Exception):
    """The mail server did not take the e-mail this time: the job is tried again later."""


class Refused(Exception):
    """The mail server refused the e-mail for good (a 5xx answer): trying again would not
    help."""


def is_refusal(error):
    """A permanent SMTP answer (5xx) to the message or to every recipient."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


@transaction.atomic
def start_sending(email_id):
    """Lock the e-mail and mark it as being sent, if it is still waiting: the Email to send,
    or None when it must not go out (sent already, stopped, or interrupted mid-way)."""
    email = (
        Email.objects.select_for_update(of=("self",)).select_related("recipient").get(pk=email_id)
    )
    if email.status == Email.Status.SENDING:
        # A worker stopped while sending it: it may have gone out. Never twice: it waits for
        # an operator, who can tell from the admin whether to send it again.
        email.status = Email.Status.INTERRUPTED
        email.save(update_fields=["status"])
        return None
    if email.status not in Email.SENDABLE:
        return None
    if email.recipient is not None and not Preference.of(email.recipient).wants(email.kind):
        email.status = Email.Status.CANCELLED
        email.save(update_fields=["status"])
        return None
    email.status = Email.Status.SENDING
    email.attempts += 1
    email.save(update_fields=["status", "attempts"])
    return email


def deliver(email_id, *, final_attempt):
    """Send one queued e-mail over SMTP, once. A mail server that is away or answers "later"
    leaves it queued (NotSentYet, and the job is retried), or failed on the final attempt; a
    refusal fails it at once (Refused)."""
    email = start_sending(email_id)
    if email is None:
        return
    try:
        as_message(email).send()
    except Exception as error:
        refused = is_refusal(error)
        status = Email.Status.FAILED if refused or final_attempt else Email.Status.QUEUED
        Email.objects.filter(pk=email.pk).update(
            status=status, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.warning("e-mail %s not sent (attempt %s): %s", email.pk, email.attempts, error)
        raise (Refused if refused else NotSentYet)(email.pk) from error
    Email.objects.filter(pk=email.pk).update(status=Email.Status.SENT, sent_at=timezone.now())
    logger.info("e-mail %s sent (%s)", email.pk, email.kind)


@jobs.task(
    name="headway.send_email",
    retry=jobs.retry_on(NotSentYet),
    pass_context=True,
)
def send_email(context, email_id):
    deliver(email_id, final_attempt=jobs.is_final_attempt(context))


AGAIN = (Email.Status.FAILED, Email.Status.INTERRUPTED)


@transaction.atomic
def send_again(emails):
    """Queue failed or interrupted e-mails once more (an operator's decision, from the
    admin); returns how many."""
    pks = list(emails.filter(status__in=AGAIN).values_list("pk", flat=True))
    Email.objects.filter(pk__in=pks).update(status=Email.Status.QUEUED)
    for pk in pks:
        send_email.defer(email_id=pk)
    return len(pks)
