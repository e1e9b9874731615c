from django.urls import path

from . import views

app_name = "obstacles"
urlpatterns = [
    path("", views.obstacle_log, name="log"),
    path("export.csv", views.obstacle_export, name="export"),
    path("new/", views.obstacle_create, name="new"),
    path("<int:pk>/", views.obstacle_detail, name="obstacle"),
    path("<int:pk>/edit/", views.obstacle_edit, name="edit"),
    path("<int:pk>/status/", views.obstacle_status, name="status"),
    path("<int:pk>/owner/", views.obstacle_owner, name="owner"),
    path("<int:pk>/urgency/", views.obstacle_urgency, name="urgency"),
    path("<int:pk>/comments/", views.obstacle_comment, name="comment"),
]
