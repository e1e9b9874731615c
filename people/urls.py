from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.people, name="people"),
    path("<int:pk>/", views.handover, name="handover"),
    path("<int:pk>/deactivate/", views.deactivate, name="deactivate"),
]
