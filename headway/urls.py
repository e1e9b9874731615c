from django.contrib import admin
from django.urls import include, path

from coaching.views import team_detail

from . import i18n, views
from .forms import AdminSignInForm

# The admin's sign-in page is throttled like Headway's own.
admin.site.login_form = AdminSignInForm
handler500 = "headway.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Sign-in also brings back the language the person chose (headway.i18n).
    path("accounts/login/", i18n.sign_in, name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", i18n.switch_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Pages that show several apps' parts are routed here, to the view of the highest app
    # that contributes to them, so that apps keep depending one way only.
    path("teams/<slug:slug>/", team_detail, name="team"),
    path("", include("objectives.urls")),
    # obstacles (issue 5)
    path("obstacles/", include("obstacles.urls")),
    path("coaching/", include("coaching.urls")),
]
