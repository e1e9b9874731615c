from django.urls import path

from . import views

app_name = "objectives"
urlpatterns = [
    path("teams/", views.team_list, name="teams"),
]
