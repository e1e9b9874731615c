from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class PreferenceQuerySet(models.QuerySet):
    def language_of(self, user):
        """The language `user` chose for the interface, or None if they never chose."""
        return self.filter(user=user).values_list("language", flat=True).first()

    def language_to_write_to(self, user, default=None):
        """The language of an e-mail to `user`: the one they chose, else `default`, else the
        site's (settings.LANGUAGE_CODE)."""
        return self.language_of(user) or default or settings.LANGUAGE_CODE


class Preference(models.Model):
    """What a person chose for themselves, kept with them rather than in one browser: the
    language of the interface, applied again whenever they sign in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preference",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=LANGUAGE_CODES), name="preference_language_offered"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.language}"

    @classmethod
    def remember_language(cls, user, language):
        """Keep `language` as `user`'s choice (one of settings.LANGUAGES)."""
        preference, _created = cls.objects.update_or_create(
            user=user, defaults={"language": language}
        )
        return preference


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
