from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.dashboard, name="learner_dashboard"),
    path("me/profile/", views.profile, name="learner_profile"),
]
