from django.urls import path

from . import views

app_name = "objectives"
urlpatterns = [
    path("teams/", views.team_list, name="teams"),
    path("teams/<slug:slug>/objectives/new/", views.objective_create, name="objective_create"),
    path(
        "teams/<slug:slug>/objectives/<int:pk>/edit/",
        views.objective_edit,
        name="objective_edit",
    ),
    path(
        "teams/<slug:slug>/objectives/<int:pk>/move/",
        views.objective_move,
        name="objective_move",
    ),
    path(
        "teams/<slug:slug>/objectives/<int:pk>/drop/",
        views.objective_drop,
        name="objective_drop",
    ),
    path(
        "teams/<slug:slug>/objectives/<int:pk>/carry-over/",
        views.objective_carry_over,
        name="objective_carry_over",
    ),
    path(
        "teams/<slug:slug>/objectives/<int:objective_pk>/key-results/new/",
        views.key_result_create,
        name="key_result_create",
    ),
    path("teams/<slug:slug>/key-results/<int:pk>/", views.key_result_detail, name="key_result"),
    path(
        "teams/<slug:slug>/key-results/<int:pk>/edit/",
        views.key_result_edit,
        name="key_result_edit",
    ),
    path(
        "teams/<slug:slug>/key-results/<int:pk>/delete/",
        views.key_result_delete,
        name="key_result_delete",
    ),
    path("teams/<slug:slug>/key-results/<int:pk>/check-in/", views.check_in, name="check_in"),
    path(
        "teams/<slug:slug>/check-ins/<int:pk>/correct/", views.check_in_edit, name="check_in_edit"
    ),
    path(
        "teams/<slug:slug>/check-ins/<int:pk>/delete/",
        views.check_in_delete,
        name="check_in_delete",
    ),
    path(
        "teams/<slug:slug>/quarters/<str:label>/close/",
        views.quarter_close,
        name="quarter_close",
    ),
    path(
        "teams/<slug:slug>/quarters/<str:label>/reopen/",
        views.quarter_reopen,
        name="quarter_reopen",
    ),
    path("quarters/next/", views.quarter_create_next, name="quarter_create_next"),
    path("problems/new/", views.problem_create, name="problem_create"),
    path("problems/<int:pk>/edit/", views.problem_edit, name="problem_edit"),
    path("problems/<int:pk>/delete/", views.problem_delete, name="problem_delete"),
]
