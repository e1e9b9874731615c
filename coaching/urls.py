from django.urls import path

from . import views

app_name = "coaching"
urlpatterns = [
    path("", views.one_on_ones, name="one_on_ones"),
    path("next/", views.next_one_on_one, name="next"),
    path("next/<slug:slug>/schedule/", views.schedule_first, name="schedule_first"),
    path("actions/", views.help_queue, name="actions"),
    path("actions/<int:pk>/toggle/", views.toggle_action_item, name="toggle_action_item"),
    path("learnings/", views.learnings, name="learnings"),
    path("learnings/new/", views.learning_create, name="learning_new"),
    path("learnings/<int:pk>/share/", views.learning_share, name="learning_share"),
    path("<int:pk>/", views.one_on_one_detail, name="one_on_one"),
    path("<int:pk>/talking-points/", views.add_talking_point, name="add_talking_point"),
    path("<int:pk>/discussed/", views.toggle_discussed, name="toggle_discussed"),
    path("<int:pk>/notes/<str:which>/", views.save_notes, name="save_notes"),
    path("<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("<int:pk>/held/", views.mark_held, name="mark_held"),
    path("<int:pk>/action-items/", views.add_action_item, name="add_action_item"),
]
