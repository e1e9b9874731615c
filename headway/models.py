import zoneinfo
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import F, Func, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from procrastinate.contrib.django.models import ProcrastinateJob

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class Weekday(models.IntegerChoices):
    """Days of the week as ISO 8601 numbers them (`date.isoweekday()`): Monday is 1."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


def time_zone_names():
    """Every time zone a person may pick, by its IANA name, in alphabetical order."""
    return sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


def validate_time_zone(name):
    if name and name not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(name)s is not a time zone Headway knows."), params={"name": name}, code="invalid"
        )


class EmailKind(models.TextChoices):
    """The e-mails Headway sends, each of which a person may turn off."""

    ESCALATION = "escalation", _("Urgent obstacle")
    WAITING_ON_TEAM = "waiting_on_team", _("Obstacle waiting on your team")
    CHECK_IN_REMINDER = "check_in_reminder", _("Check-in reminder")
    ONE_ON_ONE_PREPARATION = "one_on_one_preparation", _("1:1 preparation")
    LEADER_DIGEST = "leader_digest", _("Leader's weekly digest")
    DECISION_DUE = "decision_due", _("Decision due")
    LEARNINGS_DIGEST = "learnings_digest", _("Learnings digest")


class PreferenceQuerySet(models.QuerySet):
    def language_of(self, user):
        """The language `user` chose for the interface, or None if they never chose."""
        return self.filter(user=user).values_list("language", flat=True).first() or None

    def language_to_write_to(self, user, default=None):
        """The language of an e-mail to `user`: the one they chose, else `default`, else the
        site's (settings.LANGUAGE_CODE)."""
        return self.language_of(user) or default or settings.LANGUAGE_CODE


class Preference(models.Model):
    """What a person chose for themselves, kept with them rather than in one browser: the
    language of the interface (applied again whenever they sign in), and how Headway writes
    to them: their time zone, the day their weekly digests come, the e-mails they turned off.

    A person who never chose anything has no row: `Preference.of(user)` gives the defaults.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preference",
        verbose_name=_("user"),
    )
    # Blank: never chosen, the browser's language applies (and the site's in e-mails).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    # Blank: the organization's (settings.TIME_ZONE).
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    digest_day = models.PositiveSmallIntegerField(
        _("digest day"),
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text=_("The day your weekly digests come."),
    )
    emails_off = ArrayField(
        models.CharField(max_length=30, choices=EmailKind.choices),
        verbose_name=_("e-mails turned off"),
        default=list,
        blank=True,
    )

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=[*LANGUAGE_CODES, ""]), name="preference_language_offered"
            ),
            models.CheckConstraint(
                condition=Q(digest_day__gte=1, digest_day__lte=7), name="preference_digest_day"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.language}"

    @classmethod
    def of(cls, user):
        """`user`'s preferences, or the defaults (unsaved) if they never chose any."""
        return cls.objects.filter(user=user).first() or cls(user=user)

    @classmethod
    def of_each(cls, users):
        """{user id: preferences} for `users`, the defaults for whoever chose none: one query."""
        saved = {p.user_id: p for p in cls.objects.filter(user__in=[u.pk for u in users])}
        return {user.pk: saved.get(user.pk) or cls(user=user) for user in users}

    @classmethod
    def remember_language(cls, user, language):
        """Keep `language` as `user`'s choice (one of settings.LANGUAGES)."""
        preference, _created = cls.objects.update_or_create(
            user=user, defaults={"language": language}
        )
        return preference

    @classmethod
    def turn_off(cls, user, kind):
        """Stop e-mails of `kind` to `user` (one-click unsubscribe); turning off twice is
        harmless."""
        preference, _created = cls.objects.get_or_create(user=user)
        cls.objects.filter(pk=preference.pk).exclude(emails_off__contains=[kind]).update(
            emails_off=Func(F("emails_off"), Value(kind), function="array_append")
        )

    @classmethod
    def turn_on(cls, user, kind):
        cls.objects.filter(user=user).update(
            emails_off=Func(F("emails_off"), Value(kind), function="array_remove")
        )

    @property
    def zone(self):
        """The person's time zone (a ZoneInfo), the organization's unless they chose one."""
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)

    def wants(self, kind):
        return kind not in self.emails_off


class Session(AbstractBaseSession):
    """A signed-in browser's session, as Django's database sessions keep it, plus whose it is,
    so that deactivating a person ends all of their sessions at once (headway.sessions)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        related_name="sessions",
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore

    @classmethod
    def end_all_of(cls, user):
        """Sign `user` out of every browser now; returns how many sessions ended."""
        deleted, _by_model = cls.objects.filter(user=user).delete()
        return deleted


class Refusal(StrEnum):
    """Why single sign-on let someone through the provider but not into Headway."""

    NO_EMAIL = "no_email"
    UNVERIFIED_EMAIL = "unverified_email"
    NOT_ADDED = "not_added"
    DOMAIN_NOT_ALLOWED = "domain_not_allowed"
    DEACTIVATED = "deactivated"
    SUPERUSER = "superuser"
    AMBIGUOUS = "ambiguous"
    LINKED_ELSEWHERE = "linked_elsewhere"


class Refused(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = Refusal(reason)


def email_is_verified(claims):
    """True when the provider vouches that the address is the person's: `email_verified`
    (a boolean, or the string "true" that some providers send), or `xms_edov`, Microsoft
    Entra ID's optional claim for an address in a domain its owner verified."""
    for name in ("email_verified", "xms_edov"):
        value = claims.get(name)
        if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
            return True
    return False


def names_from(claims):
    """(first name, last name) from the provider's claims, each cut to what Django keeps."""
    first, last = claims.get("given_name") or "", claims.get("family_name") or ""
    if not (first or last) and (name := (claims.get("name") or "").strip()):
        first, _space, last = name.partition(" ")
    return str(first).strip()[:150], str(last).strip()[:150]


def domain_of(email):
    return email.rpartition("@")[2].lower()


def unused_username(email):
    """The address as a username, numbered if someone already has it."""
    User = get_user_model()
    base = email.lower()[:140]
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


class Identity(models.Model):
    """The link between a person and their account at the company's identity provider.

    The provider names an account by its subject (`sub`), which never changes, while an
    e-mail address may: once linked, later sign-ins find the person by subject alone.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="identities",
    )
    issuer = models.URLField(_("identity provider"), max_length=300)
    subject = models.CharField(_("subject at the provider"), max_length=255)
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    last_signed_in_at = models.DateTimeField(_("last signed in with it"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_once"),
            models.UniqueConstraint(fields=["issuer", "user"], name="identity_one_per_person"),
        ]

    def __str__(self):
        return f"{self.user} — {self.subject}"

    @classmethod
    @transaction.atomic
    def person_signing_in(cls, issuer, claims):
        """The person the provider's `claims` sign in, linked or created by the rules of
        single sign-on, with their name and address refreshed; else raise Refused.

        A linked account is found by its subject. The first time, a verified address links
        to the one person who has it (never to a superuser: an address alone must not open
        an administrator's account); with provisioning on, a person is created for an
        address of an allowed domain; anyone else is asked to see their administrator.
        """
        subject = str(claims.get("sub") or "")
        identity = cls.objects.select_related("user").filter(issuer=issuer, subject=subject)
        identity = identity.first()
        if identity is None:
            identity = cls(user=cls._person_to_link(issuer, claims), issuer=issuer, subject=subject)
        elif not identity.user.is_active:
            raise Refused(Refusal.DEACTIVATED)
        identity.last_signed_in_at = timezone.now()
        identity.save()
        cls._refresh(identity.user, claims)
        return identity.user

    @classmethod
    def _person_to_link(cls, issuer, claims):
        email = str(claims.get("email") or "").strip()
        if not email:
            raise Refused(Refusal.NO_EMAIL)
        if not email_is_verified(claims):
            raise Refused(Refusal.UNVERIFIED_EMAIL)
        people = list(get_user_model().objects.filter(email__iexact=email)[:2])
        if len(people) > 1:
            raise Refused(Refusal.AMBIGUOUS)
        if people:
            person = people[0]
            if person.is_superuser:
                raise Refused(Refusal.SUPERUSER)
            if not person.is_active:
                raise Refused(Refusal.DEACTIVATED)
            if cls.objects.filter(issuer=issuer, user=person).exists():
                raise Refused(Refusal.LINKED_ELSEWHERE)
            return person
        if not settings.SSO_PROVISIONING:
            raise Refused(Refusal.NOT_ADDED)
        if domain_of(email) not in settings.SSO_ALLOWED_DOMAINS:
            raise Refused(Refusal.DOMAIN_NOT_ALLOWED)
        # No password: they sign in through the provider.
        return get_user_model().objects.create_user(unused_username(email), email=email)

    @staticmethod
    def _refresh(person, claims):
        """Name and address as the provider knows them now. An address changes only when
        the provider vouches for it and nobody else in Headway has it."""
        changed = []
        first, last = names_from(claims)
        if (first or last) and (first, last) != (person.first_name, person.last_name):
            person.first_name, person.last_name = first, last
            changed += ["first_name", "last_name"]
        email = str(claims.get("email") or "").strip()
        if (
            email
            and email.lower() != person.email.lower()
            and email_is_verified(claims)
            and not type(person).objects.filter(email__iexact=email).exclude(pk=person.pk).exists()
        ):
            person.email = email
            changed.append("email")
        if changed:
            person.save(update_fields=changed)


class SignInFailureCount(models.Model):
    """Failed sign-ins for one username or one client address (`key`, hashed), counted
    by the database in one statement so that attempts made at the same moment never read the
    same count (headway.throttling). The window restarts with each failure."""

    key = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="sign_in_failure_expiry")]

    def __str__(self):
        return f"{self.key}: {self.count}"


class Submission(models.Model):
    """A form sent once. Each form that creates or changes something carries a key of its
    own (`{% submission_key %}`); the first time it is sent, the answer is kept here with
    it, and sending the same form again, by a second click or a retry, gets that answer
    back instead of doing it twice (headway.middleware.submitted_once)."""

    key = models.UUIDField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    # The first answer: status, headers, cookies (the flash messages) and content.
    status = models.PositiveSmallIntegerField(null=True)
    headers = models.JSONField(default=dict)
    cookies = models.JSONField(default=list)
    content = models.BinaryField(default=b"")

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="submission_user_age")]

    def __str__(self):
        return f"{self.path} ({self.key})"


class Schedule(models.Model):
    """When the organization's reminders and digests go out, in each recipient's own time
    zone. One row, edited by an administrator; until then the defaults apply."""

    check_in_weekday = models.PositiveSmallIntegerField(
        _("check-in reminder day"), choices=Weekday.choices, default=Weekday.THURSDAY
    )
    check_in_hour = models.PositiveSmallIntegerField(
        _("check-in reminder hour"),
        default=10,
        validators=[MaxValueValidator(23)],
        help_text=_("Product managers are reminded of the key results not checked in this week."),
    )
    notice_hour = models.PositiveSmallIntegerField(
        _("hour of the other reminders and digests"),
        default=9,
        validators=[MaxValueValidator(23)],
        help_text=_(
            "1:1 preparation (the day before), decisions due, and the weekly digests on each "
            "person's digest day."
        ),
    )

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedule")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="schedule_one_row"),
            models.CheckConstraint(
                condition=Q(check_in_weekday__gte=1, check_in_weekday__lte=7),
                name="schedule_check_in_weekday",
            ),
            models.CheckConstraint(
                condition=Q(check_in_hour__lte=23, notice_hour__lte=23), name="schedule_hours"
            ),
        ]

    def __str__(self):
        return str(_("Reminder schedule"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls):
        """The organization's schedule, or the defaults while nobody has changed them."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class EmailQuerySet(models.QuerySet):
    def sent_to(self, user):
        return self.filter(recipient=user)

    def keys_among(self, keys):
        """Which of `keys` were queued already (the e-mails never to queue again)."""
        return set(self.filter(key__in=keys).values_list("key", flat=True))


class Email(models.Model):
    """An e-mail Headway sends, and the record of it: what went to whom, when, or why not.

    It is written in the same transaction as the change it tells about, with the job that
    sends it (headway.emails.queue_email), so neither exists without the other. Its `key`
    names the message ("escalation:12:3", "check_in_reminder:2026-W48:7"): a key is queued
    once, and a worker sends only an e-mail still waiting, after marking it as being sent, so
    no e-mail goes out twice.
    """

    Kind = EmailKind

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", _("Interrupted while being sent: it may have gone out")
        CANCELLED = "cancelled", _("Not sent: turned off by the recipient")

    # What a worker may send: waiting, or failed and queued again by an operator.
    SENDABLE = (Status.QUEUED, Status.FAILED)

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=EmailKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="emails",
    )
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    text_body = models.TextField(_("plain text"))
    html_body = models.TextField(_("HTML"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-queued_at", "-pk"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [
            models.Index(fields=["-queued_at"], name="email_latest"),
            models.Index(fields=["recipient", "-queued_at"], name="email_recipient"),
            models.Index(
                fields=["status", "-queued_at"],
                name="email_not_sent",
                condition=~Q(status="sent"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="email_sent_at_matches_status",
            ),
        ]

    def __str__(self):
        return self.subject


class Job(ProcrastinateJob):
    """A job of the queue (procrastinate's table), as the admin lists it."""

    class Meta:
        proxy = True
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
