from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from api import urls as api_urls

from . import i18n, sso, views
from .forms import AdminSignInForm

# The admin's sign-in page is throttled like Headway's own.
admin.site.login_form = AdminSignInForm
# i18n: the administration's titles in the reader's language, and Headway's name.
admin.site.site_header = _("Headway administration")
admin.site.site_title = _("Headway administration")
handler500 = "headway.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/queue", views.queue_healthz, name="queue_healthz"),
    # Sign-in also brings back the language the person chose (headway.i18n).
    path("accounts/login/", views.sign_in, name="login"),
    # Single sign-on (headway.sso); sign-out also ends the provider's session when it can.
    path("accounts/sso/", sso.SignInView.as_view(), name="sso_start"),
    path("accounts/sso/callback/", sso.CallbackView.as_view(), name="sso_callback"),
    path("accounts/logout/", sso.sign_out, name="logout"),
    path("accounts/password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    # The reset e-mail in the account owner's language, answered in the same time for any address.
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", i18n.switch_language, name="set_language"),
    path("notifications/", views.notification_settings, name="notification_settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("admin/", admin.site.urls),
    # The homes and the team page compose every app: the dashboard app, at the top, serves them.
    path("", include("dashboard.urls")),
    path("", include("objectives.urls")),
    path("obstacles/", include("obstacles.urls")),
    path("coaching/", include("coaching.urls")),
    path("people/", include("people.urls")),
    # The JSON API (token-authenticated) and the pages that go with it: tokens, reference.
    path("", include("api.urls")),
    path("api/v1/", api_urls.v1),
    # Calendar feeds, chat channels and outgoing webhooks.
    path("", include("integrations.urls")),
]
