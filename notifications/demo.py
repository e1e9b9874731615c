"""The demo organization's e-mail: a few people's notification settings, and the e-mails
Headway sent them this past week, written from the demo's own data as the reminders would
have written them (one the mail server refused), so that the admin's E-mails list shows
what goes out. Nothing is sent: they are recorded as sent already."""

from datetime import timedelta

from django.utils import timezone

from coaching.models import OneOnOne
from headway.emails import write_email
from headway.models import Email, EmailKind, Preference, Weekday
from obstacles.models import Obstacle

from . import content

# username: the settings they chose.
SETTINGS = {
    "pm": {"digest_day": Weekday.MONDAY},
    "leader2": {"digest_day": Weekday.FRIDAY, "time_zone": "Europe/Berlin"},
    "zoe": {"emails_off": [EmailKind.CHECK_IN_REMINDER, EmailKind.LEARNINGS_DIGEST]},
    "lucas": {"time_zone": "America/New_York"},
}


def seed_notifications(org):
    """Settings for a few people (someone who changed theirs since keeps them), and the
    week's e-mails, once; returns how many e-mails were recorded."""
    for username, chosen in SETTINGS.items():
        preference, _created = Preference.objects.get_or_create(user=org.users[username])
        if not (preference.time_zone or preference.emails_off) and preference.digest_day == 1:
            Preference.objects.filter(pk=preference.pk).update(**chosen)
    if Email.objects.filter(key__startswith="demo:").exists():
        return 0
    now = timezone.now()
    emails = [email for email in _week_of_emails(org, now) if email is not None]
    Email.objects.bulk_create(emails)
    return len(emails)


def _written(kind, user, template, context, hours_ago, now):
    if context is None:
        return None
    email = write_email(
        key=f"demo:{kind}:{user.username}",
        kind=kind,
        recipient=user,
        template=template,
        context=context,
    )
    email.queued_at = email.sent_at = now - timedelta(hours=hours_ago)
    email.status = Email.Status.SENT
    email.attempts = 1
    return email


def _week_of_emails(org, now):
    leader, pm = org.users["leader"], org.users["pm"]
    local = now.astimezone(Preference.of(leader).zone)
    yield _written(
        EmailKind.LEADER_DIGEST,
        leader,
        "notifications/emails/leader_digest",
        content.leader_digest(leader, local - timedelta(days=1)),
        30,
        now,
    )
    yield _written(
        EmailKind.CHECK_IN_REMINDER,
        pm,
        "notifications/emails/check_in_reminder",
        content.check_in_reminder(pm, local),
        3,
        now,
    )
    urgent = Obstacle.objects.active().filter(team__leader=leader, is_urgent=True).first()
    if urgent is not None:
        yield _written(
            EmailKind.ESCALATION,
            leader,
            "obstacles/emails/escalation",
            {"obstacle": urgent, "by": urgent.created_by, "url": urgent.full_url()},
            50,
            now,
        )
    coming = OneOnOne.objects.upcoming().filter(leader=leader, pm=pm).first()
    if coming is not None:
        yield _written(
            EmailKind.ONE_ON_ONE_PREPARATION,
            pm,
            "notifications/emails/one_on_one_preparation",
            content.one_on_one_preparation(coming, pm),
            1,
            now,
        )
    # One the mail server refused: the admin shows why, and can send it again.
    aisha = org.users["aisha"]
    theirs = OneOnOne.objects.upcoming().filter(leader=leader, pm=aisha).first()
    if theirs is not None:
        refused = _written(
            EmailKind.ONE_ON_ONE_PREPARATION,
            aisha,
            "notifications/emails/one_on_one_preparation",
            content.one_on_one_preparation(theirs, aisha),
            1,
            now,
        )
        refused.status, refused.sent_at = Email.Status.FAILED, None
        refused.last_error = (
            "SMTPRecipientsRefused: {'aisha@headway.example': (550, b'5.1.1 Mailbox unavailable')}"
        )
        yield refused
