from django.urls import path

from . import views

urlpatterns = [
    path("me/notifications/", views.inbox, name="notification_inbox"),
    path("me/notifications/read/", views.inbox_read, name="notification_inbox_read"),
    path("me/notifications/settings/", views.settings_page, name="notification_settings"),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="notifications_unsubscribe",
    ),
]
