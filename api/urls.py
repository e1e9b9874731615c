from django.urls import path
from django.views.generic import RedirectView

from . import views
from .endpoints import api


def without_sign_in(patterns):
    """The API's own views: a token authenticates them, not a session, so the sign-in that
    every page requires (LoginRequiredMiddleware) does not apply."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            without_sign_in(pattern.url_patterns)
        else:
            pattern.callback.login_required = False
    return patterns


operations, _ninja, namespace = api.urls

app_name = "api"
urlpatterns = [
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("api/v1/docs/", views.docs, name="docs"),
    path("api/v1/", RedirectView.as_view(pattern_name="api:docs"), name="root"),
]
# Included by the URL root at api/v1/.
v1 = (without_sign_in(operations), "ninja", namespace)
