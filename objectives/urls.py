from django.urls import path

from . import views

app_name = "objectives"
urlpatterns = [
    path("teams/", views.team_list, name="teams"),
    path("teams/<slug:slug>/", views.team_detail, name="team"),
]
