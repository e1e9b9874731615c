from django.urls import path

from . import views

# Not namespaced: every app links to "home" and to a team's page ("team").
urlpatterns = [
    path("", views.home, name="home"),
    path("teams/<slug:slug>/", views.team_page, name="team"),
    path("problems/", views.problems, name="problems"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/none/", views.problem_detail, name="problem_none"),
    path("review/<str:label>/", views.quarter_review, name="review"),
    path("review/<str:label>/export.csv", views.quarter_review_export, name="review_export"),
]
