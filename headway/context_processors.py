from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .sso import may_change_password, provider_name

# The main navigation, in order; an entry shows once its app provides the URL.
NAVIGATION = [
    ("home", _("Dashboard")),
    ("obstacles:log", _("Obstacles")),
    ("coaching:one_on_ones", _("1:1s")),
    ("objectives:teams", _("Teams")),
    ("problems", _("Problems")),
]


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    items = []
    for name, label in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return {"navigation": items, "may_change_password": may_change_password(request.user)}


def single_sign_on(request):
    """Whether password sign-in is for superusers only, and the provider's name, for the
    pages that say so (password reset)."""
    if not settings.SSO_ENABLED:
        return {}
    return {"sso_only": settings.SSO_ONLY, "sso_name": provider_name()}
