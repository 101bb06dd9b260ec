from django.urls import path

from flowbridge.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.notifications, name="list"),
    path("read/", views.mark_read, name="read"),
    path("<int:notification_id>/", views.open_notification, name="open"),
]
