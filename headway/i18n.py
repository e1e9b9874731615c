"""Choosing the interface's language: the browser's Accept-Language until the person picks
one, then their pick, kept with them (headway.models.Preference) and applied again in any
browser they sign in from."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .models import Preference


def offered(language):
    return language in dict(settings.LANGUAGES)


def remember_in_browser(response, language):
    """Set the cookie LocaleMiddleware reads, as Django's set_language does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_not_required
@require_POST
def switch_language(request):
    """The language switcher's form: the cookie for this browser (Django's set_language),
    and for a signed-in person their preference, so that it follows them."""
    language = request.POST.get("language", "")
    if not offered(language):
        return HttpResponseBadRequest()
    response = set_language(request)
    if request.user.is_authenticated:
        Preference.remember_language(request.user, language)
    return response


def apply_at_sign_in(request, response):
    """After a sign-in (password or single sign-on), the person's language in this browser:
    the one they chose before, or, if they never chose, the one they picked on the sign-in
    page becomes their choice."""
    language = Preference.objects.language_of(request.user)
    if language:
        remember_in_browser(response, language)
    elif offered(picked := request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")):
        Preference.remember_language(request.user, picked)
    return response
