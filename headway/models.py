from django.conf import settings
from django.db import models
from django.db.models import Q
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
