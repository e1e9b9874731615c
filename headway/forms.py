import logging

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext_lazy

from .throttling import SignInThrottle

logger = logging.getLogger(__name__)


class ThrottledSignInMixin:
    """Refuses every sign-in attempt, right or wrong, once too many have failed."""

    throttled_message = ngettext_lazy(
        "Too many failed sign-in attempts. Signing in is paused: wait %(minutes)d minute "
        "and try again, or reset your password.",
        "Too many failed sign-in attempts. Signing in is paused: wait %(minutes)d minutes "
        "and try again, or reset your password.",
        "minutes",
    )

    def clean(self):
        throttle = SignInThrottle(self.request, self.data.get("username"))
        if throttle.is_locked():
            logger.warning("sign-in refused: too many failed attempts")
            raise ValidationError(
                self.throttled_message,
                code="throttled",
                params={"minutes": settings.SIGNIN_LOCKOUT_MINUTES},
            )
        try:
            cleaned_data = super().clean()
        except ValidationError:
            throttle.record_failure()
            raise
        throttle.clear_username()
        return cleaned_data


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    pass


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    pass
