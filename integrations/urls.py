from django.urls import path

from . import views

app_name = "integrations"
urlpatterns = [
    path("settings/calendar/", views.calendar_settings, name="calendar"),
    path("settings/calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
