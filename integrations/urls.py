from django.urls import path

from . import views

app_name = "integrations"
urlpatterns = [
    path("settings/calendar/", views.calendar_settings, name="calendar"),
    path("settings/calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("settings/integrations/", views.hub, name="hub"),
    path("teams/<slug:slug>/chat/", views.team_chat, name="team_chat"),
    path("teams/<slug:slug>/chat/<int:pk>/", views.chat_channel_edit, name="chat_channel_edit"),
    path(
        "teams/<slug:slug>/chat/<int:pk>/test/", views.chat_channel_test, name="chat_channel_test"
    ),
    path(
        "teams/<slug:slug>/chat/<int:pk>/enable/",
        views.chat_channel_enable,
        name="chat_channel_enable",
    ),
    path(
        "teams/<slug:slug>/chat/<int:pk>/delete/",
        views.chat_channel_delete,
        name="chat_channel_delete",
    ),
    path("settings/webhooks/", views.webhook_list, name="webhooks"),
    path("settings/webhooks/<int:pk>/", views.webhook_detail, name="webhook"),
    path(
        "settings/webhooks/<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
        views.webhook_redeliver,
        name="webhook_redeliver",
    ),
    path("settings/webhooks/<int:pk>/<str:action>/", views.webhook_action, name="webhook_action"),
]
