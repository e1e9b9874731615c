import logging

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .models import Preference
from .people import display_name
from .sso import provider_name
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
        throttle = SignInThrottle(self.request, self.data.get("username") or "")
        if not throttle.attempt():
            logger.warning("sign-in refused: too many failed attempts")
            raise ValidationError(
                self.throttled_message,
                code="throttled",
                params={"minutes": settings.SIGNIN_LOCKOUT_MINUTES},
            )
        # A wrong password raises here, and its attempt stays counted.
        cleaned_data = super().clean()
        if self.get_user() is None:
            throttle.not_checked()
        else:
            throttle.succeeded()
        return cleaned_data


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        if settings.SSO_ONLY:
            # The same words for a wrong password and for someone who may not use one, so
            # that the page tells nobody which accounts are administrators'.
            self.error_messages = {
                **self.error_messages,
                "invalid_login": _(
                    "Wrong username or password. Only administrators sign in with a password "
                    "here; everyone else signs in with %(provider)s."
                ),
            }

    def get_invalid_login_error(self):
        if not settings.SSO_ONLY:
            return super().get_invalid_login_error()
        return ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"provider": provider_name()},
        )


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    pass


class RecipientLanguagePasswordResetForm(PasswordResetForm):
    """Django's password reset, its e-mail written in the language the account's owner chose
    (headway.models.Preference); without a choice, in the language of the page the reset
    was asked from, which the person asking for it reads."""

    def get_users(self, email):
        """In SSO-only mode, only superusers have a password to reset (the way in when the
        identity provider is down); everyone else signs in through the provider."""
        users = super().get_users(email)
        if settings.SSO_ONLY:
            return (user for user in users if user.is_superuser)
        return users

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        default = translation.get_language()
        language = Preference.objects.language_to_write_to(context["user"], default)
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of one person, each labelled by their display name (headway.people), not by
    their username."""

    def label_from_instance(self, obj):
        return display_name(obj)


class QuickSelect(forms.Select):
    """A <select> written in Python rather than through a template per <option>.

    Django renders every option with its own template: a filter listing hundreds of teams
    and people spent ~65 ms of a 120 ms page on it (bench/results.md). Same HTML, same
    attributes (id, aria-describedby, required...), values and labels escaped.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = [
            format_html(
                '<option value="{}"{}>{}</option>',
                option["value"],
                mark_safe(" selected") if option["selected"] else "",
                option["label"],
            )
            for _group, choices, _index in widget["optgroups"]
            for option in choices
        ]
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(options)),  # noqa: S308 (each option escaped above)
        )
